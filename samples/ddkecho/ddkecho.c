/*
 * ddkecho_drv.c - the WDM driver of `make demo`, written here in the style
 * of a Windows sample.
 *
 * A control device \Device\DdkEcho (\\.\DdkEcho): writes are kept in a
 * pool buffer; reads pend in a cancel-safe queue and are completed from a
 * DPC when a one-shot timer fires; an IOCTL returns the greeting that the
 * "installer" wrote under the service's Parameters key; another IOCTL
 * completes its IRP twice on purpose, which Windows (and OpenDDK) stops
 * with bug check 0x44.
 */
#include <ntddk.h>
#include <ntstrsafe.h>

#define ECHO_TAG 'ohcE'
#define IOCTL_DDKECHO_GET_GREETING \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_READ_ACCESS)
#define IOCTL_DDKECHO_DOUBLE_COMPLETE \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _ECHO_EXTENSION {
    IO_CSQ Csq;
    LIST_ENTRY PendingReads;
    KSPIN_LOCK Lock;          /* guards PendingReads, Data, DataLength */
    PUCHAR Data;
    ULONG DataLength;
    KTIMER Timer;
    KDPC Dpc;
    WCHAR Greeting[64];
} ECHO_EXTENSION, *PECHO_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD EchoUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) _Dispatch_type_(IRP_MJ_CLEANUP)
static DRIVER_DISPATCH EchoCreateClose;
static DRIVER_DISPATCH EchoRead;
static DRIVER_DISPATCH EchoWrite;
static DRIVER_DISPATCH EchoDeviceControl;
static KDEFERRED_ROUTINE EchoTimerDpc;

static PDEVICE_OBJECT EchoDevice;

static VOID CsqInsert(PIO_CSQ Csq, PIRP Irp)
{
    PECHO_EXTENSION ext = CONTAINING_RECORD(Csq, ECHO_EXTENSION, Csq);
    InsertTailList(&ext->PendingReads, &Irp->Tail.Overlay.ListEntry);
}

static VOID CsqRemove(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

static PIRP CsqPeekNext(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
    PECHO_EXTENSION ext = CONTAINING_RECORD(Csq, ECHO_EXTENSION, Csq);
    PLIST_ENTRY next = Irp ? Irp->Tail.Overlay.ListEntry.Flink : ext->PendingReads.Flink;
    UNREFERENCED_PARAMETER(PeekContext);
    if (next == &ext->PendingReads)
        return NULL;
    return CONTAINING_RECORD(next, IRP, Tail.Overlay.ListEntry);
}

_IRQL_raises_(DISPATCH_LEVEL)
static VOID CsqAcquire(PIO_CSQ Csq, PKIRQL Irql)
{
    PECHO_EXTENSION ext = CONTAINING_RECORD(Csq, ECHO_EXTENSION, Csq);
    KeAcquireSpinLock(&ext->Lock, Irql);
}

static VOID CsqRelease(PIO_CSQ Csq, KIRQL Irql)
{
    PECHO_EXTENSION ext = CONTAINING_RECORD(Csq, ECHO_EXTENSION, Csq);
    KeReleaseSpinLock(&ext->Lock, Irql);
}

static VOID CsqCompleteCanceled(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static NTSTATUS EchoReadGreeting(PUNICODE_STRING RegistryPath, PECHO_EXTENSION ext)
{
    UNICODE_STRING greeting;
    RTL_QUERY_REGISTRY_TABLE table[2];
    WCHAR path[256];
    NTSTATUS status;

    status = RtlStringCbPrintfW(path, sizeof(path), L"%wZ\\Parameters", RegistryPath);
    if (!NT_SUCCESS(status))
        return status;
    RtlZeroMemory(table, sizeof(table));
    greeting.Buffer = ext->Greeting;
    greeting.Length = 0;
    greeting.MaximumLength = sizeof(ext->Greeting);
    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
    table[0].Name = L"Greeting";
    table[0].EntryContext = &greeting;
    return RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, path, table, NULL, NULL);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\DdkEcho");
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\DdkEcho");
    PECHO_EXTENSION ext;
    NTSTATUS status;

    KdPrint(("ddkecho: DriverEntry %wZ\n", RegistryPath));
    status = IoCreateDevice(DriverObject, sizeof(ECHO_EXTENSION), &name, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &EchoDevice);
    if (!NT_SUCCESS(status))
        return status;
    ext = EchoDevice->DeviceExtension;
    InitializeListHead(&ext->PendingReads);
    KeInitializeSpinLock(&ext->Lock);
    KeInitializeTimer(&ext->Timer);
    KeInitializeDpc(&ext->Dpc, EchoTimerDpc, ext);
    IoCsqInitialize(&ext->Csq, CsqInsert, CsqRemove, CsqPeekNext, CsqAcquire, CsqRelease,
                    CsqCompleteCanceled);
    status = EchoReadGreeting(RegistryPath, ext);
    if (!NT_SUCCESS(status))
        RtlStringCbCopyW(ext->Greeting, sizeof(ext->Greeting), L"(no greeting)");

    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(EchoDevice);
        return status;
    }
    EchoDevice->Flags |= DO_BUFFERED_IO;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = EchoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = EchoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = EchoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_READ] = EchoRead;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = EchoWrite;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = EchoDeviceControl;
    DriverObject->DriverUnload = EchoUnload;
    EchoDevice->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static VOID EchoUnload(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\DdkEcho");
    PECHO_EXTENSION ext = EchoDevice->DeviceExtension;
    UNREFERENCED_PARAMETER(DriverObject);

    KeCancelTimer(&ext->Timer);
    KeFlushQueuedDpcs();
    if (ext->Data)
        ExFreePoolWithTag(ext->Data, ECHO_TAG);
    IoDeleteSymbolicLink(&link);
    IoDeleteDevice(EchoDevice);
}

