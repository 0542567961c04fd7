/*++

Module Name:

    driver.c

Abstract:

    A driver written the way Windows driver samples are written, to prove
    that OpenDDK's headers accept it under gcc -Wall without a warning:
    SAL annotations of every shape, #pragma alloc_text/code_seg/warning/
    prefast/comment, __pragma, __declspec forms, FORCEINLINE, DEFINE_GUID
    with and without INITGUID, the system GUID headers, multi-character
    pool tags, CONTAINING_RECORD, C_ASSERT, and SEH in both spellings.

    Called with a NULL DriverObject, DriverEntry only checks itself and
    returns STATUS_SUCCESS or the line of the first failed check (the
    test runs it that way: nothing else of the system is needed).

Environment:

    Kernel mode

--*/

#include <ntddk.h>
#include <wdmguid.h>
#include <devguid.h>
#include <driverspecs.h>
#include "public.h"

_Analysis_mode_(_Analysis_code_type_kernel_driver_);

#pragma warning(push)
#pragma warning(disable:4201)   // nameless struct/union
#pragma warning(disable:4214)   // bit field types other than int
#pragma comment(lib, "wdmsec.lib")

#define CONFORM_TAG 'fnoC'
#define CONFORM_POOL_TAG ((ULONG)'lpmS')

C_ASSERT(sizeof(ULONG) == 4);
C_ASSERT(CONFORM_TAG == 0x666e6f43);

typedef struct _CONFORM_ENTRY {
    LIST_ENTRY Link;
    ULONG Value;
    union {
        struct {
            ULONG Low : 16;
            ULONG High : 16;
        };
        ULONG All;
    };
} CONFORM_ENTRY, *PCONFORM_ENTRY;

typedef struct DECLSPEC_ALIGN(16) _CONFORM_CONTEXT {
    KSPIN_LOCK Lock;
    LIST_ENTRY List;
    _Guarded_by_(Lock) ULONG Count;
    _Field_size_bytes_(BufferLength) PUCHAR Buffer;
    ULONG BufferLength;
} CONFORM_CONTEXT, *PCONFORM_CONTEXT;

#pragma warning(pop)

C_ASSERT(FIELD_OFFSET(CONFORM_ENTRY, Value) == sizeof(LIST_ENTRY));

__declspec(selectany) ULONG ConformSelectAny = 3;
DECLSPEC_CACHEALIGN static CONFORM_CONTEXT ConformGlobal;

#pragma data_seg("NONPAGE")
static ULONG ConformNonPagedData = 1;
#pragma data_seg()

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD ConformUnload;
_Dispatch_type_(IRP_MJ_CREATE)
_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH ConformCreateClose;
__drv_dispatchType(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH ConformDeviceControl;

_IRQL_requires_max_(DISPATCH_LEVEL)
_Must_inspect_result_
_Success_(return != FALSE)
static BOOLEAN
ConformLookup(
    _In_ PCONFORM_CONTEXT Context,
    _In_ ULONG Value,
    _Outptr_result_maybenull_ PCONFORM_ENTRY *Entry
    );

_IRQL_requires_max_(PASSIVE_LEVEL)
_When_(return >= 0, _Post_satisfies_(*Length <= BufferLength))
static NTSTATUS
ConformCopy(
    _Out_writes_bytes_to_(BufferLength, *Length) PVOID Buffer,
    _In_ ULONG BufferLength,
    _In_reads_bytes_opt_(SourceLength) const VOID *Source,
    _In_ ULONG SourceLength,
    _Out_ PULONG Length
    );

static VOID __cdecl ConformCdecl(IN ULONG Value, OUT PULONG Result OPTIONAL);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, ConformUnload)
#pragma alloc_text(PAGE, ConformCopy)
#endif
#pragma alloc_text(PAGE, ConformCreateClose)

FORCEINLINE
ULONG
ConformTwice(
    _In_ ULONG Value
    )
{
    return Value * 2;
}

static __inline ULONG ConformThrice(ULONG Value) { return Value * 3; }
static __forceinline ULONG ConformQuad(ULONG Value) { return Value * 4; }
static DECLSPEC_NOINLINE ULONG ConformFive(ULONG Value) { return Value * 5; }
static __declspec(noinline) ULONG ConformSix(ULONG Value) { return Value * 6; }

_Use_decl_annotations_
static BOOLEAN
ConformLookup(
    PCONFORM_CONTEXT Context,
    ULONG Value,
    PCONFORM_ENTRY *Entry
    )
{
    PLIST_ENTRY link;

    *Entry = NULL;
    for (link = Context->List.Flink; link != &Context->List; link = link->Flink) {
        PCONFORM_ENTRY e = CONTAINING_RECORD(link, CONFORM_ENTRY, Link);
        if (e->Value == Value) {
            *Entry = e;
            return TRUE;
        }
    }
    return FALSE;
}

