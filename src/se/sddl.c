/*
 * se/sddl.c - the SDDL subset that describes device and object security,
 * parsed into self-relative security descriptors.
 *
 * Grammar accepted (a string is at most 4096 characters):
 *   sddl  := part+            each of O:, G:, D: at most once, any order
 *   part  := "O:" sid | "G:" sid | "D:" dflags ace*
 *   dflags:= ("P" | "AI" | "AR" | "NO_ACCESS_CONTROL")*
 *   ace   := "(" type ";" aflags ";" rights ";" ";" ";" sid ")"
 *   type  := "A" | "D"
 *   aflags:= ("OI" | "CI" | "NP" | "IO" | "ID")*
 *   rights:= "0x" hex | decimal | code+  (GA GR GW GX FA FR FW FX SD RC WD
 *            WO KA KR KW KX CC DC LC SW RP WP DT LO CR)
 *   sid   := two-letter alias | "S-1-" authority ("-" subauthority)*
 * Object ACEs, SACLs (S:), conditional ACEs and resource attributes are
 * not part of the subset: they are STATUS_INVALID_PARAMETER, like every
 * other malformed input. "D:" with no ACE is an empty DACL (nobody);
 * NO_ACCESS_CONTROL or no D: at all is a NULL DACL (everyone).
 */
#include "se/sep.h"

#include <stdlib.h>
#include <string.h>

#define SE_SDDL_MAX_CHARS 4096
#define SE_SDDL_MAX_ACES  256

struct se_alias {
    char code[3];
    UCHAR authority;
    UCHAR count;
    ULONG sub[2];
};

static const struct se_alias se_aliases[] = {
    { "WD", 1, 1, { SECURITY_WORLD_RID } },
    { "CO", 3, 1, { SECURITY_CREATOR_OWNER_RID } },
    { "CG", 3, 1, { SECURITY_CREATOR_GROUP_RID } },
    { "NU", 5, 1, { SECURITY_NETWORK_RID } },
    { "IU", 5, 1, { SECURITY_INTERACTIVE_RID } },
    { "SU", 5, 1, { SECURITY_SERVICE_RID } },
    { "AN", 5, 1, { SECURITY_ANONYMOUS_LOGON_RID } },
    { "AU", 5, 1, { SECURITY_AUTHENTICATED_USER_RID } },
    { "RC", 5, 1, { SECURITY_RESTRICTED_CODE_RID } },
    { "SY", 5, 1, { SECURITY_LOCAL_SYSTEM_RID } },
    { "LS", 5, 1, { SECURITY_LOCAL_SERVICE_RID } },
    { "NS", 5, 1, { SECURITY_NETWORK_SERVICE_RID } },
    { "BA", 5, 2, { SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS } },
    { "BU", 5, 2, { SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS } },
    { "BG", 5, 2, { SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_GUESTS } },
    { "PU", 5, 2, { SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_POWER_USERS } },
};

struct se_right {
    char code[3];
    ACCESS_MASK mask;
};

static const struct se_right se_rights[] = {
    { "GA", GENERIC_ALL }, { "GR", GENERIC_READ }, { "GW", GENERIC_WRITE },
    { "GX", GENERIC_EXECUTE },
    { "FA", FILE_ALL_ACCESS }, { "FR", FILE_GENERIC_READ }, { "FW", FILE_GENERIC_WRITE },
    { "FX", FILE_GENERIC_EXECUTE },
    { "SD", DELETE }, { "RC", READ_CONTROL }, { "WD", WRITE_DAC }, { "WO", WRITE_OWNER },
    { "KA", 0xF003F }, { "KR", 0x20019 }, { "KW", 0x20006 }, { "KX", 0x20019 },
    { "CC", 0x1 }, { "DC", 0x2 }, { "LC", 0x4 }, { "SW", 0x8 }, { "RP", 0x10 },
    { "WP", 0x20 }, { "DT", 0x40 }, { "LO", 0x80 }, { "CR", 0x100 },
};

struct se_parser {
    const char *s;
    size_t pos, len;
};

static BOOLEAN se_at(struct se_parser *p, const char *lit)
{
    size_t n = strlen(lit);

    if (p->len - p->pos < n || memcmp(p->s + p->pos, lit, n) != 0)
        return FALSE;
    p->pos += n;
    return TRUE;
}

static BOOLEAN se_digit(char c) { return c >= '0' && c <= '9'; }

static int se_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A number: 0x-hex or decimal, at most max. */
static BOOLEAN se_number(struct se_parser *p, ULONG64 max, ULONG64 *out)
{
    ULONG64 v = 0;
    size_t start;

    if (p->len - p->pos >= 2 && p->s[p->pos] == '0' &&
        (p->s[p->pos + 1] == 'x' || p->s[p->pos + 1] == 'X')) {
        p->pos += 2;
        start = p->pos;
        while (p->pos < p->len && se_hexval(p->s[p->pos]) >= 0) {
            v = v * 16 + (ULONG64)se_hexval(p->s[p->pos++]);
            if (v > max)
                return FALSE;
        }
    } else {
        start = p->pos;
        while (p->pos < p->len && se_digit(p->s[p->pos])) {
            v = v * 10 + (ULONG64)(p->s[p->pos++] - '0');
            if (v > max)
                return FALSE;
        }
    }
    if (p->pos == start)
        return FALSE;
    *out = v;
    return TRUE;
}

