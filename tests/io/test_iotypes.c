/*
 * test_iotypes.c - the I/O structures a driver touches have the Windows
 * x64 layout, and the inline stack-location helpers behave as in the WDK.
 * (iotypes.h also pins these with _Static_assert; this test checks them
 * from a driver's point of view and the helpers' behaviour.)
 */
#include <wdm.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(sizeof(IO_STATUS_BLOCK), 0x10);
    assert_int_equal(sizeof(IRP), 0xd0);
    assert_int_equal(sizeof(IO_STACK_LOCATION), 0x48);
    assert_int_equal(sizeof(MDL), 0x30);
    assert_int_equal(sizeof(DEVICE_OBJECT), 0x150);
    assert_int_equal(sizeof(DRIVER_OBJECT), 0x150);
    assert_int_equal(sizeof(FILE_OBJECT), 0xd8);
    assert_int_equal(sizeof(VPB), 0x60);
    assert_int_equal(sizeof(DEVICE_CAPABILITIES), 0x40);
    assert_int_equal(sizeof(IO_CSQ), 0x40);
    assert_int_equal(sizeof(IO_REMOVE_LOCK), 0x20);
    assert_int_equal(IoSizeOfIrp(3), 0xd0 + 3 * 0x48);
}

static void test_offsets(void **state)
{
    (void)state;
    assert_int_equal(offsetof(IRP, IoStatus), 0x30);
    assert_int_equal(offsetof(IRP, CancelRoutine), 0x68);
    assert_int_equal(offsetof(IRP, Tail.Overlay.CurrentStackLocation), 0xb8);
    assert_int_equal(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.IoControlCode), 0x18);
    assert_int_equal(offsetof(IO_STACK_LOCATION, Parameters.Read.ByteOffset), 0x18);
    assert_int_equal(offsetof(IO_STACK_LOCATION, CompletionRoutine), 0x38);
    assert_int_equal(offsetof(DEVICE_OBJECT, StackSize), 0x4c);
    assert_int_equal(offsetof(DRIVER_OBJECT, MajorFunction), 0x70);
    assert_int_equal(offsetof(FILE_OBJECT, FsContext), 0x18);
}

static void test_ctl_code(void **state)
{
    (void)state;
    ULONG code = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_OUT_DIRECT, FILE_READ_ACCESS);
    assert_int_equal(code, 0x00226002);
    assert_int_equal(DEVICE_TYPE_FROM_CTL_CODE(code), FILE_DEVICE_UNKNOWN);
    assert_int_equal(METHOD_FROM_CTL_CODE(code), METHOD_OUT_DIRECT);
    assert_int_equal(IoGetFunctionCodeFromCtlCode(code), 0x800);
    assert_int_equal(FILE_GENERIC_READ, 0x00120089);
    assert_int_equal(FILE_GENERIC_WRITE, 0x00120116);
    assert_int_equal(FILE_ALL_ACCESS, 0x001f01ff);
}

static NTSTATUS NTAPI dummy_completion(PDEVICE_OBJECT d, PIRP i, PVOID c)
{
    (void)d; (void)i; (void)c;
    return STATUS_SUCCESS;
}

static void test_stack_helpers(void **state)
{
    (void)state;
    union { IRP irp; UCHAR raw[sizeof(IRP) + 3 * sizeof(IO_STACK_LOCATION)]; } u;
    PIRP irp = &u.irp;
    PIO_STACK_LOCATION base = (PIO_STACK_LOCATION)(irp + 1), sp;

    memset(&u, 0, sizeof(u));
    irp->StackCount = 3;
    irp->CurrentLocation = 2;                      /* as if sent once */
    irp->Tail.Overlay.CurrentStackLocation = base + 1;

    assert_ptr_equal(IoGetCurrentIrpStackLocation(irp), base + 1);
    assert_ptr_equal(IoGetNextIrpStackLocation(irp), base + 0);

    sp = IoGetCurrentIrpStackLocation(irp);
    sp->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    sp->Parameters.DeviceIoControl.IoControlCode = 0x1234;
    sp->CompletionRoutine = dummy_completion;     /* must not be copied */
    sp->Control = SL_INVOKE_ON_SUCCESS;
    IoCopyCurrentIrpStackLocationToNext(irp);
    assert_int_equal(base[0].MajorFunction, IRP_MJ_DEVICE_CONTROL);
    assert_int_equal(base[0].Parameters.DeviceIoControl.IoControlCode, 0x1234);
    assert_null(base[0].CompletionRoutine);
    assert_int_equal(base[0].Control, 0);

    IoSetCompletionRoutine(irp, dummy_completion, irp, TRUE, FALSE, TRUE);
    assert_ptr_equal(base[0].CompletionRoutine, dummy_completion);
    assert_ptr_equal(base[0].Context, irp);
    assert_int_equal(base[0].Control, SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_CANCEL);

    IoMarkIrpPending(irp);
    assert_true(base[1].Control & SL_PENDING_RETURNED);

    IoSkipCurrentIrpStackLocation(irp);
    assert_int_equal(irp->CurrentLocation, 3);
    assert_ptr_equal(IoGetNextIrpStackLocation(irp), base + 1);
    IoSetNextIrpStackLocation(irp);
    assert_int_equal(irp->CurrentLocation, 2);
    assert_ptr_equal(IoGetCurrentIrpStackLocation(irp), base + 1);

    assert_null(IoSetCancelRoutine(irp, (PDRIVER_CANCEL)(void *)dummy_completion));
    assert_ptr_equal(IoSetCancelRoutine(irp, NULL), (PDRIVER_CANCEL)(void *)dummy_completion);

    assert_true(IoIsErrorUserInduced(STATUS_DEVICE_NOT_READY));
    assert_false(IoIsErrorUserInduced(STATUS_INVALID_PARAMETER));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_ctl_code),
        cmocka_unit_test(test_stack_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
