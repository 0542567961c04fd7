/*
 * test_irp_stack.c - IRPs through a 3-device stack: dispatch and
 * completion order, the device object each completion routine sees,
 * STATUS_MORE_PROCESSING_REQUIRED, pending propagation, the IoBuild*
 * requests (synchronous with an event, device I/O control per method,
 * asynchronous freed by its completion routine), associated IRPs,
 * IoSetCompletionRoutineEx and IoReuseIrp.
 */
#include "io_test.h"
#include <pthread.h>

enum { EV_DISPATCH = 1, EV_COMPLETION, EV_ORIGIN };
struct event { int kind, index; PDEVICE_OBJECT dev; BOOLEAN pending; };

static struct event events[32];
static int nevents;
static struct test_dev devs[3];
static enum { BOTTOM_COMPLETE, BOTTOM_PEND } bottom_mode;
static NTSTATUS bottom_status;
static PIRP pended_irp;
static int mpr_index = -1;
static PIRP mpr_irp;

static void log_event(int kind, int index, PDEVICE_OBJECT dev, BOOLEAN pending)
{
    assert_true(nevents < 32);
    events[nevents++] = (struct event){ kind, index, dev, pending };
}

static NTSTATUS NTAPI filter_completion(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    struct test_dev *t = ctx;
    log_event(EV_COMPLETION, t->index, d, irp->PendingReturned);
    if (t->index == mpr_index) {
        mpr_irp = irp;
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    if (irp->PendingReturned)
        IoMarkIrpPending(irp);
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS NTAPI stack_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    struct test_dev *t = test_dev_of(d);
    assert_ptr_equal(IoGetCurrentIrpStackLocation(irp)->DeviceObject, d);
    log_event(EV_DISPATCH, t->index, d, FALSE);
    if (t->lower) {
        IoCopyCurrentIrpStackLocationToNext(irp);
        IoSetCompletionRoutine(irp, filter_completion, t, TRUE, TRUE, TRUE);
        return IoCallDriver(t->lower, irp);
    }
    if (bottom_mode == BOTTOM_PEND) {
        IoMarkIrpPending(irp);
        pended_irp = irp;
        return STATUS_PENDING;
    }
    irp->IoStatus.Status = bottom_status;
    irp->IoStatus.Information = 7;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return bottom_status;
}

static NTSTATUS NTAPI origin_completion(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    (void)ctx;
    log_event(EV_ORIGIN, -1, d, irp->PendingReturned);
    return STATUS_MORE_PROCESSING_REQUIRED;   /* the test frees it */
}

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        test_dev_init(&devs[i], i, (CCHAR)(i + 1), stack_dispatch);
    devs[2].lower = &devs[1].dev;
    devs[1].lower = &devs[0].dev;
    devs[0].dev.AttachedDevice = &devs[1].dev;
    devs[1].dev.AttachedDevice = &devs[2].dev;
    nevents = 0;
    bottom_mode = BOTTOM_COMPLETE;
    bottom_status = STATUS_SUCCESS;
    pended_irp = NULL;
    mpr_index = -1;
    mpr_irp = NULL;
    return 0;
}

static PIRP new_read_irp(void)
{
    PIRP irp = IoAllocateIrp(devs[2].dev.StackSize, FALSE);
    assert_non_null(irp);
    assert_int_equal(irp->StackCount, 3);
    assert_int_equal(irp->CurrentLocation, 4);
    PIO_STACK_LOCATION sp = IoGetNextIrpStackLocation(irp);
    sp->MajorFunction = IRP_MJ_READ;
    IoSetCompletionRoutine(irp, origin_completion, NULL, TRUE, TRUE, TRUE);
    return irp;
}

static void expect_completion_chain(int first, BOOLEAN pending)
{
    /* dispatch top -> bottom, then completion bottom-up: the routine set
     * by device i runs with device i; the originator's with NULL. */
    int e = 0;
    for (int i = 2; i >= 0; i--, e++) {
        assert_int_equal(events[e].kind, EV_DISPATCH);
        assert_int_equal(events[e].index, i);
    }
    e = first;
    for (int i = 1; i <= 2; i++, e++) {
        assert_int_equal(events[e].kind, EV_COMPLETION);
        assert_int_equal(events[e].index, i);
        assert_ptr_equal(events[e].dev, &devs[i].dev);
        assert_int_equal(events[e].pending, pending);
    }
    assert_int_equal(events[e].kind, EV_ORIGIN);
    assert_null(events[e].dev);
    assert_int_equal(events[e].pending, pending);
    assert_int_equal(nevents, e + 1);
}

