/*
 * test_se.c - security: SIDs/ACLs/descriptors in binary form, the SDDL
 * subset (valid and malformed input), the Unix identity -> SID mapping,
 * and the access matrix of the predefined SDDL_DEVOBJ_* strings.
 */
#include <wdm.h>
#include <wdmsec.h>
#include "se/se.h"
#include "ob/ob.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define ADMIN_GID 27u        /* "sudo" on Debian; configured below */

static struct se_identity id_root, id_admin, id_user, id_nobody;

static int setup(void **state)
{
    static const uint32_t admin_groups[] = { 100, ADMIN_GID };
    static const uint32_t user_groups[] = { 100, 2000 };

    (void)state;
    se_set_admin_group(ADMIN_GID);
    se_set_nobody_uid(65534);
    se_identity_init(&id_root, 0, 0, NULL, 0);
    se_identity_init(&id_admin, 1000, 1000, admin_groups, 2);
    se_identity_init(&id_user, 1001, 1001, user_groups, 2);
    se_identity_init(&id_nobody, 65534, 65534, NULL, 0);
    return 0;
}

static PSECURITY_DESCRIPTOR parse_us(const UNICODE_STRING *s)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG len = 0;

    assert_int_equal(se_sddl_to_sd(s, &sd, &len), STATUS_SUCCESS);
    assert_non_null(sd);
    assert_true(RtlValidSecurityDescriptor(sd));
    assert_true(RtlValidRelativeSecurityDescriptor(sd, len, 0));
    assert_int_equal(RtlLengthSecurityDescriptor(sd), len);
    return sd;
}

static PSECURITY_DESCRIPTOR parse(const char *s)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG len = 0;

    assert_int_equal(se_sddl_to_sd_a(s, &sd, &len), STATUS_SUCCESS);
    assert_non_null(sd);
    assert_true(RtlValidRelativeSecurityDescriptor(sd, len, 0));
    return sd;
}

/* ---- binary layouts and Rtl* -------------------------------------------- */

static void test_layouts(void **state)
{
    (void)state;
    assert_int_equal(sizeof(SID), 12);
    assert_int_equal(offsetof(SID, IdentifierAuthority), 2);
    assert_int_equal(offsetof(SID, SubAuthority), 8);
    assert_int_equal(sizeof(ACL), 8);
    assert_int_equal(offsetof(ACL, AceCount), 4);
    assert_int_equal(sizeof(ACE_HEADER), 4);
    assert_int_equal(offsetof(ACCESS_ALLOWED_ACE, Mask), 4);
    assert_int_equal(offsetof(ACCESS_ALLOWED_ACE, SidStart), 8);
    assert_int_equal(sizeof(SECURITY_DESCRIPTOR), 0x28);
    assert_int_equal(offsetof(SECURITY_DESCRIPTOR, Dacl), 0x20);
    assert_int_equal(sizeof(SECURITY_DESCRIPTOR_RELATIVE), 0x14);
    assert_int_equal(offsetof(SECURITY_DESCRIPTOR_RELATIVE, Dacl), 0x10);
    assert_int_equal(sizeof(ACCESS_STATE), 0xA0);
    assert_int_equal(offsetof(ACCESS_STATE, SubjectSecurityContext), 0x20);
    assert_int_equal(offsetof(ACCESS_STATE, ObjectName), 0x80);
    assert_int_equal(FILE_GENERIC_READ, 0x120089);
    assert_int_equal(FILE_GENERIC_WRITE, 0x120116);
    assert_int_equal(FILE_GENERIC_EXECUTE, 0x1200A0);
    assert_int_equal(FILE_ALL_ACCESS, 0x1F01FF);
}

