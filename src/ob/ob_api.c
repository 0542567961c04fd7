/*
 * ob/ob_api.c - the object manager's DDIs: thin wrappers over the
 * internal interface of ob.h (checks of the Windows arguments, then the
 * real work inside).
 */
#include "ob/obp.h"
#include "se/se.h"
#include "krnl/krnl.h"
#include "ke/ke.h"

#include <stdlib.h>
#include <string.h>

LONG_PTR ob_reference_count_ddi(void *body, const char *ddi);
LONG_PTR ob_dereference_count_ddi(void *body, BOOLEAN defer, const char *ddi);
NTSTATUS ob_copy_object_security(void *body, PSECURITY_DESCRIPTOR *copy);
NTSTATUS ob_handle_info(HANDLE handle, KPROCESSOR_MODE mode, ACCESS_MASK *granted,
                        ULONG *attributes);
void ob_make_temporary(void *body);
NTSTATUS ob_create_symlink_ex(PCUNICODE_STRING link_name, PCUNICODE_STRING target,
                              ULONG attributes, void **link);

/* ---- references ------------------------------------------------------------ */

NTKERNELAPI LONG_PTR FASTCALL ObfReferenceObject(PVOID Object)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObfReferenceObject");
    return ob_reference_count_ddi(Object, "ObfReferenceObject");
}

NTKERNELAPI LONG_PTR FASTCALL ObfDereferenceObject(PVOID Object)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObfDereferenceObject");
    return ob_dereference_count_ddi(Object, FALSE, "ObfDereferenceObject");
}

NTKERNELAPI LONG_PTR FASTCALL ObfReferenceObjectWithTag(PVOID Object, ULONG Tag)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObfReferenceObjectWithTag");
    (void)Tag;
    return ob_reference_count_ddi(Object, "ObfReferenceObjectWithTag");
}

NTKERNELAPI LONG_PTR FASTCALL ObfDereferenceObjectWithTag(PVOID Object, ULONG Tag)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObfDereferenceObjectWithTag");
    (void)Tag;
    return ob_dereference_count_ddi(Object, FALSE, "ObfDereferenceObjectWithTag");
}

/* The WDK has these as macros; binary drivers may import them by name. */
#undef ObReferenceObject
#undef ObDereferenceObject
#undef ObReferenceObjectWithTag
#undef ObDereferenceObjectWithTag
NTKERNELAPI LONG_PTR NTAPI ObReferenceObject(PVOID Object);
NTKERNELAPI LONG_PTR NTAPI ObDereferenceObject(PVOID Object);
NTKERNELAPI LONG_PTR NTAPI ObReferenceObject(PVOID Object)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObReferenceObject");
    return ob_reference_count_ddi(Object, "ObReferenceObject");
}
NTKERNELAPI LONG_PTR NTAPI ObDereferenceObject(PVOID Object)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObDereferenceObject");
    return ob_dereference_count_ddi(Object, FALSE, "ObDereferenceObject");
}

NTKERNELAPI VOID NTAPI ObDereferenceObjectDeferDelete(PVOID Object)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObDereferenceObjectDeferDelete");
    ob_dereference_count_ddi(Object, TRUE, "ObDereferenceObjectDeferDelete");
}

NTKERNELAPI VOID NTAPI ObDereferenceObjectDeferDeleteWithTag(PVOID Object, ULONG Tag)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObDereferenceObjectDeferDeleteWithTag");
    (void)Tag;
    ob_dereference_count_ddi(Object, TRUE, "ObDereferenceObjectDeferDeleteWithTag");
}

NTKERNELAPI BOOLEAN FASTCALL ObReferenceObjectSafe(PVOID Object)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObReferenceObjectSafe");
    return ob_reference_if_alive(Object);
}