static void test_sync_completion_order(void **state)
{
    (void)state;
    PIRP irp = new_read_irp();
    assert_int_equal(IoCallDriver(&devs[2].dev, irp), STATUS_SUCCESS);
    expect_completion_chain(3, FALSE);
    assert_int_equal(irp->IoStatus.Information, 7);
    IoFreeIrp(irp);
}

static void test_pending_propagates(void **state)
{
    (void)state;
    bottom_mode = BOTTOM_PEND;
    PIRP irp = new_read_irp();
    assert_int_equal(IoCallDriver(&devs[2].dev, irp), STATUS_PENDING);
    assert_int_equal(nevents, 3);               /* nothing completed yet */
    assert_ptr_equal(pended_irp, irp);
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    expect_completion_chain(3, TRUE);
    IoFreeIrp(irp);
}

static void test_more_processing_required(void **state)
{
    (void)state;
    mpr_index = 1;
    PIRP irp = new_read_irp();
    assert_int_equal(IoCallDriver(&devs[2].dev, irp), STATUS_SUCCESS);
    /* completion stopped at the middle device's routine */
    assert_int_equal(nevents, 4);
    assert_int_equal(events[3].index, 1);
    assert_ptr_equal(mpr_irp, irp);
    assert_int_equal(irp->CurrentLocation, 2);   /* the middle device's location */
    /* the middle driver owns it again and completes it once more */
    mpr_index = -1;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    assert_int_equal(nevents, 6);
    assert_int_equal(events[4].index, 2);
    assert_ptr_equal(events[4].dev, &devs[2].dev);
    assert_int_equal(events[5].kind, EV_ORIGIN);
    IoFreeIrp(irp);
}

static int success_only_calls;
static NTSTATUS NTAPI success_only(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    (void)d; (void)irp; (void)ctx;
    success_only_calls++;
    return STATUS_CONTINUE_COMPLETION;
}

static void test_invoke_flags(void **state)
{
    (void)state;
    KEVENT ev;
    IO_STATUS_BLOCK iosb;
    bottom_status = STATUS_UNSUCCESSFUL;
    PIRP irp = IoAllocateIrp(1, FALSE);
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    irp->UserEvent = &ev;
    irp->UserIosb = &iosb;
    IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_WRITE;
    success_only_calls = 0;
    IoSetCompletionRoutine(irp, success_only, NULL, TRUE, FALSE, FALSE);
    assert_int_equal(IoCallDriver(&devs[0].dev, irp), STATUS_UNSUCCESSFUL);
    assert_int_equal(success_only_calls, 0);      /* error: not invoked */
    /* a driver-allocated IRP that completes to the top: IOSB and event set */
    assert_int_equal(KeReadStateEvent(&ev), 1);
    assert_int_equal(iosb.Status, STATUS_UNSUCCESSFUL);
    IoFreeIrp(irp);
}

static void test_no_dispatch_routine(void **state)
{
    (void)state;
    struct test_dev empty;
    test_dev_init(&empty, 0, 1, NULL);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;
    IoSetCompletionRoutine(irp, origin_completion, NULL, TRUE, TRUE, TRUE);
    assert_int_equal(IoCallDriver(&empty.dev, irp), STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(irp->IoStatus.Status, STATUS_INVALID_DEVICE_REQUEST);
    IoFreeIrp(irp);
}

/* ---- IoBuild* ------------------------------------------------------------ */

static struct test_dev bdev;
static PIRP async_pended;
static BOOLEAN bdev_pend;

static NTSTATUS NTAPI buffered_read_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    (void)d;
    if (sp->MajorFunction == IRP_MJ_READ) {
        assert_true(irp->Flags & IRP_BUFFERED_IO);
        assert_non_null(irp->AssociatedIrp.SystemBuffer);
        assert_int_equal(sp->Parameters.Read.Length, 16);
        assert_int_equal(sp->Parameters.Read.ByteOffset.QuadPart, 512);
        memset(irp->AssociatedIrp.SystemBuffer, 0xab, 16);
        irp->IoStatus.Information = 10;            /* only 10 bytes are data */
    }
    irp->IoStatus.Status = STATUS_SUCCESS;
    if (bdev_pend) {
        IoMarkIrpPending(irp);
        async_pended = irp;
        return STATUS_PENDING;
    }
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void *complete_later(void *arg)
{
    (void)arg;
    usleep(20000);
    IoCompleteRequest(async_pended, IO_DISK_INCREMENT);
    return NULL;
}

static void test_build_synchronous_fsd(void **state)
{
    (void)state;
    UCHAR buf[16];
    KEVENT ev;
    IO_STATUS_BLOCK iosb = { .Status = -1 };
    LARGE_INTEGER off = { .QuadPart = 512 };
    pthread_t th;

    test_dev_init(&bdev, 0, 1, buffered_read_dispatch);
    bdev.dev.Flags = DO_BUFFERED_IO;
    for (int pend = 0; pend <= 1; pend++) {
        memset(buf, 0, sizeof(buf));
        bdev_pend = (BOOLEAN)pend;
        KeInitializeEvent(&ev, NotificationEvent, FALSE);
        PIRP irp = IoBuildSynchronousFsdRequest(IRP_MJ_READ, &bdev.dev, buf, sizeof(buf), &off,
                                                &ev, &iosb);
        assert_non_null(irp);
        assert_ptr_equal(irp->Tail.Overlay.Thread, PsGetCurrentThread());
        assert_int_equal(irp->RequestorMode, KernelMode);
        NTSTATUS st = IoCallDriver(&bdev.dev, irp);
        if (pend) {
            assert_int_equal(st, STATUS_PENDING);
            assert_int_equal(pthread_create(&th, NULL, complete_later, NULL), 0);
            assert_int_equal(KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL),
                             STATUS_SUCCESS);
            pthread_join(th, NULL);
        } else {
            assert_int_equal(st, STATUS_SUCCESS);
            assert_int_equal(KeReadStateEvent(&ev), 1);
        }
        assert_int_equal(iosb.Status, STATUS_SUCCESS);
        assert_int_equal(iosb.Information, 10);
        assert_int_equal(buf[0], 0xab);
        assert_int_equal(buf[9], 0xab);
        assert_int_equal(buf[10], 0);     /* copy-out stops at Information */
    }
    bdev_pend = FALSE;
}

