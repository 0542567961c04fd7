/*
 * se/sd.c - SIDs, ACLs and security descriptors in their binary Windows
 * layouts (the Rtl* security routines), plus se_copy_sd.
 *
 * Every reader here treats the descriptor as untrusted input: sizes are
 * checked against the enclosing structure before anything is read, so a
 * malformed descriptor yields FALSE / STATUS_INVALID_* and never a read
 * outside it (as long as the caller's buffer is as long as the descriptor
 * claims, which is what RtlValidRelativeSecurityDescriptor can verify).
 */
#include <wdm.h>
#include "se/se.h"
#include "se/sep.h"
#include "rtl/rtl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- SIDs ---------------------------------------------------------------- */

NTSYSAPI ULONG NTAPI RtlLengthRequiredSid(ULONG SubAuthorityCount)
{
    return (ULONG)(FIELD_OFFSET(SID, SubAuthority) + SubAuthorityCount * sizeof(ULONG));
}

NTSYSAPI BOOLEAN NTAPI RtlValidSid(PSID Sid)
{
    const SID *s = Sid;

    return s && s->Revision == SID_REVISION && s->SubAuthorityCount <= SID_MAX_SUB_AUTHORITIES;
}

NTSYSAPI ULONG NTAPI RtlLengthSid(PSID Sid)
{
    return RtlLengthRequiredSid(((const SID *)Sid)->SubAuthorityCount);
}

NTSYSAPI BOOLEAN NTAPI RtlEqualSid(PSID Sid1, PSID Sid2)
{
    const SID *a = Sid1, *b = Sid2;

    if (!a || !b || a->Revision != b->Revision || a->SubAuthorityCount != b->SubAuthorityCount)
        return FALSE;
    return memcmp(a, b, RtlLengthSid(Sid1)) == 0;
}