_Use_decl_annotations_
static NTSTATUS
ConformCopy(
    PVOID Buffer,
    ULONG BufferLength,
    const VOID *Source,
    ULONG SourceLength,
    PULONG Length
    )
{
    NTSTATUS status = STATUS_SUCCESS;

    *Length = 0;
    if (Source == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    _Analysis_assume_(BufferLength > 0);
    __try {
        if (SourceLength > BufferLength) {
            ExRaiseStatus(STATUS_BUFFER_TOO_SMALL);
        }
        RtlCopyMemory(Buffer, Source, SourceLength);
        *Length = SourceLength;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

static VOID __cdecl
ConformCdecl(
    IN ULONG Value,
    OUT PULONG Result OPTIONAL
    )
{
    if (ARGUMENT_PRESENT(Result)) {
        *Result = Value + ConformNonPagedData;
    }
}

_Use_decl_annotations_
VOID
ConformUnload(
    PDRIVER_OBJECT DriverObject
    )
{
    UNREFERENCED_PARAMETER(DriverObject);
    PAGED_CODE();
}

_Use_decl_annotations_
NTSTATUS
ConformCreateClose(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS
ConformDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(DeviceObject);

    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_CONFORM_PING:
        KeAcquireSpinLock(&ConformGlobal.Lock, &oldIrql);
        ConformGlobal.Count++;
        KeReleaseSpinLock(&ConformGlobal.Lock, oldIrql);
        status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

#define CHECK(c) do { if (!(c)) { return (NTSTATUS)__LINE__; } } while (0)

static const GUID ConformExpectedInterface =
    { 0x5d8f2a41, 0x6c1e, 0x4b7a, { 0x9a, 0x3f, 0x0e, 0x5c, 0x1d, 0x2b, 0x7f, 0x60 } };

// Checks that need nothing from the rest of the system.
static NTSTATUS
ConformSelfCheck(VOID)
{
    CONFORM_ENTRY entries[3];
    PCONFORM_ENTRY found;
    UCHAR buffer[8];
    ULONG length = 0, result = 0, i;
    NTSTATUS status;

    CHECK(IsEqualGUID(&GUID_DEVINTERFACE_CONFORM, &ConformExpectedInterface));
    CHECK(GUID_DEVICE_INTERFACE_ARRIVAL.Data1 == 0xcb3a4004);
    CHECK(GUID_DEVCLASS_SYSTEM.Data1 == 0x4d36e97d && GUID_DEVCLASS_SYSTEM.Data4[7] == 0x18);
    CHECK(NTDDI_VERSION >= NTDDI_WIN10_RS1);
    CHECK(ConformSelectAny == 3);

    InitializeListHead(&ConformGlobal.List);
    for (i = 0; i < RTL_NUMBER_OF(entries); i++) {
        entries[i].Value = i * 10;
        entries[i].All = 0;
        entries[i].High = (USHORT)i;
        InsertTailList(&ConformGlobal.List, &entries[i].Link);
    }
    CHECK(ConformLookup(&ConformGlobal, 20, &found) && found == &entries[2]);
    CHECK(found->All == 0x20000);
    CHECK(!ConformLookup(&ConformGlobal, 7, &found) && found == NULL);

    status = ConformCopy(buffer, sizeof(buffer), "abc", 4, &length);
    CHECK(NT_SUCCESS(status) && length == 4 && buffer[1] == 'b');
    status = ConformCopy(buffer, sizeof(buffer), "too long!", 10, &length);
    CHECK(status == STATUS_BUFFER_TOO_SMALL && length == 0);

    ConformCdecl(41, &result);
    CHECK(result == 42);
    ConformCdecl(41, NULL);
    CHECK(ConformTwice(1) + ConformThrice(1) + ConformQuad(1) + ConformFive(1) + ConformSix(1) == 20);

    __pragma(warning(suppress: 4127))
    try {
        ExRaiseStatus(STATUS_INSUFFICIENT_RESOURCES);
    } except (GetExceptionCode() == STATUS_INSUFFICIENT_RESOURCES ?
              EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH) {
        result = 0;
    }
    CHECK(result == 0);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS
DriverEntry(
    PDRIVER_OBJECT DriverObject,
    PUNICODE_STRING RegistryPath
    )
{
    UNICODE_STRING name;
    PVOID block;

    UNREFERENCED_PARAMETER(RegistryPath);

    if (DriverObject == NULL) {
        return ConformSelfCheck();
    }

#pragma prefast(suppress: 28175, "the driver object's fields are set here")
    DriverObject->DriverUnload = ConformUnload;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = ConformCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = ConformCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = ConformDeviceControl;

    KeInitializeSpinLock(&ConformGlobal.Lock);
    RtlInitUnicodeString(&name, L"\\Device\\Conform");
    block = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, CONFORM_POOL_TAG);
    if (block == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ExFreePoolWithTag(block, CONFORM_POOL_TAG);
    KdPrint(("conform: %wZ\n", &name));
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "conform: loaded\n");
    return STATUS_SUCCESS;
}
