/*
 * ddk/se.h - OpenDDK: security identifiers, ACLs, security descriptors,
 * access masks and access checks, with the Windows x64 layouts.
 *
 * A security descriptor handed to or returned by the executive is either
 * absolute (SECURITY_DESCRIPTOR, pointers) or self-relative
 * (SECURITY_DESCRIPTOR_RELATIVE, offsets, SE_SELF_RELATIVE set); every
 * Rtl* routine here accepts both. Who the caller is comes from the
 * subject context (SeCaptureSubjectContext): OpenDDK maps the Unix
 * identity of the client that opened a handle onto Windows SIDs (see
 * src/se/se.h for the mapping).
 */
#ifndef _DDK_SE_H_
#define _DDK_SE_H_

#include <ddk/access.h>

typedef struct _GENERIC_MAPPING {
    ACCESS_MASK GenericRead;
    ACCESS_MASK GenericWrite;
    ACCESS_MASK GenericExecute;
    ACCESS_MASK GenericAll;
} GENERIC_MAPPING, *PGENERIC_MAPPING;

/* ---- SIDs --------------------------------------------------------------- */
typedef struct _SID_IDENTIFIER_AUTHORITY {
    UCHAR Value[6];
} SID_IDENTIFIER_AUTHORITY, *PSID_IDENTIFIER_AUTHORITY;

typedef struct _SID {
    UCHAR Revision;
    UCHAR SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
    ULONG SubAuthority[ANYSIZE_ARRAY];
} SID, *PISID;

#define SID_REVISION              1
#define SID_MAX_SUB_AUTHORITIES   15
#define SID_RECOMMENDED_SUB_AUTHORITIES 1
#define SECURITY_MAX_SID_SIZE \
    (sizeof(SID) - sizeof(ULONG) + (SID_MAX_SUB_AUTHORITIES * sizeof(ULONG)))

typedef enum _SID_NAME_USE {
    SidTypeUser = 1, SidTypeGroup, SidTypeDomain, SidTypeAlias,
    SidTypeWellKnownGroup, SidTypeDeletedAccount, SidTypeInvalid,
    SidTypeUnknown, SidTypeComputer, SidTypeLabel, SidTypeLogonSession
} SID_NAME_USE, *PSID_NAME_USE;

typedef struct _SID_AND_ATTRIBUTES {
    PSID Sid;
    ULONG Attributes;
} SID_AND_ATTRIBUTES, *PSID_AND_ATTRIBUTES;

#define SECURITY_NULL_SID_AUTHORITY       {0, 0, 0, 0, 0, 0}
#define SECURITY_WORLD_SID_AUTHORITY      {0, 0, 0, 0, 0, 1}
#define SECURITY_LOCAL_SID_AUTHORITY      {0, 0, 0, 0, 0, 2}
#define SECURITY_CREATOR_SID_AUTHORITY    {0, 0, 0, 0, 0, 3}
#define SECURITY_NON_UNIQUE_AUTHORITY     {0, 0, 0, 0, 0, 4}
#define SECURITY_NT_AUTHORITY             {0, 0, 0, 0, 0, 5}
#define SECURITY_NULL_RID                 0x00000000L
#define SECURITY_WORLD_RID                0x00000000L
#define SECURITY_LOCAL_RID                0x00000000L
#define SECURITY_CREATOR_OWNER_RID        0x00000000L
#define SECURITY_CREATOR_GROUP_RID        0x00000001L
#define SECURITY_DIALUP_RID               0x00000001L
#define SECURITY_NETWORK_RID              0x00000002L
#define SECURITY_BATCH_RID                0x00000003L
#define SECURITY_INTERACTIVE_RID          0x00000004L
#define SECURITY_SERVICE_RID              0x00000006L
#define SECURITY_ANONYMOUS_LOGON_RID      0x00000007L
#define SECURITY_PROXY_RID                0x00000008L
#define SECURITY_AUTHENTICATED_USER_RID   0x0000000BL
#define SECURITY_RESTRICTED_CODE_RID      0x0000000CL
#define SECURITY_LOCAL_SYSTEM_RID         0x00000012L
#define SECURITY_LOCAL_SERVICE_RID        0x00000013L
#define SECURITY_NETWORK_SERVICE_RID      0x00000014L
#define SECURITY_BUILTIN_DOMAIN_RID       0x00000020L
#define DOMAIN_ALIAS_RID_ADMINS           0x00000220L
#define DOMAIN_ALIAS_RID_USERS            0x00000221L
#define DOMAIN_ALIAS_RID_GUESTS           0x00000222L
#define DOMAIN_ALIAS_RID_POWER_USERS      0x00000223L