NTKERNELAPI NTSTATUS NTAPI ObReferenceObjectByPointer(PVOID Object, ACCESS_MASK DesiredAccess,
                                                      POBJECT_TYPE ObjectType,
                                                      KPROCESSOR_MODE AccessMode)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObReferenceObjectByPointer");
    (void)DesiredAccess;
    (void)AccessMode;
    if (ObjectType && ob_object_type(Object) != ObjectType)
        return STATUS_OBJECT_TYPE_MISMATCH;
    ob_reference_count_ddi(Object, "ObReferenceObjectByPointer");
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI ObReferenceObjectByPointerWithTag(PVOID Object,
                                                             ACCESS_MASK DesiredAccess,
                                                             POBJECT_TYPE ObjectType,
                                                             KPROCESSOR_MODE AccessMode,
                                                             ULONG Tag)
{
    (void)Tag;
    return ObReferenceObjectByPointer(Object, DesiredAccess, ObjectType, AccessMode);
}

NTKERNELAPI NTSTATUS NTAPI ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess,
                                                     POBJECT_TYPE ObjectType,
                                                     KPROCESSOR_MODE AccessMode, PVOID *Object,
                                                     POBJECT_HANDLE_INFORMATION HandleInformation)
{
    ke_check_irql_max(PASSIVE_LEVEL, "ObReferenceObjectByHandle");
    if (!Object)
        return STATUS_INVALID_PARAMETER;
    *Object = NULL;
    if (Handle == NtCurrentProcess() || Handle == NtCurrentThread()) {
        /* The pseudo-handles name the caller's process and thread (ke's
         * objects) with all access. */
        void *self = Handle == NtCurrentThread() ? (void *)ke_thread_current()
                                                  : (void *)PsGetCurrentProcess();
        POBJECT_TYPE type;

        if (!self)
            return STATUS_INVALID_HANDLE;
        type = ob_object_type(self);
        if (ObjectType && ObjectType != type)
            return STATUS_OBJECT_TYPE_MISMATCH;
        if (HandleInformation) {
            HandleInformation->HandleAttributes = 0;
            HandleInformation->GrantedAccess = ob_type_mapping(type)->GenericAll;
        }
        *Object = ob_reference(self);
        return STATUS_SUCCESS;
    }
    return ob_reference_by_handle(Handle, DesiredAccess, ObjectType, AccessMode, Object,
                                  HandleInformation);
}

NTKERNELAPI NTSTATUS NTAPI ObReferenceObjectByHandleWithTag(HANDLE Handle,
                                                            ACCESS_MASK DesiredAccess,
                                                            POBJECT_TYPE ObjectType,
                                                            KPROCESSOR_MODE AccessMode, ULONG Tag,
                                                            PVOID *Object,
                                                            POBJECT_HANDLE_INFORMATION HandleInformation)
{
    (void)Tag;
    return ObReferenceObjectByHandle(Handle, DesiredAccess, ObjectType, AccessMode, Object,
                                     HandleInformation);
}

/* UserMode opens are checked against the object's descriptor with the
 * calling thread's identity; KernelMode opens get what they ask for. */
static NTSTATUS ob_check_open(void *body, ACCESS_MASK desired, KPROCESSOR_MODE mode,
                              ACCESS_MASK *granted)
{
    POBJECT_TYPE type = ob_object_type(body);
    PSECURITY_DESCRIPTOR sd;
    NTSTATUS status;

    if (mode == KernelMode) {
        *granted = ob_map_access(type, desired);
        return STATUS_SUCCESS;
    }
    status = ob_copy_object_security(body, &sd);
    if (!NT_SUCCESS(status))
        return status;
    status = se_access_check(sd, se_current_identity(), desired, ob_type_mapping(type), granted);
    se_free_sd(sd);
    return status;
}