#define IOCTL_T_BUFFERED CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_T_OUT      CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_T_NEITHER  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_NEITHER, FILE_ANY_ACCESS)

static UCHAR k_in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, k_out[32];

static NTSTATUS NTAPI ioctl_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    (void)d;
    assert_int_equal(sp->MajorFunction, IRP_MJ_DEVICE_CONTROL);
    assert_int_equal(sp->Parameters.DeviceIoControl.InputBufferLength, sizeof(k_in));
    assert_int_equal(sp->Parameters.DeviceIoControl.OutputBufferLength, sizeof(k_out));
    PUCHAR out;
    switch (sp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_T_BUFFERED:
        assert_memory_equal(irp->AssociatedIrp.SystemBuffer, k_in, sizeof(k_in));
        out = irp->AssociatedIrp.SystemBuffer;
        break;
    case IOCTL_T_OUT:
        assert_memory_equal(irp->AssociatedIrp.SystemBuffer, k_in, sizeof(k_in));
        assert_non_null(irp->MdlAddress);
        assert_int_equal(MmGetMdlByteCount(irp->MdlAddress), sizeof(k_out));
        assert_ptr_equal(MmGetMdlVirtualAddress(irp->MdlAddress), k_out);
        out = MmGetSystemAddressForMdlSafe(irp->MdlAddress, NormalPagePriority);
        break;
    default:
        assert_ptr_equal(sp->Parameters.DeviceIoControl.Type3InputBuffer, k_in);
        assert_ptr_equal(irp->UserBuffer, k_out);
        out = irp->UserBuffer;
        break;
    }
    memset(out, 0x5a, 20);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 20;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void test_build_device_io_control(void **state)
{
    (void)state;
    static const ULONG codes[] = { IOCTL_T_BUFFERED, IOCTL_T_OUT, IOCTL_T_NEITHER };
    KEVENT ev;
    IO_STATUS_BLOCK iosb;
    test_dev_init(&bdev, 0, 2, ioctl_dispatch);
    for (unsigned i = 0; i < 3; i++) {
        memset(k_out, 0, sizeof(k_out));
        KeInitializeEvent(&ev, NotificationEvent, FALSE);
        PIRP irp = IoBuildDeviceIoControlRequest(codes[i], &bdev.dev, k_in, sizeof(k_in), k_out,
                                                 sizeof(k_out), FALSE, &ev, &iosb);
        assert_non_null(irp);
        assert_int_equal(irp->StackCount, 2);
        assert_int_equal(IoCallDriver(&bdev.dev, irp), STATUS_SUCCESS);
        assert_int_equal(KeReadStateEvent(&ev), 1);
        assert_int_equal(iosb.Information, 20);
        assert_int_equal(k_out[19], 0x5a);
        assert_int_equal(k_out[20], 0);
    }
}