/* ---- ACLs and ACEs ------------------------------------------------------ */
typedef struct _ACL {
    UCHAR AclRevision;
    UCHAR Sbz1;
    USHORT AclSize;
    USHORT AceCount;
    USHORT Sbz2;
} ACL, *PACL;

#define ACL_REVISION     2
#define ACL_REVISION_DS  4
#define ACL_REVISION1    1
#define MIN_ACL_REVISION ACL_REVISION2
#define ACL_REVISION2    2
#define ACL_REVISION3    3
#define ACL_REVISION4    4
#define MAX_ACL_REVISION ACL_REVISION4

typedef struct _ACE_HEADER {
    UCHAR AceType;
    UCHAR AceFlags;
    USHORT AceSize;
} ACE_HEADER, *PACE_HEADER;

#define ACCESS_MIN_MS_ACE_TYPE          0x0
#define ACCESS_ALLOWED_ACE_TYPE         0x0
#define ACCESS_DENIED_ACE_TYPE          0x1
#define SYSTEM_AUDIT_ACE_TYPE           0x2
#define SYSTEM_ALARM_ACE_TYPE           0x3
#define ACCESS_MAX_MS_V2_ACE_TYPE       0x3
#define ACCESS_ALLOWED_COMPOUND_ACE_TYPE 0x4
#define ACCESS_ALLOWED_OBJECT_ACE_TYPE  0x5
#define ACCESS_DENIED_OBJECT_ACE_TYPE   0x6
#define SYSTEM_MANDATORY_LABEL_ACE_TYPE 0x11

#define OBJECT_INHERIT_ACE          0x01
#define CONTAINER_INHERIT_ACE       0x02
#define NO_PROPAGATE_INHERIT_ACE    0x04
#define INHERIT_ONLY_ACE            0x08
#define INHERITED_ACE               0x10
#define VALID_INHERIT_FLAGS         0x1F
#define CRITICAL_ACE_FLAG           0x20
#define SUCCESSFUL_ACCESS_ACE_FLAG  0x40
#define FAILED_ACCESS_ACE_FLAG      0x80

typedef struct _ACCESS_ALLOWED_ACE {
    ACE_HEADER Header;
    ACCESS_MASK Mask;
    ULONG SidStart;
} ACCESS_ALLOWED_ACE, *PACCESS_ALLOWED_ACE;

typedef struct _ACCESS_DENIED_ACE {
    ACE_HEADER Header;
    ACCESS_MASK Mask;
    ULONG SidStart;
} ACCESS_DENIED_ACE, *PACCESS_DENIED_ACE;

typedef struct _SYSTEM_AUDIT_ACE {
    ACE_HEADER Header;
    ACCESS_MASK Mask;
    ULONG SidStart;
} SYSTEM_AUDIT_ACE, *PSYSTEM_AUDIT_ACE;

/* ---- security descriptors ------------------------------------------------ */
#define SECURITY_DESCRIPTOR_REVISION  1
#define SECURITY_DESCRIPTOR_REVISION1 1

#define SE_OWNER_DEFAULTED        0x0001
#define SE_GROUP_DEFAULTED        0x0002
#define SE_DACL_PRESENT           0x0004
#define SE_DACL_DEFAULTED         0x0008
#define SE_SACL_PRESENT           0x0010
#define SE_SACL_DEFAULTED         0x0020
#define SE_DACL_UNTRUSTED         0x0040
#define SE_SERVER_SECURITY        0x0080
#define SE_DACL_AUTO_INHERIT_REQ  0x0100
#define SE_SACL_AUTO_INHERIT_REQ  0x0200
#define SE_DACL_AUTO_INHERITED    0x0400
#define SE_SACL_AUTO_INHERITED    0x0800
#define SE_DACL_PROTECTED         0x1000
#define SE_SACL_PROTECTED         0x2000
#define SE_RM_CONTROL_VALID       0x4000
#define SE_SELF_RELATIVE          0x8000

