/*
 * se/identity.c - Unix identities as Windows SIDs, the calling thread's
 * identity, and access token objects (see se/se.h for the mapping).
 */
#define _GNU_SOURCE
#include "se/sep.h"
#include "ob/ob.h"
#include "krnl/krnl.h"

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Configuration: written by the setters, read by se_identity_init. */
static volatile uint32_t se_admin_gid = (uint32_t)-1;
static volatile uint32_t se_nobody = (uint32_t)-1;
static pthread_once_t se_config_once = PTHREAD_ONCE_INIT;
static volatile int se_admin_explicit;

static void se_config_init(void)
{
    const char *g = getenv("DDK_ADMIN_GROUP");
    struct passwd pw, *ppw = NULL;
    char buf[1024];

    if (!se_admin_explicit && g && *g && !NT_SUCCESS(se_set_admin_group_name(g)))
        krnl_log(KRNL_LOG_WARN, "se: DDK_ADMIN_GROUP=%s is not a group", g);
    if (se_nobody == (uint32_t)-1) {
        if (getpwnam_r("nobody", &pw, buf, sizeof(buf), &ppw) == 0 && ppw)
            se_nobody = ppw->pw_uid;
        else
            se_nobody = SE_NOBODY_UID;
    }
}

void se_set_admin_group(uint32_t gid)
{
    se_admin_explicit = 1;
    se_admin_gid = gid;
}

NTSTATUS se_set_admin_group_name(const char *name)
{
    struct group gr, *pgr = NULL;
    char buf[4096], *end;
    unsigned long v;

    if (!name || !*name)
        return STATUS_INVALID_PARAMETER;
    errno = 0;
    v = strtoul(name, &end, 10);
    if (!*end && !errno && v < 0xFFFFFFFFul) {
        se_set_admin_group((uint32_t)v);
        return STATUS_SUCCESS;
    }
    if (getgrnam_r(name, &gr, buf, sizeof(buf), &pgr) != 0 || !pgr)
        return STATUS_NO_SUCH_GROUP;
    se_set_admin_group(pgr->gr_gid);
    return STATUS_SUCCESS;
}

void se_set_nobody_uid(uint32_t uid)
{
    pthread_once(&se_config_once, se_config_init);
    se_nobody = uid;
}

void se_identity_init(struct se_identity *id, uint32_t uid, uint32_t gid,
                      const uint32_t *groups, uint32_t ngroups)
{
    uint32_t i, admin;

    pthread_once(&se_config_once, se_config_init);
    memset(id, 0, sizeof(*id));
    id->uid = uid;
    id->gid = gid;
    if (ngroups > SE_MAX_GROUPS) {
        krnl_log_once(KRNL_LOG_WARN, "se: identity with more than %d groups, extra ones ignored",
                      SE_MAX_GROUPS);
        ngroups = SE_MAX_GROUPS;
    }
    if (groups && ngroups)
        memcpy(id->groups, groups, ngroups * sizeof(*groups));
    id->ngroups = groups ? ngroups : 0;
    admin = se_admin_gid;
    if (uid == 0 || gid == 0 || (admin != (uint32_t)-1 && gid == admin))
        id->flags |= SE_ID_ADMIN;
    for (i = 0; i < id->ngroups; i++)
        if (id->groups[i] == 0 || (admin != (uint32_t)-1 && id->groups[i] == admin))
            id->flags |= SE_ID_ADMIN;
    if (uid == se_nobody && uid != 0)
        id->flags |= SE_ID_ANONYMOUS;
}

static struct se_identity se_system_id;
static pthread_once_t se_system_once = PTHREAD_ONCE_INIT;

static void se_system_init(void)
{
    se_identity_init(&se_system_id, 0, 0, NULL, 0);
}

const struct se_identity *se_system_identity(void)
{
    pthread_once(&se_system_once, se_system_init);
    return &se_system_id;
}

void se_identity_of_process(struct se_identity *id)
{
    gid_t g[SE_MAX_GROUPS];
    uint32_t u[SE_MAX_GROUPS];
    int n = getgroups(SE_MAX_GROUPS, g), i;

    if (n < 0)
        n = 0;
    for (i = 0; i < n; i++)
        u[i] = g[i];
    se_identity_init(id, getuid(), getgid(), u, (uint32_t)n);
}

