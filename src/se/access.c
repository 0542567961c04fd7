/*
 * se/access.c - the access check and the Se* subject-context DDIs.
 *
 * Design: se_access_check evaluates a DACL for one identity the way the
 * Windows access check does for an unrestricted token: ACEs in order,
 * inherit-only ACEs skipped, a matching deny ACE removes the rights it
 * names that no earlier ACE granted, a matching allow ACE grants the
 * rights no earlier ACE denied. The request succeeds when every desired
 * right ended up granted (MAXIMUM_ALLOWED: when anything did). Generic
 * rights in the request and in the ACEs are mapped with the object's
 * mapping first. See se/se.h for which SIDs an identity holds.
 */
#include "se/sep.h"
#include "ob/ob.h"
#include "krnl/krnl.h"
#include "ke/ke.h"

#include <pthread.h>
#include <string.h>

const GENERIC_MAPPING se_file_mapping = {
    FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS
};

NTSTATUS se_access_check(PSECURITY_DESCRIPTOR sd, const struct se_identity *id,
                         ACCESS_MASK desired, const GENERIC_MAPPING *mapping,
                         ACCESS_MASK *granted)
{
    struct se_sd_parts parts;
    ACCESS_MASK want, allowed = 0, denied = 0, result;
    BOOLEAN maximum = !!(desired & MAXIMUM_ALLOWED);
    const UCHAR *p;
    USHORT i;

    if (!granted)
        return STATUS_INVALID_PARAMETER;
    *granted = 0;
    if (!id)
        return STATUS_ACCESS_DENIED;
    if (!mapping)
        mapping = &se_file_mapping;
    want = desired & ~MAXIMUM_ALLOWED;
    RtlMapGenericMask(&want, mapping);
    if (!want && !maximum)
        return STATUS_ACCESS_DENIED;
    if (sd && !se_sd_parts(sd, 0, &parts))
        return STATUS_INVALID_SECURITY_DESCR;
    /* Auditing the SACL is a privilege: only the system holds it. */
    if (want & ACCESS_SYSTEM_SECURITY) {
        if (id->uid != 0)
            return STATUS_PRIVILEGE_NOT_HELD;
        want &= ~ACCESS_SYSTEM_SECURITY;
        allowed |= ACCESS_SYSTEM_SECURITY;
    }
    if (!sd || !(parts.control & SE_DACL_PRESENT) || !parts.dacl) {
        /* No descriptor or a NULL DACL: everyone gets everything. */
        result = allowed | want | (maximum ? mapping->GenericAll : 0);
        *granted = result;
        return STATUS_SUCCESS;
    }
    if (parts.owner && se_identity_has_sid(id, parts.owner))
        allowed |= READ_CONTROL | WRITE_DAC;
    p = (const UCHAR *)(parts.dacl + 1);
    for (i = 0; i < parts.dacl->AceCount; i++, p += ((const ACE_HEADER *)p)->AceSize) {
        const ACCESS_ALLOWED_ACE *ace = (const ACCESS_ALLOWED_ACE *)p;
        ACCESS_MASK m;

        if (ace->Header.AceFlags & INHERIT_ONLY_ACE)
            continue;
        if (ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE &&
            ace->Header.AceType != ACCESS_DENIED_ACE_TYPE)
            continue;
        if (!se_identity_has_sid(id, (PSID)&ace->SidStart))
            continue;
        m = ace->Mask;
        RtlMapGenericMask(&m, mapping);
        if (ace->Header.AceType == ACCESS_DENIED_ACE_TYPE)
            denied |= m & ~allowed;
        else
            allowed |= m & ~denied;
    }
    if ((want & allowed) != want)
        return STATUS_ACCESS_DENIED;
    result = maximum ? allowed : (want | (allowed & ACCESS_SYSTEM_SECURITY));
    if (!result)
        return STATUS_ACCESS_DENIED;
    *granted = result;
    return STATUS_SUCCESS;
}

/* ---- subject contexts ------------------------------------------------------- */

/* Without a token (capture failed for lack of memory) a subject is the
 * nobody user: failing closed. */
static struct se_identity se_nobody_id;
static pthread_once_t se_nobody_once = PTHREAD_ONCE_INIT;

static void se_nobody_init(void)
{
    se_identity_init(&se_nobody_id, SE_NOBODY_UID, SE_NOBODY_UID, NULL, 0);
    se_nobody_id.flags = SE_ID_ANONYMOUS;
}

static const struct se_identity *se_subject_identity(PSECURITY_SUBJECT_CONTEXT sc)
{
    const struct se_identity *id = NULL;

    if (sc) {
        if (sc->ClientToken && sc->ImpersonationLevel >= SecurityImpersonation)
            id = se_token_identity(sc->ClientToken);
        if (!id && sc->PrimaryToken)
            id = se_token_identity(sc->PrimaryToken);
    }
    if (id)
        return id;
    pthread_once(&se_nobody_once, se_nobody_init);
    return &se_nobody_id;
}