static void test_rtl_sd(void **state)
{
    SECURITY_DESCRIPTOR sd;
    UCHAR aclbuf[128], sidbuf[SECURITY_MAX_SID_SIZE], rel[256];
    SID_IDENTIFIER_AUTHORITY nt = { SECURITY_NT_AUTHORITY };
    PACL acl = (PACL)aclbuf, got;
    PSID sid = sidbuf;
    BOOLEAN present, defaulted;
    ULONG len, need;
    ACCESS_MASK granted;

    (void)state;
    assert_int_equal(RtlCreateSecurityDescriptor(&sd, 2), STATUS_UNKNOWN_REVISION);
    assert_int_equal(RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION),
                     STATUS_SUCCESS);
    assert_true(RtlValidSecurityDescriptor(&sd));
    assert_int_equal(RtlGetDaclSecurityDescriptor(&sd, &present, &got, &defaulted),
                     STATUS_SUCCESS);
    assert_false(present);

    assert_int_equal(RtlInitializeSid(sid, &nt, 1), STATUS_SUCCESS);
    *RtlSubAuthoritySid(sid, 0) = SECURITY_LOCAL_SYSTEM_RID;
    assert_true(RtlValidSid(sid));
    assert_int_equal(RtlLengthSid(sid), 12);
    assert_int_equal(RtlLengthRequiredSid(2), 16);
    assert_int_equal(RtlCreateAcl(acl, sizeof(aclbuf), ACL_REVISION), STATUS_SUCCESS);
    assert_int_equal(RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, sid), STATUS_SUCCESS);
    assert_int_equal(acl->AceCount, 1);
    assert_int_equal(RtlCreateAcl(acl + 0, 12, ACL_REVISION) == STATUS_SUCCESS, 1);
    assert_int_equal(RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, sid),
                     (NTSTATUS)0xC0000099L);   /* STATUS_ALLOTTED_SPACE_EXCEEDED */
    assert_int_equal(RtlCreateAcl(acl, sizeof(aclbuf), ACL_REVISION), STATUS_SUCCESS);
    assert_int_equal(RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, sid), STATUS_SUCCESS);
    assert_true(RtlValidAcl(acl));
    assert_int_equal(RtlSetDaclSecurityDescriptor(&sd, TRUE, acl, FALSE), STATUS_SUCCESS);
    assert_int_equal(RtlGetDaclSecurityDescriptor(&sd, &present, &got, &defaulted),
                     STATUS_SUCCESS);
    assert_true(present);
    assert_ptr_equal(got, acl);
    assert_int_equal(RtlLengthSecurityDescriptor(&sd), sizeof(SECURITY_DESCRIPTOR) + acl->AclSize);

    len = 4;
    assert_int_equal(RtlAbsoluteToSelfRelativeSD(&sd, rel, &len), STATUS_BUFFER_TOO_SMALL);
    need = len;
    assert_int_equal(need, sizeof(SECURITY_DESCRIPTOR_RELATIVE) + acl->AclSize);
    assert_int_equal(RtlAbsoluteToSelfRelativeSD(&sd, rel, &len), STATUS_SUCCESS);
    assert_true(RtlValidRelativeSecurityDescriptor(rel, need, DACL_SECURITY_INFORMATION));
    assert_false(RtlValidRelativeSecurityDescriptor(rel, need, OWNER_SECURITY_INFORMATION));
    assert_false(RtlValidRelativeSecurityDescriptor(rel, need - 4, 0));

    /* Absolute and self-relative forms check the same. */
    assert_int_equal(se_access_check(&sd, &id_root, GENERIC_READ, NULL, &granted), STATUS_SUCCESS);
    assert_int_equal(se_access_check(rel, &id_root, GENERIC_READ, NULL, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, FILE_GENERIC_READ);
    assert_int_equal(se_access_check(rel, &id_user, GENERIC_READ, NULL, &granted),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(granted, 0);
}

static void check_sid_text(const char *in, const WCHAR *want)
{
    UCHAR sid[SECURITY_MAX_SID_SIZE];
    UNICODE_STRING u;
    size_t n = 0;

    while (want[n])
        n++;
    assert_int_equal(se_sid_from_string_a(in, sid), STATUS_SUCCESS);
    assert_int_equal(RtlConvertSidToUnicodeString(&u, sid, TRUE), STATUS_SUCCESS);
    assert_int_equal(u.Length, n * 2);
    assert_memory_equal(u.Buffer, want, n * 2);
    RtlFreeUnicodeString(&u);
}

static void test_sid_to_string(void **state)
{
    UCHAR sid[SECURITY_MAX_SID_SIZE];
    WCHAR buf[8];
    UNICODE_STRING u = { 0, sizeof(buf), buf };

    (void)state;
    check_sid_text("SY", L"S-1-5-18");
    check_sid_text("BA", L"S-1-5-32-544");
    check_sid_text("WD", L"S-1-1-0");
    check_sid_text("S-1-22-1-1000", L"S-1-22-1-1000");
    check_sid_text("S-1-0x123456789ABC-7", L"S-1-0x123456789ABC-7");
    assert_int_equal(se_sid_from_string_a("S-1-5-32-544", sid), STATUS_SUCCESS);
    assert_int_equal(RtlConvertSidToUnicodeString(&u, sid, FALSE), STATUS_BUFFER_OVERFLOW);
    ((SID *)sid)->Revision = 2;
    assert_int_equal(RtlConvertSidToUnicodeString(&u, sid, TRUE), STATUS_INVALID_SID);
}

static void test_corrupt_descriptors(void **state)
{
    PSECURITY_DESCRIPTOR sd = parse("D:P(A;;GA;;;SY)(A;;GR;;;WD)");
    ULONG len = RtlLengthSecurityDescriptor(sd);
    UCHAR buf[512];
    SECURITY_DESCRIPTOR_RELATIVE *r = (SECURITY_DESCRIPTOR_RELATIVE *)buf;
    ACCESS_MASK granted;
    unsigned seed = 7;

    (void)state;
    assert_true(len < sizeof(buf));
    memcpy(buf, sd, len);
    r->Dacl = 0x10000;                      /* offset far outside */
    assert_false(RtlValidRelativeSecurityDescriptor(buf, len, 0));
    assert_int_equal(se_access_check(buf, &id_user, GENERIC_READ, NULL, &granted),
                     STATUS_INVALID_SECURITY_DESCR);
    memcpy(buf, sd, len);
    ((ACL *)(buf + r->Dacl))->AceCount = 50; /* more ACEs than bytes */
    assert_false(RtlValidRelativeSecurityDescriptor(buf, len, 0));
    memcpy(buf, sd, len);
    ((ACE_HEADER *)(buf + r->Dacl + sizeof(ACL)))->AceSize = 0xFFF0;
    assert_false(RtlValidRelativeSecurityDescriptor(buf, len, 0));
    /* Random byte flips: never a crash, and only valid ones are used. */
    for (int i = 0; i < 20000; i++) {
        memcpy(buf, sd, len);
        memset(buf + len, 0, sizeof(buf) - len);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245 + 12345;
            buf[(seed >> 8) % len] ^= (UCHAR)(seed >> 16);
        }
        if (RtlValidRelativeSecurityDescriptor(buf, len, 0))
            (void)se_access_check(buf, &id_user, MAXIMUM_ALLOWED, NULL, &granted);
    }
    se_free_sd(sd);
}