/* A SID into buf (SECURITY_MAX_SID_SIZE bytes). */
static BOOLEAN se_parse_sid(struct se_parser *p, SID *sid)
{
    ULONG64 v;
    size_t i;

    if (se_at(p, "S-1-")) {
        if (!se_number(p, 0xFFFFFFFFFFFFull, &v))
            return FALSE;
        sid->Revision = SID_REVISION;
        sid->SubAuthorityCount = 0;
        for (i = 0; i < 6; i++)
            sid->IdentifierAuthority.Value[i] = (UCHAR)(v >> (8 * (5 - i)));
        while (p->pos < p->len && p->s[p->pos] == '-') {
            p->pos++;
            if (sid->SubAuthorityCount == SID_MAX_SUB_AUTHORITIES ||
                !se_number(p, 0xFFFFFFFFull, &v))
                return FALSE;
            sid->SubAuthority[sid->SubAuthorityCount++] = (ULONG)v;
        }
        return sid->SubAuthorityCount > 0;
    }
    if (p->len - p->pos < 2)
        return FALSE;
    for (i = 0; i < ARRAYSIZE(se_aliases); i++) {
        const struct se_alias *a = &se_aliases[i];

        if (memcmp(p->s + p->pos, a->code, 2) == 0) {
            static const UCHAR zero[5];

            p->pos += 2;
            sid->Revision = SID_REVISION;
            sid->SubAuthorityCount = a->count;
            memcpy(sid->IdentifierAuthority.Value, zero, 5);
            sid->IdentifierAuthority.Value[5] = a->authority;
            memcpy(sid->SubAuthority, a->sub, a->count * sizeof(ULONG));
            return TRUE;
        }
    }
    return FALSE;
}

static BOOLEAN se_parse_rights(struct se_parser *p, ACCESS_MASK *mask)
{
    ULONG64 v;
    size_t i;
    BOOLEAN any = FALSE;

    *mask = 0;
    if (p->pos < p->len && se_digit(p->s[p->pos])) {
        if (!se_number(p, 0xFFFFFFFFull, &v))
            return FALSE;
        *mask = (ACCESS_MASK)v;
        return TRUE;
    }
    while (p->pos < p->len && p->s[p->pos] != ';') {
        if (p->len - p->pos < 2)
            return FALSE;
        for (i = 0; i < ARRAYSIZE(se_rights); i++)
            if (memcmp(p->s + p->pos, se_rights[i].code, 2) == 0)
                break;
        if (i == ARRAYSIZE(se_rights))
            return FALSE;
        *mask |= se_rights[i].mask;
        p->pos += 2;
        any = TRUE;
    }
    return any;
}

static BOOLEAN se_parse_ace(struct se_parser *p, UCHAR *buf, ULONG room, ULONG *size)
{
    ACCESS_ALLOWED_ACE *ace = (ACCESS_ALLOWED_ACE *)buf;
    UCHAR sidbuf[SECURITY_MAX_SID_SIZE];
    SID *sid = (SID *)sidbuf;
    UCHAR type, flags = 0;
    ACCESS_MASK mask;
    ULONG n;

    if (!se_at(p, "("))
        return FALSE;
    if (se_at(p, "A;"))
        type = ACCESS_ALLOWED_ACE_TYPE;
    else if (se_at(p, "D;"))
        type = ACCESS_DENIED_ACE_TYPE;
    else
        return FALSE;
    while (!se_at(p, ";")) {
        if (se_at(p, "OI"))
            flags |= OBJECT_INHERIT_ACE;
        else if (se_at(p, "CI"))
            flags |= CONTAINER_INHERIT_ACE;
        else if (se_at(p, "NP"))
            flags |= NO_PROPAGATE_INHERIT_ACE;
        else if (se_at(p, "IO"))
            flags |= INHERIT_ONLY_ACE;
        else if (se_at(p, "ID"))
            flags |= INHERITED_ACE;
        else
            return FALSE;
    }
    if (!se_parse_rights(p, &mask) || !se_at(p, ";;;"))
        return FALSE;
    if (!se_parse_sid(p, sid) || !se_at(p, ")"))
        return FALSE;
    n = FIELD_OFFSET(ACCESS_ALLOWED_ACE, SidStart) + RtlLengthSid(sid);
    if (n > room)
        return FALSE;
    ace->Header.AceType = type;
    ace->Header.AceFlags = flags;
    ace->Header.AceSize = (USHORT)n;
    ace->Mask = mask;
    memcpy(&ace->SidStart, sid, RtlLengthSid(sid));
    *size = n;
    return TRUE;
}