typedef struct _SECURITY_DESCRIPTOR {
    UCHAR Revision;
    UCHAR Sbz1;
    SECURITY_DESCRIPTOR_CONTROL Control;
    PSID Owner;
    PSID Group;
    PACL Sacl;
    PACL Dacl;
} SECURITY_DESCRIPTOR, *PISECURITY_DESCRIPTOR;

typedef struct _SECURITY_DESCRIPTOR_RELATIVE {
    UCHAR Revision;
    UCHAR Sbz1;
    SECURITY_DESCRIPTOR_CONTROL Control;
    ULONG Owner;
    ULONG Group;
    ULONG Sacl;
    ULONG Dacl;
} SECURITY_DESCRIPTOR_RELATIVE, *PISECURITY_DESCRIPTOR_RELATIVE;

#define SECURITY_DESCRIPTOR_MIN_LENGTH (sizeof(SECURITY_DESCRIPTOR))

#define OWNER_SECURITY_INFORMATION     0x00000001L
#define GROUP_SECURITY_INFORMATION     0x00000002L
#define DACL_SECURITY_INFORMATION      0x00000004L
#define SACL_SECURITY_INFORMATION      0x00000008L
#define LABEL_SECURITY_INFORMATION     0x00000010L
#define PROTECTED_DACL_SECURITY_INFORMATION   0x80000000L
#define PROTECTED_SACL_SECURITY_INFORMATION   0x40000000L
#define UNPROTECTED_DACL_SECURITY_INFORMATION 0x20000000L
#define UNPROTECTED_SACL_SECURITY_INFORMATION 0x10000000L

/* ---- privileges, tokens, subject contexts -------------------------------- */
typedef struct _LUID_AND_ATTRIBUTES {
    LUID Luid;
    ULONG Attributes;
} LUID_AND_ATTRIBUTES, *PLUID_AND_ATTRIBUTES;

#define INITIAL_PRIVILEGE_COUNT 3
typedef struct _INITIAL_PRIVILEGE_SET {
    ULONG PrivilegeCount;
    ULONG Control;
    LUID_AND_ATTRIBUTES Privilege[INITIAL_PRIVILEGE_COUNT];
} INITIAL_PRIVILEGE_SET, *PINITIAL_PRIVILEGE_SET;

typedef struct _PRIVILEGE_SET {
    ULONG PrivilegeCount;
    ULONG Control;
    LUID_AND_ATTRIBUTES Privilege[ANYSIZE_ARRAY];
} PRIVILEGE_SET, *PPRIVILEGE_SET;

#define PRIVILEGE_SET_ALL_NECESSARY 1
#define SE_PRIVILEGE_ENABLED_BY_DEFAULT 0x00000001L
#define SE_PRIVILEGE_ENABLED            0x00000002L
#define SE_PRIVILEGE_USED_FOR_ACCESS    0x80000000L

typedef enum _SECURITY_IMPERSONATION_LEVEL {
    SecurityAnonymous,
    SecurityIdentification,
    SecurityImpersonation,
    SecurityDelegation
} SECURITY_IMPERSONATION_LEVEL, *PSECURITY_IMPERSONATION_LEVEL;

typedef BOOLEAN SECURITY_CONTEXT_TRACKING_MODE, *PSECURITY_CONTEXT_TRACKING_MODE;
#define SECURITY_DYNAMIC_TRACKING TRUE
#define SECURITY_STATIC_TRACKING  FALSE

typedef struct _SECURITY_QUALITY_OF_SERVICE {
    ULONG Length;
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel;
    SECURITY_CONTEXT_TRACKING_MODE ContextTrackingMode;
    BOOLEAN EffectiveOnly;
} SECURITY_QUALITY_OF_SERVICE, *PSECURITY_QUALITY_OF_SERVICE;

typedef enum _TOKEN_TYPE { TokenPrimary = 1, TokenImpersonation } TOKEN_TYPE, *PTOKEN_TYPE;

/* An access token: opaque; in OpenDDK a SeTokenObjectType object that
 * carries the Unix identity of a client. */
typedef PVOID PACCESS_TOKEN;