/* ---- SDDL ----------------------------------------------------------------- */

static void check_ace(PACL acl, ULONG i, UCHAR type, UCHAR flags, ACCESS_MASK mask,
                      const char *sid)
{
    ACCESS_ALLOWED_ACE *ace;
    UCHAR want[SECURITY_MAX_SID_SIZE];

    assert_int_equal(RtlGetAce(acl, i, (PVOID *)&ace), STATUS_SUCCESS);
    assert_int_equal(ace->Header.AceType, type);
    assert_int_equal(ace->Header.AceFlags, flags);
    assert_int_equal(ace->Mask, mask);
    assert_int_equal(se_sid_from_string_a(sid, want), STATUS_SUCCESS);
    assert_true(RtlEqualSid(&ace->SidStart, want));
}

static void test_sddl_devobj_strings(void **state)
{
    PSECURITY_DESCRIPTOR sd;
    BOOLEAN present, defaulted;
    PACL acl;

    (void)state;
    sd = parse_us(&SDDL_DEVOBJ_KERNEL_ONLY);
    assert_int_equal(RtlGetDaclSecurityDescriptor(sd, &present, &acl, &defaulted), STATUS_SUCCESS);
    assert_true(present);
    assert_non_null(acl);
    assert_int_equal(acl->AceCount, 0);
    assert_true(((SECURITY_DESCRIPTOR_RELATIVE *)sd)->Control & SE_DACL_PROTECTED);
    se_free_sd(sd);

    sd = parse_us(&SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R);
    assert_int_equal(RtlGetDaclSecurityDescriptor(sd, &present, &acl, &defaulted), STATUS_SUCCESS);
    assert_int_equal(acl->AceCount, 4);
    check_ace(acl, 0, ACCESS_ALLOWED_ACE_TYPE, 0, GENERIC_ALL, "S-1-5-18");
    check_ace(acl, 1, ACCESS_ALLOWED_ACE_TYPE, 0,
              GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE, "S-1-5-32-544");
    check_ace(acl, 2, ACCESS_ALLOWED_ACE_TYPE, 0, GENERIC_READ | GENERIC_WRITE, "S-1-1-0");
    check_ace(acl, 3, ACCESS_ALLOWED_ACE_TYPE, 0, GENERIC_READ, "S-1-5-12");
    se_free_sd(sd);

    /* Every predefined string parses. */
    {
        const UNICODE_STRING *all[] = {
            &SDDL_DEVOBJ_SYS_ALL, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL, &SDDL_DEVOBJ_SYS_ALL_ADM_RX,
            &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R, &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R,
            &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX, &SDDL_DEVOBJ_INF_SUPPLIED,
        };
        for (size_t i = 0; i < ARRAYSIZE(all); i++)
            se_free_sd(parse_us(all[i]));
    }
}

static void test_sddl_forms(void **state)
{
    PSECURITY_DESCRIPTOR sd;
    BOOLEAN present, defaulted;
    PACL acl;
    PSID owner, group;
    UCHAR want[SECURITY_MAX_SID_SIZE];

    (void)state;
    sd = parse("O:BAG:SYD:PAI(D;OICI;0x1F;;;S-1-22-1-1001)(A;CIIO;FRFX;;;S-1-22-2-27)"
               "(A;;SDRCWDWO;;;AU)(A;;FA;;;BU)(A;;0x120089;;;AN)(A;;FW;;;LS)(A;;GX;;;NS)"
               "(A;;GA;;;CO)");
    assert_int_equal(RtlGetOwnerSecurityDescriptor(sd, &owner, &defaulted), STATUS_SUCCESS);
    assert_int_equal(se_sid_from_string_a("S-1-5-32-544", want), STATUS_SUCCESS);
    assert_true(RtlEqualSid(owner, want));
    assert_int_equal(RtlGetGroupSecurityDescriptor(sd, &group, &defaulted), STATUS_SUCCESS);
    assert_int_equal(se_sid_from_string_a("S-1-5-18", want), STATUS_SUCCESS);
    assert_true(RtlEqualSid(group, want));
    assert_int_equal(RtlGetDaclSecurityDescriptor(sd, &present, &acl, &defaulted), STATUS_SUCCESS);
    assert_int_equal(acl->AceCount, 8);
    check_ace(acl, 0, ACCESS_DENIED_ACE_TYPE, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE, 0x1F,
              "S-1-22-1-1001");
    check_ace(acl, 1, ACCESS_ALLOWED_ACE_TYPE, CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE,
              FILE_GENERIC_READ | FILE_GENERIC_EXECUTE, "S-1-22-2-27");
    check_ace(acl, 2, ACCESS_ALLOWED_ACE_TYPE, 0, DELETE | READ_CONTROL | WRITE_DAC | WRITE_OWNER,
              "S-1-5-11");
    check_ace(acl, 3, ACCESS_ALLOWED_ACE_TYPE, 0, FILE_ALL_ACCESS, "S-1-5-32-545");
    check_ace(acl, 4, ACCESS_ALLOWED_ACE_TYPE, 0, 0x120089, "S-1-5-7");
    check_ace(acl, 5, ACCESS_ALLOWED_ACE_TYPE, 0, FILE_GENERIC_WRITE, "S-1-5-19");
    check_ace(acl, 6, ACCESS_ALLOWED_ACE_TYPE, 0, GENERIC_EXECUTE, "S-1-5-20");
    check_ace(acl, 7, ACCESS_ALLOWED_ACE_TYPE, 0, GENERIC_ALL, "S-1-3-0");
    se_free_sd(sd);

    /* A 48-bit authority and the maximum of 15 subauthorities. */
    sd = parse("D:(A;;GA;;;S-1-0x123456789ABC-1-2-3-4-5-6-7-8-9-10-11-12-13-14-4294967295)");
    se_free_sd(sd);
    /* No D: at all, or NO_ACCESS_CONTROL: a NULL DACL. */
    sd = parse("O:SY");
    assert_int_equal(RtlGetDaclSecurityDescriptor(sd, &present, &acl, &defaulted), STATUS_SUCCESS);
    assert_false(present);
    se_free_sd(sd);
    sd = parse("D:NO_ACCESS_CONTROL");
    assert_int_equal(RtlGetDaclSecurityDescriptor(sd, &present, &acl, &defaulted), STATUS_SUCCESS);
    assert_true(present);
    assert_null(acl);
    se_free_sd(sd);
}

