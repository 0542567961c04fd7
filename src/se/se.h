/*
 * se/se.h - security internals: caller identities, security descriptors
 * built from SDDL, and the access check (io and ob call these).
 *
 * Who is who. A caller is a Unix identity (struct se_identity: uid, gid,
 * supplementary groups). The access check sees it as the set of Windows
 * SIDs below, and nothing else:
 *
 *   everyone (including nobody)        -> WD  (S-1-1-0, World)
 *   uid 0 (root)                       -> SY  (S-1-5-18, LocalSystem) and
 *                                         BA  (S-1-5-32-544, Administrators):
 *                                         root is the system
 *   gid 0 or a member of the admin     -> BA
 *     group (se_set_admin_group*, or
 *     $DDK_ADMIN_GROUP: a group name
 *     such as "sudo"/"wheel"/"adm" or
 *     a number), as primary or
 *     supplementary group
 *   every real user (not nobody)       -> AU  (S-1-5-11, Authenticated Users),
 *                                         BU  (S-1-5-32-545, Users)
 *   the nobody user (uid 65534 or the  -> AN  (S-1-5-7, Anonymous Logon)
 *     uid of "nobody" in passwd)
 *   each uid / each gid                -> S-1-22-1-<uid> / S-1-22-2-<gid>
 *                                         (the Unix identity SIDs)
 *
 * LS (LocalService), NS (NetworkService), CO (Creator Owner) and RC
 * (Restricted Code) never match a caller: nobody is a service account,
 * CO is only a placeholder for inheritance, and Windows evaluates RC only
 * for restricted tokens, which no Unix caller has. So an "(A;;GR;;;RC)"
 * ACE grants nothing to anyone here, as for every unrestricted token on
 * Windows.
 *
 * The access check (se_access_check) follows Windows for the DACLs that
 * device SDDL produces: no security descriptor or a NULL DACL grants
 * everything; an empty DACL (D:P with no ACE) grants nothing; otherwise
 * ACEs are walked in order, each deny ACE that matches removes rights not
 * yet granted, each allow ACE grants; MAXIMUM_ALLOWED asks for everything
 * that can be granted. Generic rights are mapped with the object's
 * mapping (file/device objects: FILE_GENERIC_READ etc.). The owner gets
 * READ_CONTROL and WRITE_DAC implicitly.
 */
#ifndef DDK_SE_INTERNAL_H
#define DDK_SE_INTERNAL_H

#include <wdm.h>
#include <stdint.h>

#define SE_MAX_GROUPS 32
#define SE_NOBODY_UID 65534u

/* SE_ID_* flags in struct se_identity (computed by se_identity_init). */
#define SE_ID_ADMIN     0x1u   /* a member of the administrators (BA) */
#define SE_ID_ANONYMOUS 0x2u   /* the nobody user */

struct se_identity {
    uint32_t uid;
    uint32_t gid;
    uint32_t ngroups;
    uint32_t groups[SE_MAX_GROUPS];
    uint32_t flags;            /* SE_ID_*: derived, do not set by hand */
};

/* Fills id; groups beyond SE_MAX_GROUPS are dropped (logged). Computes
 * the admin and anonymous flags from the current configuration. */
void se_identity_init(struct se_identity *id, uint32_t uid, uint32_t gid,
                      const uint32_t *groups, uint32_t ngroups);
/* The identity of the executive itself (uid 0). */
const struct se_identity *se_system_identity(void);
/* The identity of this process's real user (getuid/getgid/getgroups). */
void se_identity_of_process(struct se_identity *id);
/* The identity of a Unix user known only by uid and gid (a socket peer's
 * SO_PEERCRED): supplementary groups from the group database
 * (getgrouplist); a uid without a passwd entry gets none. */
void se_identity_of_user(struct se_identity *id, uint32_t uid, uint32_t gid);

/* The administrators group: gid 0 always counts; one more group may be
 * named. se_set_admin_group_name resolves a group name or a number
 * (STATUS_NO_SUCH_GROUP if unknown). Without a call, $DDK_ADMIN_GROUP is
 * read once. (uint32_t)-1 clears the extra group. */
void se_set_admin_group(uint32_t gid);
NTSTATUS se_set_admin_group_name(const char *name);
/* The uid treated as "nobody" (default: passwd "nobody", else 65534). */
void se_set_nobody_uid(uint32_t uid);

/* TRUE if the identity is represented by sid (see the table above). */
BOOLEAN se_identity_has_sid(const struct se_identity *id, PSID sid);

/* The calling thread's identity: set by whoever acts for a client (io,
 * when a request arrives), the system identity when unset. The pointer
 * is the caller's until it sets another (no copy). Returns the previous. */
const struct se_identity *se_set_thread_identity(const struct se_identity *id);
const struct se_identity *se_current_identity(void);

/* Access tokens (SeTokenObjectType objects) carry an identity; the
 * subject context of SeCaptureSubjectContext points at one. */
NTSTATUS se_token_create(const struct se_identity *id, PACCESS_TOKEN *token);
const struct se_identity *se_token_identity(PACCESS_TOKEN token);

/* The generic mapping of file and device objects. */
extern const GENERIC_MAPPING se_file_mapping;

/* The access check. mapping NULL = se_file_mapping. STATUS_SUCCESS with
 * *granted = the rights granted (all of desired after mapping, or for
 * MAXIMUM_ALLOWED all that can be granted, at least one), or
 * STATUS_ACCESS_DENIED (*granted 0). STATUS_INVALID_SECURITY_DESCR for a
 * malformed descriptor. sd may be absolute or self-relative. */
NTSTATUS se_access_check(PSECURITY_DESCRIPTOR sd, const struct se_identity *id,
                         ACCESS_MASK desired, const GENERIC_MAPPING *mapping,
                         ACCESS_MASK *granted);

/* SDDL -> self-relative security descriptor (malloc'ed, se_free_sd).
 * Supported: O:, G:, D: with flags P / AI / AR, ACE types A and D, ACE
 * flags OI CI NP IO ID, rights GA GR GW GX FA FR FW FX SD RC WD WO and
 * 0x hex numbers, SIDs SY BA BU AU WD AN LS NS RC CO BG PU IU SU NU and
 * S-1-... literals (S-1-22-1-<uid>, S-1-22-2-<gid>). Anything else is
 * STATUS_INVALID_PARAMETER. length may be NULL. */
NTSTATUS se_sddl_to_sd(PCUNICODE_STRING sddl, PSECURITY_DESCRIPTOR *sd, ULONG *length);
NTSTATUS se_sddl_to_sd_a(const char *sddl, PSECURITY_DESCRIPTOR *sd, ULONG *length);

/* Copies any valid descriptor (absolute or self-relative) into a fresh
 * self-relative one. STATUS_INVALID_SECURITY_DESCR if it is malformed. */
NTSTATUS se_copy_sd(PSECURITY_DESCRIPTOR sd, PSECURITY_DESCRIPTOR *copy, ULONG *length);
void se_free_sd(PSECURITY_DESCRIPTOR sd);

/* Parses one SID ("SY", "S-1-22-1-1000"); sid must hold
 * SECURITY_MAX_SID_SIZE bytes. */
NTSTATUS se_sid_from_string_a(const char *s, PSID sid);

#endif /* DDK_SE_INTERNAL_H */