typedef struct _SECURITY_SUBJECT_CONTEXT {
    PACCESS_TOKEN ClientToken;
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel;
    PACCESS_TOKEN PrimaryToken;
    PVOID ProcessAuditId;
} SECURITY_SUBJECT_CONTEXT, *PSECURITY_SUBJECT_CONTEXT;

typedef struct _ACCESS_STATE {
    LUID OperationID;
    BOOLEAN SecurityEvaluated;
    BOOLEAN GenerateAudit;
    BOOLEAN GenerateOnClose;
    BOOLEAN PrivilegesAllocated;
    ULONG Flags;
    ACCESS_MASK RemainingDesiredAccess;
    ACCESS_MASK PreviouslyGrantedAccess;
    ACCESS_MASK OriginalDesiredAccess;
    SECURITY_SUBJECT_CONTEXT SubjectSecurityContext;
    PSECURITY_DESCRIPTOR SecurityDescriptor;
    PVOID AuxData;
    union {
        INITIAL_PRIVILEGE_SET InitialPrivilegeSet;
        PRIVILEGE_SET PrivilegeSet;
    } Privileges;
    BOOLEAN AuditPrivileges;
    UNICODE_STRING ObjectName;
    UNICODE_STRING ObjectTypeName;
} ACCESS_STATE, *PACCESS_STATE;

_Static_assert(sizeof(SID) == 12, "SID");
_Static_assert(sizeof(ACL) == 8, "ACL");
_Static_assert(sizeof(ACE_HEADER) == 4, "ACE_HEADER");
_Static_assert(sizeof(ACCESS_ALLOWED_ACE) == 12, "ACCESS_ALLOWED_ACE");
_Static_assert(sizeof(SECURITY_DESCRIPTOR) == 0x28, "SECURITY_DESCRIPTOR");
_Static_assert(sizeof(SECURITY_DESCRIPTOR_RELATIVE) == 0x14, "SECURITY_DESCRIPTOR_RELATIVE");
_Static_assert(sizeof(SECURITY_SUBJECT_CONTEXT) == 0x20, "SECURITY_SUBJECT_CONTEXT");
_Static_assert(sizeof(ACCESS_STATE) == 0xA0, "ACCESS_STATE");
_Static_assert(sizeof(GENERIC_MAPPING) == 0x10, "GENERIC_MAPPING");

/* ---- Rtl security routines ---------------------------------------------- */
NTSYSAPI NTSTATUS NTAPI RtlCreateSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                    ULONG Revision);
NTSYSAPI BOOLEAN NTAPI RtlValidSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor);
NTSYSAPI BOOLEAN NTAPI RtlValidRelativeSecurityDescriptor(
    PSECURITY_DESCRIPTOR SecurityDescriptorInput, ULONG SecurityDescriptorLength,
    SECURITY_INFORMATION RequiredInformation);
NTSYSAPI ULONG NTAPI RtlLengthSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor);
NTSYSAPI NTSTATUS NTAPI RtlGetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                     PBOOLEAN DaclPresent, PACL *Dacl,
                                                     PBOOLEAN DaclDefaulted);
NTSYSAPI NTSTATUS NTAPI RtlSetDaclSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                     BOOLEAN DaclPresent, PACL Dacl,
                                                     BOOLEAN DaclDefaulted);
NTSYSAPI NTSTATUS NTAPI RtlGetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                      PSID *Owner, PBOOLEAN OwnerDefaulted);
NTSYSAPI NTSTATUS NTAPI RtlSetOwnerSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                      PSID Owner, BOOLEAN OwnerDefaulted);
NTSYSAPI NTSTATUS NTAPI RtlGetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                      PSID *Group, PBOOLEAN GroupDefaulted);
NTSYSAPI NTSTATUS NTAPI RtlSetGroupSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                                      PSID Group, BOOLEAN GroupDefaulted);
NTSYSAPI NTSTATUS NTAPI RtlAbsoluteToSelfRelativeSD(PSECURITY_DESCRIPTOR AbsoluteSecurityDescriptor,
                                                    PSECURITY_DESCRIPTOR SelfRelativeSecurityDescriptor,
                                                    PULONG BufferLength);