static void test_sddl_malformed(void **state)
{
    static const char *const bad[] = {
        "", "D", "D:P(", "D:P(A;;GA;;;SY", "D:P(X;;GA;;;SY)", "D:P(A;;ZZ;;;SY)",
        "D:P(A;;GA;;;XX)", "D:P(A;;GA;;;S-1-)", "D:P(A;;GA;;;S-1-5)", "D:P(A;;;;;SY)",
        "D:P(A;;GA;;;S-1-5-4294967296)", "D:P(A;;0x100000000;;;SY)", "D:P(A;;0x;;;SY)",
        "D:P(A;;GA;;;S-1-1-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16)",
        "D:P(A;;GA;;;S-1-0x1000000000000-1)", "D:PD:P", "O:SYO:SY", "G:SYG:BA",
        "D:P(A;;GA;x;;SY)", "D:P(A;;GA;;x;SY)", "S:P", "S:P(AU;SA;GA;;;WD)",
        "D:P(A;;GA;;;SY)x", "D:P (A;;GA;;;SY)", "d:p(a;;ga;;;sy)", "D:P(A;XX;GA;;;SY)",
        "D:P(OA;;GA;;;SY)", "D:P(A;;GA;;;SY))", "D:P()", "D:P(A;;GA;;;SY)(",
        "O:", "O:S-1-5-", "D:NO_ACCESS_CONTROL(A;;GA;;;SY)", "D:P(A;;GA;;;SY);",
        "D:P(A;;GAG;;;SY)", "D:P(A;;GA;;;S-1-5-18-)", "(A;;GA;;;SY)",
    };
    PSECURITY_DESCRIPTOR sd = (PSECURITY_DESCRIPTOR)1;
    UNICODE_STRING u;
    WCHAR wbuf[32] = L"D:P(A;;GA;;;SY)";

    (void)state;
    for (size_t i = 0; i < ARRAYSIZE(bad); i++) {
        sd = (PSECURITY_DESCRIPTOR)1;
        if (se_sddl_to_sd_a(bad[i], &sd, NULL) != STATUS_INVALID_PARAMETER)
            fail_msg("accepted malformed SDDL \"%s\"", bad[i]);
        assert_null(sd);
    }
    assert_int_equal(se_sddl_to_sd_a(NULL, &sd, NULL), STATUS_INVALID_PARAMETER);
    /* UNICODE_STRING forms: odd length, non-ASCII, embedded NUL, too long. */
    u.Buffer = wbuf;
    u.Length = 15 * 2;
    u.MaximumLength = sizeof(wbuf);
    assert_int_equal(se_sddl_to_sd(&u, &sd, NULL), STATUS_SUCCESS);
    se_free_sd(sd);
    u.Length = 15 * 2 - 1;
    assert_int_equal(se_sddl_to_sd(&u, &sd, NULL), STATUS_INVALID_PARAMETER);
    u.Length = 15 * 2;
    wbuf[13] = 0x00DF;
    assert_int_equal(se_sddl_to_sd(&u, &sd, NULL), STATUS_INVALID_PARAMETER);
    wbuf[13] = 0;
    assert_int_equal(se_sddl_to_sd(&u, &sd, NULL), STATUS_INVALID_PARAMETER);
    u.Length = 0;
    assert_int_equal(se_sddl_to_sd(&u, &sd, NULL), STATUS_INVALID_PARAMETER);
    u.Buffer = NULL;
    u.Length = 8;
    assert_int_equal(se_sddl_to_sd(&u, &sd, NULL), STATUS_INVALID_PARAMETER);
}

/* Mutations of valid strings: each either parses into a valid descriptor
 * or is refused; never a crash (ASan watches the reads). */