static NTSTATUS se_parse(const char *s, size_t len, PSECURITY_DESCRIPTOR *sd, ULONG *length)
{
    struct se_parser p = { s, 0, len };
    UCHAR owner[SECURITY_MAX_SID_SIZE], group[SECURITY_MAX_SID_SIZE];
    struct se_sd_parts parts;
    UCHAR *dacl = NULL;
    BOOLEAN seen_o = FALSE, seen_g = FALSE, seen_d = FALSE;
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    ULONG need;
    void *out;

    memset(&parts, 0, sizeof(parts));
    if (len == 0)
        goto fail;
    while (p.pos < p.len) {
        if (se_at(&p, "O:")) {
            if (seen_o || !se_parse_sid(&p, (SID *)owner))
                goto fail;
            seen_o = TRUE;
            parts.owner = owner;
        } else if (se_at(&p, "G:")) {
            if (seen_g || !se_parse_sid(&p, (SID *)group))
                goto fail;
            seen_g = TRUE;
            parts.group = group;
        } else if (se_at(&p, "D:")) {
            ACL *acl;
            ULONG used = sizeof(ACL), size;
            BOOLEAN null_dacl = FALSE;

            if (seen_d)
                goto fail;
            seen_d = TRUE;
            for (;;) {
                if (se_at(&p, "P"))
                    parts.control |= SE_DACL_PROTECTED;
                else if (se_at(&p, "AI"))
                    parts.control |= SE_DACL_AUTO_INHERITED;
                else if (se_at(&p, "AR"))
                    parts.control |= SE_DACL_AUTO_INHERIT_REQ;
                else if (se_at(&p, "NO_ACCESS_CONTROL"))
                    null_dacl = TRUE;
                else
                    break;
            }
            parts.control |= SE_DACL_PRESENT;
            if (null_dacl) {
                if (p.pos < p.len && p.s[p.pos] == '(')
                    goto fail;
                continue;
            }
            dacl = calloc(1, 0xFFFC);
            if (!dacl) {
                status = STATUS_INSUFFICIENT_RESOURCES;
                goto fail;
            }
            acl = (ACL *)dacl;
            while (p.pos < p.len && p.s[p.pos] == '(') {
                if (acl->AceCount == SE_SDDL_MAX_ACES ||
                    !se_parse_ace(&p, dacl + used, 0xFFFC - used, &size))
                    goto fail;
                used += size;
                acl->AceCount++;
            }
            acl->AclRevision = ACL_REVISION;
            acl->AclSize = (USHORT)used;
            parts.dacl = acl;
        } else {
            goto fail;
        }
    }
    need = se_sd_length(&parts);
    out = malloc(need);
    if (!out) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    se_sd_write(&parts, out);
    free(dacl);
    *sd = out;
    if (length)
        *length = need;
    return STATUS_SUCCESS;
fail:
    free(dacl);
    return status;
}

NTSTATUS se_sddl_to_sd_a(const char *sddl, PSECURITY_DESCRIPTOR *sd, ULONG *length)
{
    size_t len;

    if (!sd)
        return STATUS_INVALID_PARAMETER;
    *sd = NULL;
    if (!sddl)
        return STATUS_INVALID_PARAMETER;
    len = strnlen(sddl, SE_SDDL_MAX_CHARS + 1);
    if (len > SE_SDDL_MAX_CHARS)
        return STATUS_INVALID_PARAMETER;
    return se_parse(sddl, len, sd, length);
}

NTSTATUS se_sddl_to_sd(PCUNICODE_STRING sddl, PSECURITY_DESCRIPTOR *sd, ULONG *length)
{
    char buf[SE_SDDL_MAX_CHARS];
    size_t n, i;

    if (!sd)
        return STATUS_INVALID_PARAMETER;
    *sd = NULL;
    if (!sddl || (sddl->Length && !sddl->Buffer) || (sddl->Length & 1))
        return STATUS_INVALID_PARAMETER;
    n = sddl->Length / sizeof(WCHAR);
    if (n > SE_SDDL_MAX_CHARS)
        return STATUS_INVALID_PARAMETER;
    for (i = 0; i < n; i++) {
        if (sddl->Buffer[i] == 0 || sddl->Buffer[i] > 0x7e)
            return STATUS_INVALID_PARAMETER;
        buf[i] = (char)sddl->Buffer[i];
    }
    return se_parse(buf, n, sd, length);
}

NTSTATUS se_sid_from_string_a(const char *s, PSID sid)
{
    struct se_parser p = { s, 0, s ? strnlen(s, 256) : 0 };

    if (!s || !sid)
        return STATUS_INVALID_PARAMETER;
    if (!se_parse_sid(&p, sid) || p.pos != p.len)
        return STATUS_INVALID_SID;
    return STATUS_SUCCESS;
}