NTKERNELAPI VOID NTAPI SeCaptureSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    PACCESS_TOKEN token = NULL;

    if (!SubjectContext)
        return;
    memset(SubjectContext, 0, sizeof(*SubjectContext));
    if (!NT_SUCCESS(se_token_create(se_current_identity(), &token)))
        krnl_log(KRNL_LOG_WARN, "SeCaptureSubjectContext: no memory, subject is anonymous");
    SubjectContext->PrimaryToken = token;
    SubjectContext->ImpersonationLevel = SecurityAnonymous;
}

NTKERNELAPI VOID NTAPI SeReleaseSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    if (!SubjectContext)
        return;
    if (SubjectContext->ClientToken)
        ob_dereference(SubjectContext->ClientToken);
    if (SubjectContext->PrimaryToken)
        ob_dereference(SubjectContext->PrimaryToken);
    SubjectContext->ClientToken = SubjectContext->PrimaryToken = NULL;
}

/* Tokens are immutable here: nothing to lock. */
NTKERNELAPI VOID NTAPI SeLockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    (void)SubjectContext;
}

NTKERNELAPI VOID NTAPI SeUnlockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    (void)SubjectContext;
}

NTKERNELAPI BOOLEAN NTAPI SeAccessCheck(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                        PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext,
                                        BOOLEAN SubjectContextLocked,
                                        ACCESS_MASK DesiredAccess,
                                        ACCESS_MASK PreviouslyGrantedAccess,
                                        PPRIVILEGE_SET *Privileges,
                                        PGENERIC_MAPPING GenericMapping,
                                        KPROCESSOR_MODE AccessMode,
                                        PACCESS_MASK GrantedAccess,
                                        PNTSTATUS AccessStatus)
{
    const GENERIC_MAPPING *mapping = GenericMapping ? GenericMapping : &se_file_mapping;
    ACCESS_MASK want, granted = 0;
    NTSTATUS status;

    ke_check_irql_max(PASSIVE_LEVEL, "SeAccessCheck");
    (void)SubjectContextLocked;
    if (Privileges)
        *Privileges = NULL;
    if (!GrantedAccess || !AccessStatus)
        return FALSE;
    if (!SecurityDescriptor) {
        *GrantedAccess = 0;
        *AccessStatus = STATUS_ACCESS_DENIED;
        return FALSE;
    }
    want = DesiredAccess & ~MAXIMUM_ALLOWED;
    RtlMapGenericMask(&want, mapping);
    if (AccessMode == KernelMode) {
        granted = PreviouslyGrantedAccess | want;
        if (DesiredAccess & MAXIMUM_ALLOWED)
            granted |= mapping->GenericAll;
        *GrantedAccess = granted;
        *AccessStatus = STATUS_SUCCESS;
        return TRUE;
    }
    want &= ~PreviouslyGrantedAccess;
    if (!want && !(DesiredAccess & MAXIMUM_ALLOWED)) {
        *GrantedAccess = PreviouslyGrantedAccess;
        *AccessStatus = PreviouslyGrantedAccess ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
        return PreviouslyGrantedAccess != 0;
    }
    status = se_access_check(SecurityDescriptor, se_subject_identity(SubjectSecurityContext),
                             want | (DesiredAccess & MAXIMUM_ALLOWED), mapping, &granted);
    if (!NT_SUCCESS(status)) {
        *GrantedAccess = 0;
        *AccessStatus = status;
        return FALSE;
    }
    *GrantedAccess = granted | PreviouslyGrantedAccess;
    *AccessStatus = STATUS_SUCCESS;
    return TRUE;
}

/* Only the system (root) holds privileges. */
NTKERNELAPI BOOLEAN NTAPI SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode)
{
    (void)PrivilegeValue;
    return PreviousMode == KernelMode || se_current_identity()->uid == 0;
}

/* The new object's descriptor is the explicit one (inheritance from the
 * parent is not implemented: objects here do not inherit ACEs). */
NTKERNELAPI NTSTATUS NTAPI SeAssignSecurity(PSECURITY_DESCRIPTOR ParentDescriptor,
                                            PSECURITY_DESCRIPTOR ExplicitDescriptor,
                                            PSECURITY_DESCRIPTOR *NewDescriptor,
                                            BOOLEAN IsDirectoryObject,
                                            PSECURITY_SUBJECT_CONTEXT SubjectContext,
                                            PGENERIC_MAPPING GenericMapping,
                                            POOL_TYPE PoolType)
{
    SECURITY_DESCRIPTOR empty;

    (void)ParentDescriptor;
    (void)IsDirectoryObject;
    (void)SubjectContext;
    (void)GenericMapping;
    (void)PoolType;
    if (!NewDescriptor)
        return STATUS_INVALID_PARAMETER;
    if (!ExplicitDescriptor) {
        RtlCreateSecurityDescriptor(&empty, SECURITY_DESCRIPTOR_REVISION);
        ExplicitDescriptor = &empty;
    }
    return se_copy_sd(ExplicitDescriptor, NewDescriptor, NULL);
}

NTKERNELAPI NTSTATUS NTAPI SeDeassignSecurity(PSECURITY_DESCRIPTOR *SecurityDescriptor)
{
    if (!SecurityDescriptor)
        return STATUS_INVALID_PARAMETER;
    se_free_sd(*SecurityDescriptor);
    *SecurityDescriptor = NULL;
    return STATUS_SUCCESS;
}