static void test_sddl_fuzz(void **state)
{
    static const char *const seeds[] = {
        "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)",
        "O:BAG:SYD:PAI(D;OICI;0x1F;;;S-1-22-1-1001)(A;;FA;;;BU)",
    };
    static const char alphabet[] = "DAPOGS:;()-0123456789xGARWXFSYBUNLC";
    char buf[128];
    unsigned seed = 99;
    int ok = 0;

    (void)state;
    for (int i = 0; i < 50000; i++) {
        const char *s = seeds[i & 1];
        size_t n = strlen(s);
        PSECURITY_DESCRIPTOR sd = NULL;
        ULONG len;
        NTSTATUS st;

        memcpy(buf, s, n + 1);
        for (int k = 0; k < 1 + (i % 4); k++) {
            seed = seed * 1103515245 + 12345;
            switch ((seed >> 4) % 3) {
            case 0:   /* replace */
                buf[(seed >> 8) % n] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
                break;
            case 1:   /* truncate */
                n = (seed >> 8) % n + 1;
                buf[n] = 0;
                break;
            default:  /* duplicate a tail */
                if (n < 60) {
                    size_t at = (seed >> 8) % n;
                    memmove(buf + n, buf + at, n - at + 1);
                    n += n - at;
                }
            }
        }
        st = se_sddl_to_sd_a(buf, &sd, &len);
        if (st == STATUS_SUCCESS) {
            ok++;
            assert_true(RtlValidRelativeSecurityDescriptor(sd, len, 0));
            se_free_sd(sd);
        } else {
            assert_int_equal(st, STATUS_INVALID_PARAMETER);
            assert_null(sd);
        }
    }
    assert_true(ok > 0);
}

/* ---- identities ------------------------------------------------------------- */

static BOOLEAN has(const struct se_identity *id, const char *sid)
{
    UCHAR s[SECURITY_MAX_SID_SIZE];

    assert_int_equal(se_sid_from_string_a(sid, s), STATUS_SUCCESS);
    return se_identity_has_sid(id, s);
}

static void test_identity_mapping(void **state)
{
    struct se_identity gid0;

    (void)state;
    /* root is the system and an administrator. */
    assert_true(has(&id_root, "SY") && has(&id_root, "BA") && has(&id_root, "WD"));
    assert_true(has(&id_root, "AU") && has(&id_root, "BU"));
    assert_true(has(&id_root, "S-1-22-1-0") && has(&id_root, "S-1-22-2-0"));
    /* An admin group member: BA, not SY. */
    assert_true(has(&id_admin, "BA") && !has(&id_admin, "SY"));
    assert_true(has(&id_admin, "AU") && has(&id_admin, "BU") && has(&id_admin, "WD"));
    assert_true(has(&id_admin, "S-1-22-2-27") && has(&id_admin, "S-1-22-2-100"));
    /* gid 0 is always an administrators group. */
    se_identity_init(&gid0, 1500, 0, NULL, 0);
    assert_true(has(&gid0, "BA"));
    /* An ordinary user. */
    assert_false(has(&id_user, "BA") || has(&id_user, "SY") || has(&id_user, "AN"));
    assert_true(has(&id_user, "AU") && has(&id_user, "BU") && has(&id_user, "WD"));
    assert_true(has(&id_user, "S-1-22-1-1001") && !has(&id_user, "S-1-22-1-1000"));
    assert_true(has(&id_user, "S-1-22-2-1001") && has(&id_user, "S-1-22-2-2000"));
    assert_false(has(&id_user, "S-1-22-2-27"));
    /* nobody: anonymous and world only. */
    assert_true(has(&id_nobody, "AN") && has(&id_nobody, "WD"));
    assert_false(has(&id_nobody, "AU") || has(&id_nobody, "BU") || has(&id_nobody, "BA"));
    /* Never a person: LS, NS, RC, CO, IU. */
    assert_false(has(&id_root, "LS") || has(&id_root, "NS") || has(&id_root, "RC") ||
                 has(&id_root, "CO") || has(&id_root, "IU"));
    assert_false(has(&id_user, "LS") || has(&id_user, "NS") || has(&id_user, "RC"));

    /* A user known by uid/gid gets the groups of the group database; the
     * process's own identity agrees with getgroups() on its primary ids. */
    {
        struct se_identity me, byuid;

        se_identity_of_process(&me);
        se_identity_of_user(&byuid, me.uid, me.gid);
        assert_int_equal(byuid.uid, me.uid);
        assert_int_equal(byuid.gid, me.gid);
        se_identity_of_user(&byuid, 0, 0);
        assert_true(has(&byuid, "SY") && has(&byuid, "BA"));
        /* getgrouplist always lists the primary group of a known user. */
        assert_true(byuid.ngroups >= 1);
        assert_true(has(&byuid, "S-1-22-2-0"));
        se_identity_of_user(&byuid, 4000000000u, 4000000000u);   /* no passwd entry */
        assert_int_equal(byuid.ngroups, 0);
        assert_true(has(&byuid, "AU") && !has(&byuid, "BA"));
    }

    /* The admin group by name or number. */
    assert_int_equal(se_set_admin_group_name("no-such-group-openddk"), STATUS_NO_SUCH_GROUP);
    assert_int_equal(se_set_admin_group_name("2000"), STATUS_SUCCESS);
    se_identity_init(&gid0, 1001, 1001, (const uint32_t[]){ 2000 }, 1);
    assert_true(has(&gid0, "BA"));
    se_set_admin_group(ADMIN_GID);
}