NTSYSAPI ULONG NTAPI RtlLengthSid(PSID Sid);
NTSYSAPI ULONG NTAPI RtlLengthRequiredSid(ULONG SubAuthorityCount);
NTSYSAPI BOOLEAN NTAPI RtlValidSid(PSID Sid);
NTSYSAPI BOOLEAN NTAPI RtlEqualSid(PSID Sid1, PSID Sid2);
NTSYSAPI NTSTATUS NTAPI RtlInitializeSid(PSID Sid, PSID_IDENTIFIER_AUTHORITY IdentifierAuthority,
                                         UCHAR SubAuthorityCount);
NTSYSAPI PULONG NTAPI RtlSubAuthoritySid(PSID Sid, ULONG SubAuthority);
NTSYSAPI NTSTATUS NTAPI RtlCopySid(ULONG DestinationSidLength, PSID DestinationSid, PSID SourceSid);
NTSYSAPI NTSTATUS NTAPI RtlConvertSidToUnicodeString(PUNICODE_STRING UnicodeString, PSID Sid,
                                                     BOOLEAN AllocateDestinationString);

NTSYSAPI NTSTATUS NTAPI RtlCreateAcl(PACL Acl, ULONG AclLength, ULONG AclRevision);
NTSYSAPI BOOLEAN NTAPI RtlValidAcl(PACL Acl);
NTSYSAPI NTSTATUS NTAPI RtlGetAce(PACL Acl, ULONG AceIndex, PVOID *Ace);
NTSYSAPI NTSTATUS NTAPI RtlAddAccessAllowedAce(PACL Acl, ULONG AceRevision,
                                               ACCESS_MASK AccessMask, PSID Sid);
NTSYSAPI NTSTATUS NTAPI RtlAddAccessAllowedAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                                 ACCESS_MASK AccessMask, PSID Sid);
NTSYSAPI NTSTATUS NTAPI RtlAddAccessDeniedAce(PACL Acl, ULONG AceRevision,
                                              ACCESS_MASK AccessMask, PSID Sid);
NTSYSAPI NTSTATUS NTAPI RtlAddAccessDeniedAceEx(PACL Acl, ULONG AceRevision, ULONG AceFlags,
                                                ACCESS_MASK AccessMask, PSID Sid);
NTSYSAPI VOID NTAPI RtlMapGenericMask(PACCESS_MASK AccessMask, const GENERIC_MAPPING *GenericMapping);

/* ---- Se routines ---------------------------------------------------------- */
NTKERNELAPI BOOLEAN NTAPI SeAccessCheck(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                        PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext,
                                        BOOLEAN SubjectContextLocked,
                                        ACCESS_MASK DesiredAccess,
                                        ACCESS_MASK PreviouslyGrantedAccess,
                                        PPRIVILEGE_SET *Privileges,
                                        PGENERIC_MAPPING GenericMapping,
                                        KPROCESSOR_MODE AccessMode,
                                        PACCESS_MASK GrantedAccess,
                                        PNTSTATUS AccessStatus);
NTKERNELAPI VOID NTAPI SeCaptureSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext);
NTKERNELAPI VOID NTAPI SeReleaseSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext);
NTKERNELAPI VOID NTAPI SeLockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext);
NTKERNELAPI VOID NTAPI SeUnlockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext);
NTKERNELAPI BOOLEAN NTAPI SeValidSecurityDescriptor(ULONG Length,
                                                    PSECURITY_DESCRIPTOR SecurityDescriptor);
NTKERNELAPI BOOLEAN NTAPI SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode);
NTKERNELAPI NTSTATUS NTAPI SeAssignSecurity(PSECURITY_DESCRIPTOR ParentDescriptor,
                                            PSECURITY_DESCRIPTOR ExplicitDescriptor,
                                            PSECURITY_DESCRIPTOR *NewDescriptor,
                                            BOOLEAN IsDirectoryObject,
                                            PSECURITY_SUBJECT_CONTEXT SubjectContext,
                                            PGENERIC_MAPPING GenericMapping,
                                            POOL_TYPE PoolType);
NTKERNELAPI NTSTATUS NTAPI SeDeassignSecurity(PSECURITY_DESCRIPTOR *SecurityDescriptor);

#define SeLengthSid(Sid) \
    (8 + (4 * ((SID *)(Sid))->SubAuthorityCount))

#endif /* _DDK_SE_H_ */