void se_identity_of_user(struct se_identity *id, uint32_t uid, uint32_t gid)
{
    struct passwd pw, *ppw = NULL;
    char buf[4096];
    gid_t g[SE_MAX_GROUPS];
    uint32_t u[SE_MAX_GROUPS];
    int n = SE_MAX_GROUPS, i;

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &ppw) != 0 || !ppw) {
        n = 0;
    } else if (getgrouplist(ppw->pw_name, gid, g, &n) < 0) {
        /* More groups than we keep: glibc filled the first ones. */
        krnl_log_once(KRNL_LOG_WARN, "se: more than %d groups for a user, extra ones ignored",
                      SE_MAX_GROUPS);
        n = SE_MAX_GROUPS;
    }
    for (i = 0; i < n && i < SE_MAX_GROUPS; i++)
        u[i] = g[i];
    se_identity_init(id, uid, gid, u, (uint32_t)i);
}

static __thread const struct se_identity *se_thread_id;

const struct se_identity *se_set_thread_identity(const struct se_identity *id)
{
    const struct se_identity *old = se_thread_id;

    se_thread_id = id;
    return old;
}

const struct se_identity *se_current_identity(void)
{
    return se_thread_id ? se_thread_id : se_system_identity();
}

/* ---- SIDs of an identity ------------------------------------------------------- */

static BOOLEAN se_auth_is(const SID *s, UCHAR last)
{
    static const UCHAR z[5] = { 0 };

    return memcmp(s->IdentifierAuthority.Value, z, 5) == 0 &&
           s->IdentifierAuthority.Value[5] == last;
}

BOOLEAN se_identity_has_sid(const struct se_identity *id, PSID sid)
{
    const SID *s = sid;
    uint32_t i;
    BOOLEAN anonymous = !!(id->flags & SE_ID_ANONYMOUS);

    if (!RtlValidSid(sid))
        return FALSE;
    if (se_auth_is(s, 1))                               /* S-1-1-0 World */
        return s->SubAuthorityCount == 1 && s->SubAuthority[0] == SECURITY_WORLD_RID;
    if (se_auth_is(s, 22) && s->SubAuthorityCount == 2) {   /* Unix uid/gid */
        if (s->SubAuthority[0] == 1)
            return s->SubAuthority[1] == id->uid;
        if (s->SubAuthority[0] == 2) {
            if (s->SubAuthority[1] == id->gid)
                return TRUE;
            for (i = 0; i < id->ngroups; i++)
                if (id->groups[i] == s->SubAuthority[1])
                    return TRUE;
        }
        return FALSE;
    }
    if (!se_auth_is(s, 5))
        return FALSE;                                   /* CO, local, null: never */
    if (s->SubAuthorityCount == 1) {
        switch (s->SubAuthority[0]) {
        case SECURITY_LOCAL_SYSTEM_RID:
            return id->uid == 0;
        case SECURITY_AUTHENTICATED_USER_RID:
            return !anonymous;
        case SECURITY_ANONYMOUS_LOGON_RID:
            return anonymous;
        default:                                        /* LS, NS, RC, IU, ... */
            return FALSE;
        }
    }
    if (s->SubAuthorityCount == 2 && s->SubAuthority[0] == SECURITY_BUILTIN_DOMAIN_RID) {
        switch (s->SubAuthority[1]) {
        case DOMAIN_ALIAS_RID_ADMINS:
            return !!(id->flags & SE_ID_ADMIN);
        case DOMAIN_ALIAS_RID_USERS:
            return !anonymous;
        default:
            return FALSE;
        }
    }
    return FALSE;
}

/* ---- tokens ---------------------------------------------------------------------- */

struct se_token {
    struct se_identity id;
};

NTSTATUS se_token_create(const struct se_identity *id, PACCESS_TOKEN *token)
{
    struct se_token *t;
    NTSTATUS status;

    *token = NULL;
    status = ob_create_object(*SeTokenObjectType, sizeof(*t), 0, NULL, (void **)&t);
    if (!NT_SUCCESS(status))
        return status;
    t->id = *id;
    *token = t;
    return STATUS_SUCCESS;
}

const struct se_identity *se_token_identity(PACCESS_TOKEN token)
{
    if (!token || ob_object_type(token) != *SeTokenObjectType)
        return NULL;
    return &((struct se_token *)token)->id;
}