/* ---- the access matrix --------------------------------------------------------- */

enum { R = 1, W = 2, RW = 4, A = 8 };
#define RWX (R | W | RW)

struct matrix_row {
    const UNICODE_STRING *sddl;
    const char *name;
    int root, admin, user, nobody;   /* which requests succeed */
};

/*
 * Expected results as Windows documents the strings (wdmsec.h): SY gets
 * GA; BA gets what the string names; WD is everyone including anonymous;
 * RC (restricted code) grants nothing to an unrestricted caller. "all" is
 * GENERIC_ALL = FILE_ALL_ACCESS, which GRGWGX does not cover (no DELETE,
 * WRITE_DAC, WRITE_OWNER, FILE_DELETE_CHILD).
 */
static const struct matrix_row matrix[] = {
    { &SDDL_DEVOBJ_KERNEL_ONLY, "KERNEL_ONLY", 0, 0, 0, 0 },
    { &SDDL_DEVOBJ_SYS_ALL, "SYS_ALL", RWX | A, 0, 0, 0 },
    { &SDDL_DEVOBJ_SYS_ALL_ADM_ALL, "SYS_ALL_ADM_ALL", RWX | A, RWX | A, 0, 0 },
    { &SDDL_DEVOBJ_SYS_ALL_ADM_RX, "SYS_ALL_ADM_RX", RWX | A, R, 0, 0 },
    { &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R, "ADM_RWX_WORLD_R", RWX | A, RWX, R, R },
    { &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R, "ADM_RWX_WORLD_R_RES_R", RWX | A, RWX, R, R },
    { &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R, "ADM_RWX_WORLD_RW_RES_R", RWX | A, RWX, RWX,
      RWX },
    { &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX, "ADM_RWX_WORLD_RWX_RES_RWX", RWX | A, RWX,
      RWX, RWX },
};

static void test_access_matrix(void **state)
{
    static const struct { int bit; ACCESS_MASK want; ACCESS_MASK granted; } req[] = {
        { R, GENERIC_READ, FILE_GENERIC_READ },
        { W, GENERIC_WRITE, FILE_GENERIC_WRITE },
        { RW, GENERIC_READ | GENERIC_WRITE, FILE_GENERIC_READ | FILE_GENERIC_WRITE },
        { A, GENERIC_ALL, FILE_ALL_ACCESS },
    };
    const struct se_identity *who[] = { &id_root, &id_admin, &id_user, &id_nobody };
    const char *who_name[] = { "root", "admin", "user", "nobody" };

    (void)state;
    for (size_t m = 0; m < ARRAYSIZE(matrix); m++) {
        PSECURITY_DESCRIPTOR sd = parse_us(matrix[m].sddl);
        int expect[4] = { matrix[m].root, matrix[m].admin, matrix[m].user, matrix[m].nobody };

        for (int w = 0; w < 4; w++) {
            for (size_t r = 0; r < ARRAYSIZE(req); r++) {
                ACCESS_MASK granted = 0xdead;
                NTSTATUS st = se_access_check(sd, who[w], req[r].want, NULL, &granted);
                BOOLEAN ok = !!(expect[w] & req[r].bit);

                if (ok && (st != STATUS_SUCCESS || granted != req[r].granted))
                    fail_msg("%s: %s request %#x: got %#x granted %#x, expected granted %#x",
                             matrix[m].name, who_name[w], (unsigned)req[r].want,
                             (unsigned)st, (unsigned)granted, (unsigned)req[r].granted);
                if (!ok && (st != STATUS_ACCESS_DENIED || granted != 0))
                    fail_msg("%s: %s request %#x: got %#x, expected access denied",
                             matrix[m].name, who_name[w], (unsigned)req[r].want, (unsigned)st);
            }
        }
        se_free_sd(sd);
    }
}