static int async_routine_calls;
static NTSTATUS NTAPI async_free_completion(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    (void)d;
    async_routine_calls++;
    *(NTSTATUS *)ctx = irp->IoStatus.Status;
    if (irp->MdlAddress) {
        MmUnlockPages(irp->MdlAddress);
        IoFreeMdl(irp->MdlAddress);
        irp->MdlAddress = NULL;
    }
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS NTAPI direct_write_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    assert_non_null(irp->MdlAddress);
    assert_true(irp->MdlAddress->MdlFlags & MDL_PAGES_LOCKED);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = MmGetMdlByteCount(irp->MdlAddress);
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void test_build_asynchronous_fsd(void **state)
{
    (void)state;
    static UCHAR data[3000];
    NTSTATUS seen = -1;
    test_dev_init(&bdev, 0, 1, direct_write_dispatch);
    bdev.dev.Flags = DO_DIRECT_IO;
    PIRP irp = IoBuildAsynchronousFsdRequest(IRP_MJ_WRITE, &bdev.dev, data, sizeof(data), NULL,
                                             NULL);
    assert_non_null(irp);
    IoSetCompletionRoutine(irp, async_free_completion, &seen, TRUE, TRUE, TRUE);
    async_routine_calls = 0;
    assert_int_equal(IoCallDriver(&bdev.dev, irp), STATUS_SUCCESS);
    assert_int_equal(async_routine_calls, 1);
    assert_int_equal(seen, STATUS_SUCCESS);
}

/* ---- associated IRPs ------------------------------------------------------ */

static NTSTATUS NTAPI pend_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    IoMarkIrpPending(irp);
    return STATUS_PENDING;
}

static void test_associated_irps(void **state)
{
    (void)state;
    KEVENT ev;
    IO_STATUS_BLOCK iosb;
    test_dev_init(&bdev, 0, 1, pend_dispatch);
    PIRP master = IoAllocateIrp(1, FALSE);
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    master->UserEvent = &ev;
    master->UserIosb = &iosb;
    master->IoStatus.Status = STATUS_SUCCESS;
    master->IoStatus.Information = 99;
    PIRP a = IoMakeAssociatedIrp(master, 1), b = IoMakeAssociatedIrp(master, 1);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a->Flags & IRP_ASSOCIATED_IRP);
    assert_ptr_equal(a->AssociatedIrp.MasterIrp, master);
    master->AssociatedIrp.IrpCount = 2;
    IoGetNextIrpStackLocation(a)->MajorFunction = IRP_MJ_READ;
    IoGetNextIrpStackLocation(b)->MajorFunction = IRP_MJ_READ;
    assert_int_equal(IoCallDriver(&bdev.dev, a), STATUS_PENDING);
    assert_int_equal(IoCallDriver(&bdev.dev, b), STATUS_PENDING);
    a->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(a, IO_NO_INCREMENT);
    assert_int_equal(KeReadStateEvent(&ev), 0);     /* one associated IRP left */
    b->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(b, IO_NO_INCREMENT);
    assert_int_equal(KeReadStateEvent(&ev), 1);     /* master completed */
    assert_int_equal(iosb.Information, 99);
    IoFreeIrp(master);
}

/* ---- IoSetCompletionRoutineEx, IoReuseIrp ----------------------------------- */

static int ex_calls;
static NTSTATUS NTAPI ex_routine(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    (void)d; (void)irp;
    assert_ptr_equal(ctx, &ex_calls);
    ex_calls++;
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static void test_completion_routine_ex_and_reuse(void **state)
{
    (void)state;
    PIRP irp = IoAllocateIrp(devs[0].dev.StackSize, FALSE);
    for (int round = 0; round < 3; round++) {
        bottom_status = round == 1 ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
        IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;
        assert_int_equal(IoSetCompletionRoutineEx(&devs[0].dev, irp, ex_routine, &ex_calls,
                                                  TRUE, FALSE, FALSE), STATUS_SUCCESS);
        int before = ex_calls;
        IoCallDriver(&devs[0].dev, irp);
        /* on success the routine runs; on error it does not (and its
         * context is still released: ASan would report a leak) */
        assert_int_equal(ex_calls, before + (round == 1 ? 0 : 1));
        IoReuseIrp(irp, STATUS_SUCCESS);
        assert_int_equal(irp->CurrentLocation, irp->StackCount + 1);
        assert_null(IoGetNextIrpStackLocation(irp)->CompletionRoutine);
    }
    IoFreeIrp(irp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sync_completion_order, setup),
        cmocka_unit_test_setup(test_pending_propagates, setup),
        cmocka_unit_test_setup(test_more_processing_required, setup),
        cmocka_unit_test_setup(test_invoke_flags, setup),
        cmocka_unit_test_setup(test_no_dispatch_routine, setup),
        cmocka_unit_test_setup(test_build_synchronous_fsd, setup),
        cmocka_unit_test_setup(test_build_device_io_control, setup),
        cmocka_unit_test_setup(test_build_asynchronous_fsd, setup),
        cmocka_unit_test_setup(test_associated_irps, setup),
        cmocka_unit_test_setup(test_completion_routine_ex_and_reuse, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