NTKERNELAPI NTSTATUS NTAPI ObReferenceObjectByName(PUNICODE_STRING ObjectName, ULONG Attributes,
                                                   PACCESS_STATE AccessState,
                                                   ACCESS_MASK DesiredAccess,
                                                   POBJECT_TYPE ObjectType,
                                                   KPROCESSOR_MODE AccessMode,
                                                   PVOID ParseContext, PVOID *Object)
{
    ACCESS_MASK granted;
    NTSTATUS status;
    void *body;

    ke_check_irql_max(PASSIVE_LEVEL, "ObReferenceObjectByName");
    (void)AccessState;
    (void)ParseContext;
    if (!Object)
        return STATUS_INVALID_PARAMETER;
    *Object = NULL;
    status = ob_lookup(ObjectName, Attributes, ObjectType, &body, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_check_open(body, DesiredAccess, AccessMode, &granted);
    if (!NT_SUCCESS(status)) {
        ob_dereference(body);
        return status;
    }
    *Object = body;
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI ObOpenObjectByPointer(PVOID Object, ULONG HandleAttributes,
                                                 PACCESS_STATE PassedAccessState,
                                                 ACCESS_MASK DesiredAccess,
                                                 POBJECT_TYPE ObjectType,
                                                 KPROCESSOR_MODE AccessMode, PHANDLE Handle)
{
    ACCESS_MASK granted;
    NTSTATUS status;

    ke_check_irql_max(PASSIVE_LEVEL, "ObOpenObjectByPointer");
    if (!Handle)
        return STATUS_INVALID_PARAMETER;
    *Handle = NULL;
    if (ObjectType && ob_object_type(Object) != ObjectType)
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (PassedAccessState)
        DesiredAccess |= PassedAccessState->RemainingDesiredAccess;
    status = ob_check_open(Object, DesiredAccess, AccessMode, &granted);
    if (!NT_SUCCESS(status))
        return status;
    if (PassedAccessState)
        granted |= PassedAccessState->PreviouslyGrantedAccess;
    return ob_open_handle(Object, granted, HandleAttributes, Handle);
}

NTKERNELAPI POBJECT_TYPE NTAPI ObGetObjectType(PVOID Object)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ObGetObjectType");
    return ob_object_type(Object);
}

NTKERNELAPI NTSTATUS NTAPI ObQueryNameString(PVOID Object,
                                             POBJECT_NAME_INFORMATION ObjectNameInfo,
                                             ULONG Length, PULONG ReturnLength)
{
    UNICODE_STRING name;
    NTSTATUS status;
    ULONG need;

    ke_check_irql_max(APC_LEVEL, "ObQueryNameString");
    if (!ReturnLength)
        return STATUS_INVALID_PARAMETER;
    status = ob_query_name(Object, &name);
    if (!NT_SUCCESS(status))
        return status;
    need = sizeof(OBJECT_NAME_INFORMATION) + (name.Length ? name.Length + sizeof(WCHAR) : 0);
    *ReturnLength = need;
    if (!ObjectNameInfo || Length < need) {
        ob_free_string(&name);
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    if (name.Length) {
        WCHAR *dst = (WCHAR *)(ObjectNameInfo + 1);

        memcpy(dst, name.Buffer, name.Length + sizeof(WCHAR));
        ObjectNameInfo->Name.Buffer = dst;
        ObjectNameInfo->Name.Length = name.Length;
        ObjectNameInfo->Name.MaximumLength = name.Length + sizeof(WCHAR);
    } else {
        ObjectNameInfo->Name.Buffer = NULL;
        ObjectNameInfo->Name.Length = ObjectNameInfo->Name.MaximumLength = 0;
    }
    ob_free_string(&name);
    return STATUS_SUCCESS;
}

NTKERNELAPI VOID NTAPI ObMakeTemporaryObject(PVOID Object)
{
    ke_check_irql_max(PASSIVE_LEVEL, "ObMakeTemporaryObject");
    ob_make_temporary(Object);
}

NTKERNELAPI NTSTATUS NTAPI ObGetObjectSecurity(PVOID Object,
                                               PSECURITY_DESCRIPTOR *SecurityDescriptor,
                                               PBOOLEAN MemoryAllocated)
{
    NTSTATUS status;

    ke_check_irql_max(APC_LEVEL, "ObGetObjectSecurity");
    if (!SecurityDescriptor || !MemoryAllocated)
        return STATUS_INVALID_PARAMETER;
    status = ob_copy_object_security(Object, SecurityDescriptor);
    *MemoryAllocated = NT_SUCCESS(status) && *SecurityDescriptor;
    return status;
}

NTKERNELAPI VOID NTAPI ObReleaseObjectSecurity(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                               BOOLEAN MemoryAllocated)
{
    ke_check_irql_max(APC_LEVEL, "ObReleaseObjectSecurity");
    if (MemoryAllocated)
        se_free_sd(SecurityDescriptor);
}

/* ---- handles ----------------------------------------------------------------- */

NTKERNELAPI NTSTATUS NTAPI ObCloseHandle(HANDLE Handle, KPROCESSOR_MODE PreviousMode)
{
    ke_check_irql_max(PASSIVE_LEVEL, "ObCloseHandle");
    return ob_close_handle(Handle, PreviousMode);
}

NTSYSAPI NTSTATUS NTAPI ZwClose(HANDLE Handle)
{
    ke_check_irql_max(PASSIVE_LEVEL, "ZwClose");
    return ob_close_handle(Handle, KernelMode);
}

/* Drivers run in the executive: there is no user-mode previous mode. */
NTSYSAPI NTSTATUS NTAPI NtClose(HANDLE Handle)
{
    ke_check_irql_max(PASSIVE_LEVEL, "NtClose");
    return ob_close_handle(Handle, KernelMode);
}

NTSYSAPI NTSTATUS NTAPI ZwDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle,
                                          HANDLE TargetProcessHandle, PHANDLE TargetHandle,
                                          ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
                                          ULONG Options)
{
    ACCESS_MASK granted;
    ULONG attributes;
    NTSTATUS status;
    void *body;

    ke_check_irql_max(PASSIVE_LEVEL, "ZwDuplicateObject");
    if (SourceProcessHandle != NtCurrentProcess() ||
        (TargetProcessHandle && TargetProcessHandle != NtCurrentProcess())) {
        krnl_log_once(KRNL_LOG_WARN, "ZwDuplicateObject: only NtCurrentProcess() is supported");
        return STATUS_NOT_IMPLEMENTED;
    }
    if (TargetHandle)
        *TargetHandle = NULL;
    status = ob_handle_info(SourceHandle, KernelMode, &granted, &attributes);
    if (!NT_SUCCESS(status))
        return status;
    if (TargetProcessHandle && TargetHandle) {
        status = ob_reference_by_handle(SourceHandle, 0, NULL, KernelMode, &body, NULL);
        if (!NT_SUCCESS(status))
            return status;
        if (!(Options & DUPLICATE_SAME_ACCESS))
            granted = DesiredAccess;
        if (!(Options & DUPLICATE_SAME_ATTRIBUTES))
            attributes = HandleAttributes;
        status = ob_open_handle_op(body, granted, attributes, TargetHandle,
                                   OB_OPERATION_HANDLE_DUPLICATE);
        ob_dereference(body);
        if (!NT_SUCCESS(status))
            return status;
    }
    if (Options & DUPLICATE_CLOSE_SOURCE)
        (void)ob_close_handle(SourceHandle, KernelMode);
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI ZwMakeTemporaryObject(HANDLE Handle)
{
    void *body;
    NTSTATUS status = ob_reference_by_handle(Handle, DELETE, NULL, KernelMode, &body, NULL);

    ke_check_irql_max(PASSIVE_LEVEL, "ZwMakeTemporaryObject");
    if (!NT_SUCCESS(status))
        return status;
    ob_make_temporary(body);
    ob_dereference(body);
    return STATUS_SUCCESS;
}

/* ---- namespace Zw* ------------------------------------------------------------------ */

/* The absolute path named by OBJECT_ATTRIBUTES (RootDirectory + name). */
static NTSTATUS ob_path_of(POBJECT_ATTRIBUTES oa, UNICODE_STRING *path)
{
    UNICODE_STRING root;
    void *dir;
    NTSTATUS status;
    size_t n;

    path->Buffer = NULL;
    path->Length = path->MaximumLength = 0;
    if (!oa || oa->Length != sizeof(OBJECT_ATTRIBUTES) || !oa->ObjectName ||
        (oa->Attributes & ~OBJ_VALID_ATTRIBUTES))
        return STATUS_INVALID_PARAMETER;
    if (!oa->ObjectName->Buffer || !oa->ObjectName->Length || (oa->ObjectName->Length & 1))
        return STATUS_OBJECT_NAME_INVALID;
    if (!oa->RootDirectory)
        return ob_string_dup(oa->ObjectName->Buffer, oa->ObjectName->Length, path);
    if (oa->ObjectName->Buffer[0] == '\\')
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    status = ob_reference_by_handle(oa->RootDirectory, 0, ob_directory_type(), KernelMode,
                                    &dir, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_query_name(dir, &root);
    ob_dereference(dir);
    if (!NT_SUCCESS(status))
        return status;
    n = root.Length / sizeof(WCHAR);
    if (n == 1)
        n = 0;          /* the root: "\" + name */
    if ((n + 1) * sizeof(WCHAR) + oa->ObjectName->Length > UNICODE_STRING_MAX_BYTES - sizeof(WCHAR)) {
        ob_free_string(&root);
        return STATUS_NAME_TOO_LONG;
    }
    path->Buffer = malloc((n + 2) * sizeof(WCHAR) + oa->ObjectName->Length);
    if (!path->Buffer) {
        ob_free_string(&root);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memcpy(path->Buffer, root.Buffer, n * sizeof(WCHAR));
    path->Buffer[n] = '\\';
    memcpy(path->Buffer + n + 1, oa->ObjectName->Buffer, oa->ObjectName->Length);
    path->Length = (USHORT)((n + 1) * sizeof(WCHAR) + oa->ObjectName->Length);
    path->Buffer[path->Length / sizeof(WCHAR)] = 0;
    path->MaximumLength = path->Length + sizeof(WCHAR);
    ob_free_string(&root);
    return STATUS_SUCCESS;
}

static NTSTATUS ob_open_by_attributes(PHANDLE Handle, ACCESS_MASK DesiredAccess,
                                      POBJECT_ATTRIBUTES oa, POBJECT_TYPE type)
{
    UNICODE_STRING path;
    NTSTATUS status;
    void *body;

    if (!Handle)
        return STATUS_INVALID_PARAMETER;
    *Handle = NULL;
    status = ob_path_of(oa, &path);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_lookup(&path, oa->Attributes, type, &body, NULL);
    ob_free_string(&path);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_open_handle(body, DesiredAccess, oa->Attributes, Handle);
    ob_dereference(body);
    return status;
}

/* A fresh object with a name and a handle (the Zw*Create* pattern). */
/* With OBJ_OPENIF, an existing object of the same type is opened instead
 * (STATUS_OBJECT_NAME_EXISTS, a success code). */
static NTSTATUS ob_insert_with_handle(void *body, POBJECT_ATTRIBUTES oa, ACCESS_MASK access,
                                      PHANDLE Handle)
{
    UNICODE_STRING path;
    NTSTATUS status = ob_path_of(oa, &path);
    void *existing;

    if (!NT_SUCCESS(status)) {
        ob_dereference(body);
        return status;
    }
    status = ob_insert_object(body, &path, oa->Attributes);
    if (NT_SUCCESS(status)) {
        status = ob_open_handle(body, access, oa->Attributes, Handle);
        if (!NT_SUCCESS(status))
            ob_remove_name(body);
    } else if (status == STATUS_OBJECT_NAME_COLLISION && (oa->Attributes & OBJ_OPENIF) &&
               NT_SUCCESS(ob_lookup(&path, OBJ_OPENLINK, NULL, &existing, NULL))) {
        if (ob_object_type(existing) != ob_object_type(body))
            status = STATUS_OBJECT_TYPE_MISMATCH;
        else if (NT_SUCCESS(status = ob_open_handle(existing, access, oa->Attributes, Handle)))
            status = STATUS_OBJECT_NAME_EXISTS;
        ob_dereference(existing);
    }
    ob_free_string(&path);
    ob_dereference(body);
    return status;
}

NTSYSAPI NTSTATUS NTAPI ZwCreateDirectoryObject(PHANDLE DirectoryHandle,
                                                ACCESS_MASK DesiredAccess,
                                                POBJECT_ATTRIBUTES ObjectAttributes)
{
    void *body;
    NTSTATUS status;

    ke_check_irql_max(PASSIVE_LEVEL, "ZwCreateDirectoryObject");
    if (!DirectoryHandle)
        return STATUS_INVALID_PARAMETER;
    *DirectoryHandle = NULL;
    ob_namespace_init();
    if (!ObjectAttributes)
        return STATUS_INVALID_PARAMETER;
    status = ob_create_object(ob_directory_type(), sizeof(struct ob_directory),
                              ObjectAttributes->Attributes, ObjectAttributes->SecurityDescriptor,
                              &body);
    if (!NT_SUCCESS(status))
        return status;
    return ob_insert_with_handle(body, ObjectAttributes, DesiredAccess, DirectoryHandle);
}

NTSYSAPI NTSTATUS NTAPI ZwOpenDirectoryObject(PHANDLE DirectoryHandle,
                                              ACCESS_MASK DesiredAccess,
                                              POBJECT_ATTRIBUTES ObjectAttributes)
{
    ke_check_irql_max(PASSIVE_LEVEL, "ZwOpenDirectoryObject");
    return ob_open_by_attributes(DirectoryHandle, DesiredAccess, ObjectAttributes,
                                 ob_directory_type());
}

NTSYSAPI NTSTATUS NTAPI ZwCreateSymbolicLinkObject(PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,
                                                   POBJECT_ATTRIBUTES ObjectAttributes,
                                                   PUNICODE_STRING LinkTarget)
{
    UNICODE_STRING path;
    NTSTATUS status;
    void *link;

    ke_check_irql_max(PASSIVE_LEVEL, "ZwCreateSymbolicLinkObject");
    if (!LinkHandle)
        return STATUS_INVALID_PARAMETER;
    *LinkHandle = NULL;
    status = ob_path_of(ObjectAttributes, &path);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_create_symlink_ex(&path, LinkTarget, ObjectAttributes->Attributes, &link);
    ob_free_string(&path);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_open_handle(link, DesiredAccess, ObjectAttributes->Attributes, LinkHandle);
    if (!NT_SUCCESS(status))
        ob_remove_name(link);
    ob_dereference(link);
    return status;
}

NTSYSAPI NTSTATUS NTAPI ZwOpenSymbolicLinkObject(PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,
                                                 POBJECT_ATTRIBUTES ObjectAttributes)
{
    OBJECT_ATTRIBUTES oa;

    ke_check_irql_max(PASSIVE_LEVEL, "ZwOpenSymbolicLinkObject");
    if (!ObjectAttributes)
        return STATUS_INVALID_PARAMETER;
    oa = *ObjectAttributes;
    oa.Attributes |= OBJ_OPENLINK;
    return ob_open_by_attributes(LinkHandle, DesiredAccess, &oa, ob_symlink_type());
}

NTSYSAPI NTSTATUS NTAPI ZwQuerySymbolicLinkObject(HANDLE LinkHandle, PUNICODE_STRING LinkTarget,
                                                  PULONG ReturnedLength)
{
    UNICODE_STRING target;
    NTSTATUS status;
    void *link;

    ke_check_irql_max(PASSIVE_LEVEL, "ZwQuerySymbolicLinkObject");
    if (!LinkTarget)
        return STATUS_INVALID_PARAMETER;
    status = ob_reference_by_handle(LinkHandle, SYMBOLIC_LINK_QUERY, ob_symlink_type(),
                                    KernelMode, &link, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_symlink_target(link, &target);
    ob_dereference(link);
    if (!NT_SUCCESS(status))
        return status;
    if (ReturnedLength)
        *ReturnedLength = target.Length + sizeof(WCHAR);
    if (LinkTarget->MaximumLength < target.Length || (target.Length && !LinkTarget->Buffer)) {
        ob_free_string(&target);
        return STATUS_BUFFER_TOO_SMALL;
    }
    if (target.Length)
        memcpy(LinkTarget->Buffer, target.Buffer, target.Length);
    LinkTarget->Length = target.Length;
    if (LinkTarget->MaximumLength >= target.Length + sizeof(WCHAR))
        LinkTarget->Buffer[target.Length / sizeof(WCHAR)] = 0;
    ob_free_string(&target);
    return STATUS_SUCCESS;
}