NTSYSAPI NTSTATUS NTAPI RtlInitializeSid(PSID Sid, PSID_IDENTIFIER_AUTHORITY IdentifierAuthority,
                                         UCHAR SubAuthorityCount)
{
    SID *s = Sid;

    if (!s || !IdentifierAuthority || SubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
        return STATUS_INVALID_PARAMETER;
    s->Revision = SID_REVISION;
    s->SubAuthorityCount = SubAuthorityCount;
    s->IdentifierAuthority = *IdentifierAuthority;
    return STATUS_SUCCESS;
}

NTSYSAPI PULONG NTAPI RtlSubAuthoritySid(PSID Sid, ULONG SubAuthority)
{
    return &((SID *)Sid)->SubAuthority[SubAuthority];
}

NTSYSAPI NTSTATUS NTAPI RtlCopySid(ULONG DestinationSidLength, PSID DestinationSid,
                                   PSID SourceSid)
{
    ULONG n;

    if (!RtlValidSid(SourceSid))
        return STATUS_INVALID_SID;
    n = RtlLengthSid(SourceSid);
    if (DestinationSidLength < n)
        return STATUS_BUFFER_TOO_SMALL;
    memmove(DestinationSid, SourceSid, n);
    return STATUS_SUCCESS;
}

/* "S-1-5-32-544": the authority in decimal when it fits in 32 bits, else
 * in hex, as Windows prints it. Returns the length (chars, no NUL). */
static size_t se_sid_format(const SID *s, char *out, size_t cap)
{
    ULONG64 auth = 0;
    size_t n;
    int i;

    for (i = 0; i < 6; i++)
        auth = (auth << 8) | s->IdentifierAuthority.Value[i];
    if (auth >> 32)
        n = (size_t)snprintf(out, cap, "S-%u-0x%012llX", s->Revision, (unsigned long long)auth);
    else
        n = (size_t)snprintf(out, cap, "S-%u-%llu", s->Revision, (unsigned long long)auth);
    for (i = 0; i < s->SubAuthorityCount && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "-%u", (unsigned)s->SubAuthority[i]);
    return n;
}

NTSYSAPI NTSTATUS NTAPI RtlConvertSidToUnicodeString(PUNICODE_STRING UnicodeString, PSID Sid,
                                                     BOOLEAN AllocateDestinationString)
{
    char text[256];
    size_t n, i;

    if (!UnicodeString)
        return STATUS_INVALID_PARAMETER;
    if (!RtlValidSid(Sid))
        return STATUS_INVALID_SID;
    n = se_sid_format(Sid, text, sizeof(text));
    if (AllocateDestinationString) {
        UnicodeString->Buffer = rtl_pool_alloc((n + 1) * sizeof(WCHAR), 'gtrS');
        if (!UnicodeString->Buffer)
            return STATUS_NO_MEMORY;
        UnicodeString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    } else if (!UnicodeString->Buffer || UnicodeString->MaximumLength < n * sizeof(WCHAR)) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (i = 0; i < n; i++)
        UnicodeString->Buffer[i] = (WCHAR)(unsigned char)text[i];
    if (UnicodeString->MaximumLength >= (n + 1) * sizeof(WCHAR))
        UnicodeString->Buffer[n] = 0;
    UnicodeString->Length = (USHORT)(n * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

/* A SID inside [p, p + avail): valid and entirely inside. */
BOOLEAN se_sid_fits(const void *p, ULONG avail)
{
    const SID *s = p;

    if (avail < (ULONG)FIELD_OFFSET(SID, SubAuthority))
        return FALSE;
    if (s->Revision != SID_REVISION || s->SubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
        return FALSE;
    return RtlLengthSid((PSID)s) <= avail;
}

/* ---- ACLs ------------------------------------------------------------------ */

NTSYSAPI NTSTATUS NTAPI RtlCreateAcl(PACL Acl, ULONG AclLength, ULONG AclRevision)
{
    if (!Acl || AclLength < sizeof(ACL) || AclLength > 0xFFFF ||
        AclRevision < ACL_REVISION2 || AclRevision > ACL_REVISION4)
        return STATUS_INVALID_PARAMETER;
    memset(Acl, 0, sizeof(ACL));
    Acl->AclRevision = (UCHAR)AclRevision;
    Acl->AclSize = (USHORT)(AclLength & ~3u);
    return STATUS_SUCCESS;
}

/* Checks that every ACE header lies inside the ACL and, for the types we
 * evaluate, that the SID lies inside the ACE. */
BOOLEAN se_acl_fits(const ACL *acl, ULONG avail)
{
    const UCHAR *p, *end;
    USHORT i;

    if (avail < sizeof(ACL) || acl->AclSize < sizeof(ACL) || acl->AclSize > avail)
        return FALSE;
    if (acl->AclRevision < ACL_REVISION2 || acl->AclRevision > ACL_REVISION4)
        return FALSE;
    p = (const UCHAR *)(acl + 1);
    end = (const UCHAR *)acl + acl->AclSize;
    for (i = 0; i < acl->AceCount; i++) {
        const ACE_HEADER *ah = (const ACE_HEADER *)p;

        if ((ULONG)(end - p) < sizeof(ACE_HEADER) || ah->AceSize < sizeof(ACE_HEADER) ||
            ah->AceSize > end - p || (ah->AceSize & 3))
            return FALSE;
        if (ah->AceType == ACCESS_ALLOWED_ACE_TYPE || ah->AceType == ACCESS_DENIED_ACE_TYPE ||
            ah->AceType == SYSTEM_AUDIT_ACE_TYPE) {
            ULONG off = FIELD_OFFSET(ACCESS_ALLOWED_ACE, SidStart);

            if (ah->AceSize < off || !se_sid_fits(p + off, ah->AceSize - off))
                return FALSE;
        }
        p += ah->AceSize;
    }
    return TRUE;
}

NTSYSAPI BOOLEAN NTAPI RtlValidAcl(PACL Acl)
{
    return Acl && se_acl_fits(Acl, Acl->AclSize);
}

NTSYSAPI NTSTATUS NTAPI RtlGetAce(PACL Acl, ULONG AceIndex, PVOID *Ace)
{
    UCHAR *p;
    ULONG i;

    if (!Acl || !Ace || AceIndex >= Acl->AceCount || !RtlValidAcl(Acl))
        return STATUS_INVALID_PARAMETER;
    p = (UCHAR *)(Acl + 1);
    for (i = 0; i < AceIndex; i++)
        p += ((ACE_HEADER *)p)->AceSize;
    *Ace = p;
    return STATUS_SUCCESS;
}

static NTSTATUS se_add_ace(PACL Acl, ULONG AceRevision, UCHAR type, ULONG flags,
                           ACCESS_MASK mask, PSID Sid)
{
    UCHAR *p, *end;
    ACCESS_ALLOWED_ACE *ace;
    ULONG size;
    USHORT i;

    if (!Acl || !RtlValidSid(Sid))
        return STATUS_INVALID_SID;
    if (!RtlValidAcl(Acl) || AceRevision < ACL_REVISION2 || AceRevision > ACL_REVISION4 ||
        (flags & ~(ULONG)(VALID_INHERIT_FLAGS | SUCCESSFUL_ACCESS_ACE_FLAG | FAILED_ACCESS_ACE_FLAG)))
        return STATUS_INVALID_PARAMETER;
    p = (UCHAR *)(Acl + 1);
    end = (UCHAR *)Acl + Acl->AclSize;
    for (i = 0; i < Acl->AceCount; i++)
        p += ((ACE_HEADER *)p)->AceSize;
    size = FIELD_OFFSET(ACCESS_ALLOWED_ACE, SidStart) + RtlLengthSid(Sid);
    if (size > (ULONG)(end - p))
        return STATUS_ALLOTTED_SPACE_EXCEEDED;
    ace = (ACCESS_ALLOWED_ACE *)p;
    ace->Header.AceType = type;
    ace->Header.AceFlags = (UCHAR)flags;
    ace->Header.AceSize = (USHORT)size;
    ace->Mask = mask;
    memcpy(&ace->SidStart, Sid, RtlLengthSid(Sid));
    Acl->AceCount++;
    if (Acl->AclRevision < AceRevision)
        Acl->AclRevision = (UCHAR)AceRevision;
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI RtlAddAccessAllowedAce(PACL Acl, ULONG AceRevision,
                                               ACCESS_MASK AccessMask, PSID Sid)
{
    return se_add_ace(Acl, AceRevision, ACCESS_ALLOWED_ACE_TYPE, 0, AccessMask, Sid);
}

NTSYSAPI NTSTATUS NTAPI RtlAddAccessAllowedAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                                 ACCESS_MASK AccessMask, PSID Sid)
{
    return se_add_ace(Acl, AceRevision, ACCESS_ALLOWED_ACE_TYPE, AceFlags, AccessMask, Sid);
}

NTSYSAPI NTSTATUS NTAPI RtlAddAccessDeniedAce(PACL Acl, ULONG AceRevision,
                                              ACCESS_MASK AccessMask, PSID Sid)
{
    return se_add_ace(Acl, AceRevision, ACCESS_DENIED_ACE_TYPE, 0, AccessMask, Sid);
}

NTSYSAPI NTSTATUS NTAPI RtlAddAccessDeniedAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                                ACCESS_MASK AccessMask, PSID Sid)
{
    return se_add_ace(Acl, AceRevision, ACCESS_DENIED_ACE_TYPE, AceFlags, AccessMask, Sid);
}

NTSYSAPI VOID NTAPI RtlMapGenericMask(PACCESS_MASK AccessMask, const GENERIC_MAPPING *GenericMapping)
{
    ACCESS_MASK m = *AccessMask;

    if (m & GENERIC_READ)
        m |= GenericMapping->GenericRead;
    if (m & GENERIC_WRITE)
        m |= GenericMapping->GenericWrite;
    if (m & GENERIC_EXECUTE)
        m |= GenericMapping->GenericExecute;
    if (m & GENERIC_ALL)
        m |= GenericMapping->GenericAll;
    *AccessMask = m & ~(ACCESS_MASK)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

/* ---- security descriptors ----------------------------------------------------- */

NTSYSAPI NTSTATUS NTAPI RtlCreateSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                    ULONG Revision)
{
    if (Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    if (!SecurityDescriptor)
        return STATUS_INVALID_PARAMETER;
    memset(SecurityDescriptor, 0, sizeof(SECURITY_DESCRIPTOR));
    ((SECURITY_DESCRIPTOR *)SecurityDescriptor)->Revision = SECURITY_DESCRIPTOR_REVISION;
    return STATUS_SUCCESS;
}

/* Splits a descriptor into its parts. avail: bytes known to be readable
 * for a self-relative one (0: unknown, trust the offsets). FALSE if a
 * part lies outside or is malformed. */
BOOLEAN se_sd_parts(PSECURITY_DESCRIPTOR sd, ULONG avail, struct se_sd_parts *out)
{
    const SECURITY_DESCRIPTOR *a = sd;

    memset(out, 0, sizeof(*out));
    if (!sd || a->Revision != SECURITY_DESCRIPTOR_REVISION)
        return FALSE;
    out->control = a->Control;
    if (a->Control & SE_SELF_RELATIVE) {
        const SECURITY_DESCRIPTOR_RELATIVE *r = sd;
        const UCHAR *base = sd;
        ULONG lim = avail ? avail : 0x10000;
        ULONG offs[4] = { r->Owner, r->Group, r->Sacl, r->Dacl };
        int i;

        if (avail && avail < sizeof(*r))
            return FALSE;
        for (i = 0; i < 4; i++) {
            if (!offs[i])
                continue;
            if (offs[i] < sizeof(*r) || offs[i] >= lim || (offs[i] & 3))
                return FALSE;
        }
        if (r->Owner) {
            if (!se_sid_fits(base + r->Owner, lim - r->Owner))
                return FALSE;
            out->owner = (PSID)(base + r->Owner);
        }
        if (r->Group) {
            if (!se_sid_fits(base + r->Group, lim - r->Group))
                return FALSE;
            out->group = (PSID)(base + r->Group);
        }
        if ((r->Control & SE_SACL_PRESENT) && r->Sacl) {
            if (!se_acl_fits((const ACL *)(base + r->Sacl), lim - r->Sacl))
                return FALSE;
            out->sacl = (PACL)(base + r->Sacl);
        }
        if ((r->Control & SE_DACL_PRESENT) && r->Dacl) {
            if (!se_acl_fits((const ACL *)(base + r->Dacl), lim - r->Dacl))
                return FALSE;
            out->dacl = (PACL)(base + r->Dacl);
        }
        return TRUE;
    }
    if (a->Owner) {
        if (!RtlValidSid(a->Owner))
            return FALSE;
        out->owner = a->Owner;
    }
    if (a->Group) {
        if (!RtlValidSid(a->Group))
            return FALSE;
        out->group = a->Group;
    }
    if ((a->Control & SE_SACL_PRESENT) && a->Sacl) {
        if (!RtlValidAcl(a->Sacl))
            return FALSE;
        out->sacl = a->Sacl;
    }
    if ((a->Control & SE_DACL_PRESENT) && a->Dacl) {
        if (!RtlValidAcl(a->Dacl))
            return FALSE;
        out->dacl = a->Dacl;
    }
    return TRUE;
}

NTSYSAPI BOOLEAN NTAPI RtlValidSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor)
{
    struct se_sd_parts parts;

    return se_sd_parts(SecurityDescriptor, 0, &parts);
}

NTSYSAPI BOOLEAN NTAPI RtlValidRelativeSecurityDescriptor(
    PSECURITY_DESCRIPTOR SecurityDescriptorInput, ULONG SecurityDescriptorLength,
    SECURITY_INFORMATION RequiredInformation)
{
    struct se_sd_parts parts;
    const SECURITY_DESCRIPTOR_RELATIVE *r = SecurityDescriptorInput;

    if (!r || SecurityDescriptorLength < sizeof(*r) || !(r->Control & SE_SELF_RELATIVE))
        return FALSE;
    if (!se_sd_parts(SecurityDescriptorInput, SecurityDescriptorLength, &parts))
        return FALSE;
    if ((RequiredInformation & OWNER_SECURITY_INFORMATION) && !parts.owner)
        return FALSE;
    if ((RequiredInformation & GROUP_SECURITY_INFORMATION) && !parts.group)
        return FALSE;
    if ((RequiredInformation & DACL_SECURITY_INFORMATION) && !(parts.control & SE_DACL_PRESENT))
        return FALSE;
    if ((RequiredInformation & SACL_SECURITY_INFORMATION) && !(parts.control & SE_SACL_PRESENT))
        return FALSE;
    return TRUE;
}

ULONG se_sd_length(const struct se_sd_parts *p)
{
    ULONG n = sizeof(SECURITY_DESCRIPTOR_RELATIVE);

    if (p->owner)
        n += (RtlLengthSid(p->owner) + 3) & ~3u;
    if (p->group)
        n += (RtlLengthSid(p->group) + 3) & ~3u;
    if (p->sacl)
        n += p->sacl->AclSize;
    if (p->dacl)
        n += p->dacl->AclSize;
    return n;
}

NTSYSAPI ULONG NTAPI RtlLengthSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor)
{
    struct se_sd_parts parts;
    const SECURITY_DESCRIPTOR *a = SecurityDescriptor;

    if (!se_sd_parts(SecurityDescriptor, 0, &parts))
        return 0;
    if (a->Control & SE_SELF_RELATIVE) {
        /* The extent of the parts where they are. */
        const SECURITY_DESCRIPTOR_RELATIVE *r = SecurityDescriptor;
        ULONG end = sizeof(*r);

        if (parts.owner && r->Owner + RtlLengthSid(parts.owner) > end)
            end = r->Owner + RtlLengthSid(parts.owner);
        if (parts.group && r->Group + RtlLengthSid(parts.group) > end)
            end = r->Group + RtlLengthSid(parts.group);
        if (parts.sacl && r->Sacl + parts.sacl->AclSize > end)
            end = r->Sacl + parts.sacl->AclSize;
        if (parts.dacl && r->Dacl + parts.dacl->AclSize > end)
            end = r->Dacl + parts.dacl->AclSize;
        return (end + 3) & ~3u;
    }
    return se_sd_length(&parts) - sizeof(SECURITY_DESCRIPTOR_RELATIVE) + sizeof(SECURITY_DESCRIPTOR);
}

/* Writes a self-relative descriptor of se_sd_length(p) bytes. */
void se_sd_write(const struct se_sd_parts *p, void *buf)
{
    SECURITY_DESCRIPTOR_RELATIVE *r = buf;
    UCHAR *out = buf;
    ULONG off = sizeof(*r), n;

    memset(r, 0, sizeof(*r));
    r->Revision = SECURITY_DESCRIPTOR_REVISION;
    r->Control = p->control | SE_SELF_RELATIVE;
    if (p->owner) {
        n = RtlLengthSid(p->owner);
        memcpy(out + off, p->owner, n);
        memset(out + off + n, 0, ((n + 3) & ~3u) - n);
        r->Owner = off;
        off += (n + 3) & ~3u;
    }
    if (p->group) {
        n = RtlLengthSid(p->group);
        memcpy(out + off, p->group, n);
        memset(out + off + n, 0, ((n + 3) & ~3u) - n);
        r->Group = off;
        off += (n + 3) & ~3u;
    }
    if (p->sacl) {
        memcpy(out + off, p->sacl, p->sacl->AclSize);
        r->Sacl = off;
        off += p->sacl->AclSize;
    }
    if (p->dacl) {
        memcpy(out + off, p->dacl, p->dacl->AclSize);
        r->Dacl = off;
        off += p->dacl->AclSize;
    }
}

NTSYSAPI NTSTATUS NTAPI RtlAbsoluteToSelfRelativeSD(PSECURITY_DESCRIPTOR AbsoluteSecurityDescriptor,
                                                    PSECURITY_DESCRIPTOR SelfRelativeSecurityDescriptor,
                                                    PULONG BufferLength)
{
    struct se_sd_parts parts;
    ULONG need;

    if (!BufferLength)
        return STATUS_INVALID_PARAMETER;
    if (!se_sd_parts(AbsoluteSecurityDescriptor, 0, &parts))
        return STATUS_INVALID_SECURITY_DESCR;
    if (parts.control & SE_SELF_RELATIVE)
        return STATUS_BAD_DESCRIPTOR_FORMAT;
    need = se_sd_length(&parts);
    if (*BufferLength < need || !SelfRelativeSecurityDescriptor) {
        *BufferLength = need;
        return STATUS_BUFFER_TOO_SMALL;
    }
    se_sd_write(&parts, SelfRelativeSecurityDescriptor);
    *BufferLength = need;
    return STATUS_SUCCESS;
}

NTSTATUS se_copy_sd(PSECURITY_DESCRIPTOR sd, PSECURITY_DESCRIPTOR *copy, ULONG *length)
{
    struct se_sd_parts parts;
    ULONG need;
    void *buf;

    *copy = NULL;
    if (!se_sd_parts(sd, 0, &parts))
        return STATUS_INVALID_SECURITY_DESCR;
    need = se_sd_length(&parts);
    buf = malloc(need);
    if (!buf)
        return STATUS_INSUFFICIENT_RESOURCES;
    se_sd_write(&parts, buf);
    *copy = buf;
    if (length)
        *length = need;
    return STATUS_SUCCESS;
}

void se_free_sd(PSECURITY_DESCRIPTOR sd)
{
    free(sd);
}

static NTSTATUS se_get_part(PSECURITY_DESCRIPTOR sd, struct se_sd_parts *parts)
{
    if (!sd || ((SECURITY_DESCRIPTOR *)sd)->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    if (!se_sd_parts(sd, 0, parts))
        return STATUS_INVALID_SECURITY_DESCR;
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI RtlGetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                     PBOOLEAN DaclPresent, PACL *Dacl,
                                                     PBOOLEAN DaclDefaulted)
{
    struct se_sd_parts parts;
    NTSTATUS status = se_get_part(SecurityDescriptor, &parts);

    if (!NT_SUCCESS(status))
        return status;
    if (!DaclPresent || !Dacl || !DaclDefaulted)
        return STATUS_INVALID_PARAMETER;
    *DaclPresent = !!(parts.control & SE_DACL_PRESENT);
    if (*DaclPresent) {
        *Dacl = parts.dacl;
        *DaclDefaulted = !!(parts.control & SE_DACL_DEFAULTED);
    }
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI RtlGetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                      PSID *Owner, PBOOLEAN OwnerDefaulted)
{
    struct se_sd_parts parts;
    NTSTATUS status = se_get_part(SecurityDescriptor, &parts);

    if (!NT_SUCCESS(status))
        return status;
    if (!Owner || !OwnerDefaulted)
        return STATUS_INVALID_PARAMETER;
    *Owner = parts.owner;
    *OwnerDefaulted = !!(parts.control & SE_OWNER_DEFAULTED);
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI RtlGetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                      PSID *Group, PBOOLEAN GroupDefaulted)
{
    struct se_sd_parts parts;
    NTSTATUS status = se_get_part(SecurityDescriptor, &parts);

    if (!NT_SUCCESS(status))
        return status;
    if (!Group || !GroupDefaulted)
        return STATUS_INVALID_PARAMETER;
    *Group = parts.group;
    *GroupDefaulted = !!(parts.control & SE_GROUP_DEFAULTED);
    return STATUS_SUCCESS;
}

/* The setters work on absolute descriptors only, as on Windows. */
static NTSTATUS se_absolute(PSECURITY_DESCRIPTOR sd, SECURITY_DESCRIPTOR **a)
{
    *a = sd;
    if (!sd || (*a)->Revision != SECURITY_DESCRIPTOR_REVISION)
        return STATUS_UNKNOWN_REVISION;
    if ((*a)->Control & SE_SELF_RELATIVE)
        return STATUS_INVALID_SECURITY_DESCR;
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI RtlSetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                     BOOLEAN DaclPresent, PACL Dacl,
                                                     BOOLEAN DaclDefaulted)
{
    SECURITY_DESCRIPTOR *a;
    NTSTATUS status = se_absolute(SecurityDescriptor, &a);

    if (!NT_SUCCESS(status))
        return status;
    if (!DaclPresent) {
        a->Control &= ~SE_DACL_PRESENT;
        return STATUS_SUCCESS;
    }
    a->Control |= SE_DACL_PRESENT;
    a->Dacl = Dacl;
    if (DaclDefaulted)
        a->Control |= SE_DACL_DEFAULTED;
    else
        a->Control &= ~SE_DACL_DEFAULTED;
    return STATUS_SUCCESS;
}

/* Owner and group are set alike: the SID pointer and its "defaulted" bit. */
static NTSTATUS se_set_sid(PSECURITY_DESCRIPTOR sd, bool group, PSID sid, BOOLEAN defaulted)
{
    SECURITY_DESCRIPTOR *a;
    NTSTATUS status = se_absolute(sd, &a);
    USHORT bit = group ? SE_GROUP_DEFAULTED : SE_OWNER_DEFAULTED;

    if (!NT_SUCCESS(status))
        return status;
    if (group)
        a->Group = sid;
    else
        a->Owner = sid;
    if (defaulted)
        a->Control |= bit;
    else
        a->Control &= ~bit;
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI RtlSetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                      PSID Owner, BOOLEAN OwnerDefaulted)
{
    return se_set_sid(SecurityDescriptor, false, Owner, OwnerDefaulted);
}

NTSYSAPI NTSTATUS NTAPI RtlSetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                      PSID Group, BOOLEAN GroupDefaulted)
{
    return se_set_sid(SecurityDescriptor, true, Group, GroupDefaulted);
}

NTKERNELAPI BOOLEAN NTAPI SeValidSecurityDescriptor(ULONG Length,
                                                    PSECURITY_DESCRIPTOR SecurityDescriptor)
{
    return RtlValidRelativeSecurityDescriptor(SecurityDescriptor, Length, 0);
}