static NTSTATUS EchoCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PECHO_EXTENSION ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PIRP pending;

    if (sp->MajorFunction == IRP_MJ_CLEANUP) {
        /* The handle went away: fail the reads it left behind. */
        while ((pending = IoCsqRemoveNextIrp(&ext->Csq, sp->FileObject)) != NULL) {
            pending->IoStatus.Status = STATUS_CANCELLED;
            pending->IoStatus.Information = 0;
            IoCompleteRequest(pending, IO_NO_INCREMENT);
        }
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS EchoWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PECHO_EXTENSION ext = DeviceObject->DeviceExtension;
    ULONG length = IoGetCurrentIrpStackLocation(Irp)->Parameters.Write.Length;
    PUCHAR copy = NULL, old;
    KIRQL irql;

    if (length) {
        copy = ExAllocatePool2(POOL_FLAG_NON_PAGED, length, ECHO_TAG);
        if (!copy) {
            Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        RtlCopyMemory(copy, Irp->AssociatedIrp.SystemBuffer, length);
    }
    KeAcquireSpinLock(&ext->Lock, &irql);
    old = ext->Data;
    ext->Data = copy;
    ext->DataLength = length;
    KeReleaseSpinLock(&ext->Lock, irql);
    if (old)
        ExFreePoolWithTag(old, ECHO_TAG);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = length;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS EchoRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PECHO_EXTENSION ext = DeviceObject->DeviceExtension;
    LARGE_INTEGER due;

    /* Reads complete later, from the timer's DPC. */
    IoCsqInsertIrp(&ext->Csq, Irp, NULL);
    due.QuadPart = -10 * 1000 * 5; /* 5 ms, relative */
    KeSetTimer(&ext->Timer, due, &ext->Dpc);
    return STATUS_PENDING;
}

static VOID EchoTimerDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PECHO_EXTENSION ext = Context;
    PIRP irp;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);

    NT_ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL);
    while ((irp = IoCsqRemoveNextIrp(&ext->Csq, NULL)) != NULL) {
        ULONG want = IoGetCurrentIrpStackLocation(irp)->Parameters.Read.Length;
        ULONG n;
        KeAcquireSpinLockAtDpcLevel(&ext->Lock);
        n = min(want, ext->DataLength);
        if (n)
            RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, ext->Data, n);
        KeReleaseSpinLockFromDpcLevel(&ext->Lock);
        irp->IoStatus.Status = STATUS_SUCCESS;
        irp->IoStatus.Information = n;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
    }
}

static NTSTATUS EchoDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PECHO_EXTENSION ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    ULONG outLen = sp->Parameters.DeviceIoControl.OutputBufferLength;
    NTSTATUS status = STATUS_SUCCESS;
    size_t bytes = 0;

    switch (sp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_DDKECHO_GET_GREETING:
        status = RtlStringCbLengthW(ext->Greeting, sizeof(ext->Greeting), &bytes);
        if (NT_SUCCESS(status)) {
            bytes += sizeof(WCHAR);
            if (outLen < bytes) {
                status = STATUS_BUFFER_TOO_SMALL;
                bytes = 0;
            } else {
                RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, ext->Greeting, bytes);
            }
        }
        break;
    case IOCTL_DDKECHO_DOUBLE_COMPLETE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        /* Driver bug, on purpose: */
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = bytes;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