static void test_access_rules(void **state)
{
    PSECURITY_DESCRIPTOR sd;
    ACCESS_MASK g;

    (void)state;
    /* MAXIMUM_ALLOWED: what can be granted. */
    sd = parse_us(&SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R);
    assert_int_equal(se_access_check(sd, &id_user, MAXIMUM_ALLOWED, NULL, &g), STATUS_SUCCESS);
    assert_int_equal(g, FILE_GENERIC_READ);
    assert_int_equal(se_access_check(sd, &id_admin, MAXIMUM_ALLOWED, NULL, &g), STATUS_SUCCESS);
    assert_int_equal(g, FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE);
    assert_int_equal(se_access_check(sd, &id_root, MAXIMUM_ALLOWED, NULL, &g), STATUS_SUCCESS);
    assert_int_equal(g, FILE_ALL_ACCESS);
    assert_int_equal(se_access_check(sd, &id_user, MAXIMUM_ALLOWED | FILE_WRITE_DATA, NULL, &g),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(se_access_check(sd, &id_user, 0, NULL, &g), STATUS_ACCESS_DENIED);
    se_free_sd(sd);
    sd = parse_us(&SDDL_DEVOBJ_KERNEL_ONLY);
    assert_int_equal(se_access_check(sd, &id_root, MAXIMUM_ALLOWED, NULL, &g),
                     STATUS_ACCESS_DENIED);
    se_free_sd(sd);

    /* Deny ACEs count where they stand: first, they win... */
    sd = parse("D:P(D;;GW;;;S-1-22-1-1001)(A;;GA;;;WD)");
    assert_int_equal(se_access_check(sd, &id_user, FILE_READ_DATA, NULL, &g), STATUS_SUCCESS);
    /* FILE_GENERIC_WRITE shares READ_CONTROL and SYNCHRONIZE with
     * FILE_GENERIC_READ: denying GW denies a generic read too, as on
     * Windows. */
    assert_int_equal(se_access_check(sd, &id_user, GENERIC_READ, NULL, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(se_access_check(sd, &id_user, GENERIC_WRITE, NULL, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(se_access_check(sd, &id_user, FILE_APPEND_DATA, NULL, &g),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(se_access_check(sd, &id_user, MAXIMUM_ALLOWED, NULL, &g), STATUS_SUCCESS);
    assert_int_equal(g & FILE_WRITE_DATA, 0);
    assert_int_equal(g & FILE_READ_DATA, FILE_READ_DATA);
    assert_int_equal(se_access_check(sd, &id_admin, GENERIC_WRITE, NULL, &g), STATUS_SUCCESS);
    se_free_sd(sd);
    /* ...after an allow that already granted, they change nothing. */
    sd = parse("D:P(A;;GA;;;WD)(D;;GW;;;S-1-22-1-1001)");
    assert_int_equal(se_access_check(sd, &id_user, GENERIC_WRITE, NULL, &g), STATUS_SUCCESS);
    se_free_sd(sd);
    /* Group deny by Unix gid, supplementary groups included. */
    sd = parse("D:P(D;;GA;;;S-1-22-2-2000)(A;;GA;;;WD)");
    assert_int_equal(se_access_check(sd, &id_user, GENERIC_READ, NULL, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(se_access_check(sd, &id_admin, GENERIC_READ, NULL, &g), STATUS_SUCCESS);
    se_free_sd(sd);
    /* Rights accumulate over several ACEs. */
    sd = parse("D:P(A;;FR;;;S-1-22-1-1001)(A;;FW;;;BU)");
    assert_int_equal(se_access_check(sd, &id_user, GENERIC_READ | GENERIC_WRITE, NULL, &g),
                     STATUS_SUCCESS);
    assert_int_equal(se_access_check(sd, &id_nobody, GENERIC_READ, NULL, &g),
                     STATUS_ACCESS_DENIED);
    se_free_sd(sd);
    /* Inherit-only ACEs do not apply to the object itself. */
    sd = parse("D:P(A;OICIIO;GA;;;WD)");
    assert_int_equal(se_access_check(sd, &id_root, GENERIC_READ, NULL, &g), STATUS_ACCESS_DENIED);
    se_free_sd(sd);
    /* RC, LS, NS, CO grant nobody anything; AN is nobody only. */
    sd = parse("D:P(A;;GA;;;RC)(A;;GA;;;LS)(A;;GA;;;NS)(A;;GA;;;CO)");
    for (int i = 0; i < 4; i++) {
        const struct se_identity *w[] = { &id_root, &id_admin, &id_user, &id_nobody };
        assert_int_equal(se_access_check(sd, w[i], GENERIC_READ, NULL, &g), STATUS_ACCESS_DENIED);
    }
    se_free_sd(sd);
    sd = parse("D:P(A;;GR;;;AN)");
    assert_int_equal(se_access_check(sd, &id_nobody, GENERIC_READ, NULL, &g), STATUS_SUCCESS);
    assert_int_equal(se_access_check(sd, &id_user, GENERIC_READ, NULL, &g), STATUS_ACCESS_DENIED);
    se_free_sd(sd);
    sd = parse("D:P(A;;GR;;;AU)");
    assert_int_equal(se_access_check(sd, &id_nobody, GENERIC_READ, NULL, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(se_access_check(sd, &id_user, GENERIC_READ, NULL, &g), STATUS_SUCCESS);
    se_free_sd(sd);
    /* Empty DACL: nobody; NULL DACL or no descriptor: everyone. */
    sd = parse("D:");
    assert_int_equal(se_access_check(sd, &id_root, GENERIC_READ, NULL, &g), STATUS_ACCESS_DENIED);
    se_free_sd(sd);
    sd = parse("D:NO_ACCESS_CONTROL");
    assert_int_equal(se_access_check(sd, &id_nobody, GENERIC_ALL, NULL, &g), STATUS_SUCCESS);
    assert_int_equal(g, FILE_ALL_ACCESS);
    se_free_sd(sd);
    assert_int_equal(se_access_check(NULL, &id_nobody, GENERIC_WRITE, NULL, &g), STATUS_SUCCESS);
    assert_int_equal(g, FILE_GENERIC_WRITE);
    /* The owner may always read and change the DACL. */
    sd = parse("O:S-1-22-1-1001D:P");
    assert_int_equal(se_access_check(sd, &id_user, READ_CONTROL | WRITE_DAC, NULL, &g),
                     STATUS_SUCCESS);
    assert_int_equal(se_access_check(sd, &id_user, GENERIC_READ, NULL, &g), STATUS_ACCESS_DENIED);
    se_free_sd(sd);
    /* Specific rights from hex masks; ACCESS_SYSTEM_SECURITY is root's. */
    sd = parse("D:P(A;;0x1;;;WD)");
    assert_int_equal(se_access_check(sd, &id_user, FILE_READ_DATA, NULL, &g), STATUS_SUCCESS);
    assert_int_equal(g, FILE_READ_DATA);
    assert_int_equal(se_access_check(sd, &id_user, FILE_READ_DATA | ACCESS_SYSTEM_SECURITY, NULL,
                                     &g), STATUS_PRIVILEGE_NOT_HELD);
    se_free_sd(sd);
}

static void test_se_ddis(void **state)
{
    PSECURITY_DESCRIPTOR sd = parse_us(&SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R);
    SECURITY_SUBJECT_CONTEXT sc;
    const struct se_identity *prev;
    ACCESS_MASK g;
    NTSTATUS st;
    GENERIC_MAPPING map = se_file_mapping;

    (void)state;
    /* Kernel mode: no check. */
    SeCaptureSubjectContext(&sc);
    assert_true(SeAccessCheck(sd, &sc, FALSE, GENERIC_ALL, 0, NULL, &map, KernelMode, &g, &st));
    assert_int_equal(st, STATUS_SUCCESS);
    assert_int_equal(g, FILE_ALL_ACCESS);
    SeReleaseSubjectContext(&sc);

    /* User mode: the identity captured from the thread. */
    prev = se_set_thread_identity(&id_user);
    SeCaptureSubjectContext(&sc);
    se_set_thread_identity(prev);
    assert_true(SeAccessCheck(sd, &sc, FALSE, GENERIC_READ, 0, NULL, &map, UserMode, &g, &st));
    assert_int_equal(g, FILE_GENERIC_READ);
    assert_false(SeAccessCheck(sd, &sc, FALSE, GENERIC_WRITE, 0, NULL, &map, UserMode, &g, &st));
    assert_int_equal(st, STATUS_ACCESS_DENIED);
    /* Previously granted rights need no ACE. */
    assert_true(SeAccessCheck(sd, &sc, FALSE, FILE_WRITE_DATA, FILE_WRITE_DATA, NULL, &map,
                              UserMode, &g, &st));
    SeReleaseSubjectContext(&sc);
    assert_true(SeValidSecurityDescriptor(RtlLengthSecurityDescriptor(sd), sd));
    assert_false(SeValidSecurityDescriptor(8, sd));
    se_free_sd(sd);
}

/* RtlSet{Owner,Group}SecurityDescriptor set the SID and its own
 * "defaulted" bit, and leave the other one alone. */
static void test_set_owner_group(void **state)
{
    SECURITY_DESCRIPTOR sd;
    UCHAR owner_buf[64], group_buf[64];
    PSID owner = owner_buf, group = group_buf, got;
    BOOLEAN defaulted;
    SID_IDENTIFIER_AUTHORITY nt = { SECURITY_NT_AUTHORITY };
    (void)state;

    assert_int_equal(RtlInitializeSid(owner, &nt, 1), STATUS_SUCCESS);
    *RtlSubAuthoritySid(owner, 0) = 18;     /* SY */
    assert_int_equal(RtlInitializeSid(group, &nt, 1), STATUS_SUCCESS);
    *RtlSubAuthoritySid(group, 0) = 11;     /* AU */
    assert_int_equal(RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION), STATUS_SUCCESS);

    assert_int_equal(RtlSetOwnerSecurityDescriptor(&sd, owner, TRUE), STATUS_SUCCESS);
    assert_int_equal(RtlSetGroupSecurityDescriptor(&sd, group, FALSE), STATUS_SUCCESS);
    assert_int_equal(RtlGetOwnerSecurityDescriptor(&sd, &got, &defaulted), STATUS_SUCCESS);
    assert_ptr_equal(got, owner);
    assert_true(defaulted);
    assert_int_equal(RtlGetGroupSecurityDescriptor(&sd, &got, &defaulted), STATUS_SUCCESS);
    assert_ptr_equal(got, group);
    assert_false(defaulted);

    assert_int_equal(RtlSetOwnerSecurityDescriptor(&sd, owner, FALSE), STATUS_SUCCESS);
    assert_int_equal(RtlSetGroupSecurityDescriptor(&sd, group, TRUE), STATUS_SUCCESS);
    assert_int_equal(RtlGetOwnerSecurityDescriptor(&sd, &got, &defaulted), STATUS_SUCCESS);
    assert_false(defaulted);
    assert_int_equal(RtlGetGroupSecurityDescriptor(&sd, &got, &defaulted), STATUS_SUCCESS);
    assert_true(defaulted);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_rtl_sd),
        cmocka_unit_test(test_sid_to_string),
        cmocka_unit_test(test_corrupt_descriptors),
        cmocka_unit_test(test_sddl_devobj_strings),
        cmocka_unit_test(test_sddl_forms),
        cmocka_unit_test(test_sddl_malformed),
        cmocka_unit_test(test_sddl_fuzz),
        cmocka_unit_test(test_identity_mapping),
        cmocka_unit_test(test_access_matrix),
        cmocka_unit_test(test_access_rules),
        cmocka_unit_test(test_se_ddis),
        cmocka_unit_test(test_set_owner_group),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
