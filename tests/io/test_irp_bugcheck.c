/*
 * test_irp_bugcheck.c - driver misuse of IRPs stops the system with the
 * Windows bug check (each case in a forked child, checked by its report):
 * no stack location left (0x35), completing twice (0x44), completing with
 * STATUS_PENDING (0x44), completing with a cancel routine set (0x48),
 * completing above DISPATCH_LEVEL (0xA), freeing an IRP twice (0xC2).
 */
#include "io_test.h"

static struct test_dev dev;

static NTSTATUS NTAPI complete_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI complete_twice_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI pass_down_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    /* forwards to itself: a stack deeper than the IRP's StackSize */
    IoSkipCurrentIrpStackLocation(irp);
    IoSetNextIrpStackLocation(irp);
    IoCopyCurrentIrpStackLocationToNext(irp);
    return IoCallDriver(d, irp);
}

static void send(PDRIVER_DISPATCH fn, CCHAR stack)
{
    test_dev_init(&dev, 0, stack, fn);
    PIRP irp = IoAllocateIrp(stack, FALSE);
    IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;
    IoCallDriver(&dev.dev, irp);
}

static void misuse_no_stack(void) { send(pass_down_dispatch, 2); }
static void misuse_complete_twice(void) { send(complete_twice_dispatch, 1); }

static void misuse_complete_threaded_twice(void)
{
    /* a threaded IRP is freed by its first completion */
    KEVENT ev;
    IO_STATUS_BLOCK iosb;
    test_dev_init(&dev, 0, 1, complete_dispatch);
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    PIRP irp = IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, &dev.dev, NULL, 0, NULL, &ev,
                                            &iosb);
    IoCallDriver(&dev.dev, irp);
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static NTSTATUS NTAPI pending_status_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    irp->IoStatus.Status = STATUS_PENDING;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_PENDING;
}
static void misuse_complete_pending(void) { send(pending_status_dispatch, 1); }

static void NTAPI some_cancel(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    IoReleaseCancelSpinLock(irp->CancelIrql);
}

static NTSTATUS NTAPI cancel_set_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    IoSetCancelRoutine(irp, some_cancel);
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
static void misuse_cancel_routine_set(void) { send(cancel_set_dispatch, 1); }

static NTSTATUS NTAPI high_irql_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    KIRQL old;
    KeRaiseIrql(HIGH_LEVEL, &old);
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
static void misuse_high_irql(void) { send(high_irql_dispatch, 1); }

static void misuse_free_twice(void)
{
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoFreeIrp(irp);
    IoFreeIrp(irp);
}

static void test_no_more_stack_locations(void **s) { (void)s; expect_bugcheck(0x35, misuse_no_stack); }
static void test_complete_twice(void **s) { (void)s; expect_bugcheck(0x44, misuse_complete_twice); }
static void test_complete_freed(void **s) { (void)s; expect_bugcheck(0x44, misuse_complete_threaded_twice); }
static void test_complete_pending(void **s)
{
    (void)s;
    expect_bugcheck_p(0x44, "\"0x103\"", misuse_complete_pending);
}
static void test_cancel_routine_set(void **s) { (void)s; expect_bugcheck(0x48, misuse_cancel_routine_set); }
static void test_high_irql(void **s) { (void)s; expect_bugcheck(0x0A, misuse_high_irql); }
static void test_free_twice(void **s) { (void)s; expect_bugcheck(0xC2, misuse_free_twice); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_more_stack_locations),
        cmocka_unit_test(test_complete_twice),
        cmocka_unit_test(test_complete_freed),
        cmocka_unit_test(test_complete_pending),
        cmocka_unit_test(test_cancel_routine_set),
        cmocka_unit_test(test_high_irql),
        cmocka_unit_test(test_free_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
