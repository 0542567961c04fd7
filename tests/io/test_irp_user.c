/*
 * test_irp_user.c - the I/O manager's user-request path (io_user_request)
 * through a 3-device stack: METHOD_BUFFERED, IN_DIRECT, OUT_DIRECT and
 * NEITHER IOCTLs, reads and writes for buffered, direct and neither
 * devices, ProbeForRead/ProbeForWrite against the registered caller
 * buffers (with __try/__except), Information clamping, pending requests
 * completed from another thread (waiting and call-back), and the IRP's
 * reference on the file object.
 */
#include "io_test.h"
#include "io/iop.h"
#include "ob/ob.h"
#include <pthread.h>

#define IOCTL_BUF      CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IN       CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_OUT      CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_NEITHER  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_BADPROBE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x804, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_MISALIGN CTL_CODE(FILE_DEVICE_UNKNOWN, 0x805, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_OVERFLOW CTL_CODE(FILE_DEVICE_UNKNOWN, 0x806, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_PEND     CTL_CODE(FILE_DEVICE_UNKNOWN, 0x807, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_WAIT     CTL_CODE(FILE_DEVICE_UNKNOWN, 0x808, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_RAISE    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x809, METHOD_NEITHER, FILE_ANY_ACCESS)

static volatile LONG waiting_irps;

static void NTAPI wait_cancel(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    __atomic_sub_fetch(&waiting_irps, 1, __ATOMIC_RELEASE);
    irp->IoStatus.Status = STATUS_CANCELLED;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static struct test_dev devs[3];
static PFILE_OBJECT file;
static PIRP pended;
static UCHAR kernel_only[64];      /* never handed to a request */

static NTSTATUS complete(PIRP irp, NTSTATUS st, ULONG_PTR info)
{
    irp->IoStatus.Status = st;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

static NTSTATUS NTAPI filter_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    struct test_dev *t = test_dev_of(d);
    assert_int_equal(irp->RequestorMode, UserMode);
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(t->lower, irp);
}

static NTSTATUS bottom_ioctl(PIRP irp, PIO_STACK_LOCATION sp)
{
    ULONG in_len = sp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out_len = sp->Parameters.DeviceIoControl.OutputBufferLength;
    PUCHAR sb = irp->AssociatedIrp.SystemBuffer;

    switch (sp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_BUF:
        /* input arrived in the system buffer; answer in the same buffer */
        assert_true(irp->Flags & IRP_BUFFERED_IO);
        assert_int_equal(sb[0], 'i');
        for (ULONG i = 0; i < out_len; i++)
            sb[i] = (UCHAR)('A' + i % 26);
        return complete(irp, STATUS_SUCCESS, out_len / 2);
    case IOCTL_IN: {
        /* IN_DIRECT: the "output" buffer carries data to the device */
        assert_int_equal(sb[0], 'i');
        PUCHAR p = MmGetSystemAddressForMdlSafe(irp->MdlAddress, NormalPagePriority);
        assert_non_null(p);
        assert_int_equal(MmGetMdlByteCount(irp->MdlAddress), out_len);
        assert_int_equal(p[0], 'o');
        return complete(irp, STATUS_SUCCESS, 0);
    }
    case IOCTL_OUT: {
        assert_int_equal(sb[0], 'i');
        assert_true(irp->MdlAddress->MdlFlags & MDL_WRITE_OPERATION);
        PUCHAR p = MmGetSystemAddressForMdlSafe(irp->MdlAddress, NormalPagePriority);
        memset(p, 'm', out_len);
        return complete(irp, STATUS_SUCCESS, out_len);
    }
    case IOCTL_NEITHER: {
        volatile NTSTATUS st = STATUS_SUCCESS;
        PUCHAR in = sp->Parameters.DeviceIoControl.Type3InputBuffer;
        PUCHAR out = irp->UserBuffer;
        __try {
            ProbeForRead(in, in_len, 1);
            ProbeForWrite(out, out_len, 1);
            memcpy(out, in, in_len < out_len ? in_len : out_len);
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            st = GetExceptionCode();
        }
        return complete(irp, st, NT_SUCCESS(st) ? (in_len < out_len ? in_len : out_len) : 0);
    }
    case IOCTL_BADPROBE:
    case IOCTL_MISALIGN: {
        volatile NTSTATUS st = STATUS_SUCCESS;
        __try {
            if (sp->Parameters.DeviceIoControl.IoControlCode == IOCTL_BADPROBE)
                ProbeForWrite(kernel_only, sizeof(kernel_only), 1);
            else
                ProbeForRead((PUCHAR)irp->UserBuffer + 1, 4, 4);
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            st = GetExceptionCode();
        }
        return complete(irp, st, 0);
    }
    case IOCTL_RAISE:
        /* completes, then lets an exception escape its dispatch routine */
        complete(irp, STATUS_SUCCESS, 0);
        ExRaiseStatus(STATUS_INVALID_PARAMETER_2);
    case IOCTL_OVERFLOW:
        return complete(irp, STATUS_SUCCESS, out_len + 100);
    case IOCTL_PEND:
        IoMarkIrpPending(irp);
        pended = irp;
        return STATUS_PENDING;
    case IOCTL_WAIT:
        /* waits forever unless cancelled (the legacy cancel pattern) */
        IoMarkIrpPending(irp);
        __atomic_add_fetch(&waiting_irps, 1, __ATOMIC_RELEASE);
        IoSetCancelRoutine(irp, wait_cancel);
        if (irp->Cancel && IoSetCancelRoutine(irp, NULL)) {
            __atomic_sub_fetch(&waiting_irps, 1, __ATOMIC_RELEASE);
            complete(irp, STATUS_CANCELLED, 0);
        }
        return STATUS_PENDING;
    }
    return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

static NTSTATUS NTAPI bottom_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    assert_ptr_equal(sp->FileObject, file);
    assert_ptr_equal(irp->Tail.Overlay.OriginalFileObject, file);
    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL)
        return bottom_ioctl(irp, sp);

    ULONG len = sp->Parameters.Read.Length;
    PUCHAR p;
    if (d->Flags & DO_BUFFERED_IO)
        p = irp->AssociatedIrp.SystemBuffer;
    else if (d->Flags & DO_DIRECT_IO)
        p = MmGetSystemAddressForMdlSafe(irp->MdlAddress, NormalPagePriority);
    else
        p = irp->UserBuffer;
    assert_non_null(p);
    if (sp->MajorFunction == IRP_MJ_READ) {
        assert_int_equal(sp->Parameters.Read.ByteOffset.QuadPart, 4096);
        memset(p, 'r', len);
        return complete(irp, STATUS_SUCCESS, len - 1);
    }
    assert_int_equal(sp->MajorFunction, IRP_MJ_WRITE);
    assert_int_equal(p[0], 'w');
    return complete(irp, STATUS_SUCCESS, len);
}

static POBJECT_TYPE test_file_type;

static int setup(void **state)
{
    (void)state;
    test_dev_init(&devs[0], 0, 1, bottom_dispatch);
    test_dev_init(&devs[1], 1, 2, filter_dispatch);
    test_dev_init(&devs[2], 2, 3, filter_dispatch);
    devs[1].lower = &devs[0].dev;
    devs[2].lower = &devs[1].dev;
    devs[0].dev.AttachedDevice = &devs[1].dev;
    devs[1].dev.AttachedDevice = &devs[2].dev;
    if (!test_file_type)
        test_file_type = ob_create_type("IoTestFile", NULL, FILE_ALL_ACCESS);
    assert_non_null(test_file_type);
    assert_int_equal(ob_create_object(test_file_type, sizeof(FILE_OBJECT), 0, NULL,
                                      (void **)&file), STATUS_SUCCESS);
    file->Type = IO_TYPE_FILE;
    file->Size = sizeof(FILE_OBJECT);
    file->DeviceObject = &devs[0].dev;     /* the device opened: bottom */
    pended = NULL;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ob_dereference(file);
    return 0;
}

static NTSTATUS ioctl(ULONG code, PVOID in, ULONG in_len, PVOID out, ULONG out_len,
                      PIO_STATUS_BLOCK iosb)
{
    struct io_user_params p = {
        .major = IRP_MJ_DEVICE_CONTROL, .ioctl = code, .in = in, .in_len = in_len,
        .out = out, .out_len = out_len, .mode = UserMode,
    };
    return io_user_request(file, &p, NULL, NULL, iosb);
}

static void test_methods(void **state)
{
    (void)state;
    UCHAR in[16], out[40];
    IO_STATUS_BLOCK iosb;
    LONG_PTR refs = ob_pointer_count(file);

    memset(in, 'i', sizeof(in));
    memset(out, 0, sizeof(out));
    assert_int_equal(ioctl(IOCTL_BUF, in, sizeof(in), out, sizeof(out), &iosb), STATUS_SUCCESS);
    assert_int_equal(iosb.Information, 20);
    assert_int_equal(out[0], 'A');
    assert_int_equal(out[19], 'A' + 19);
    assert_int_equal(out[20], 0);       /* only Information bytes are copied back */

    memset(out, 'o', sizeof(out));
    assert_int_equal(ioctl(IOCTL_IN, in, sizeof(in), out, sizeof(out), &iosb), STATUS_SUCCESS);
    assert_int_equal(iosb.Information, 0);

    memset(out, 0, sizeof(out));
    assert_int_equal(ioctl(IOCTL_OUT, in, sizeof(in), out, sizeof(out), &iosb), STATUS_SUCCESS);
    assert_int_equal(iosb.Information, sizeof(out));
    assert_int_equal(out[0], 'm');
    assert_int_equal(out[39], 'm');

    memset(out, 0, sizeof(out));
    assert_int_equal(ioctl(IOCTL_NEITHER, in, sizeof(in), out, sizeof(out), &iosb),
                     STATUS_SUCCESS);
    assert_int_equal(iosb.Information, sizeof(in));
    assert_memory_equal(out, in, sizeof(in));

    /* the IRPs' references on the file object were all dropped */
    assert_int_equal(ob_pointer_count(file), refs);
}

static void test_probe_failures(void **state)
{
    (void)state;
    UCHAR out[16];
    IO_STATUS_BLOCK iosb;
    assert_int_equal(ioctl(IOCTL_BADPROBE, NULL, 0, out, sizeof(out), &iosb),
                     STATUS_ACCESS_VIOLATION);
    out[0] = 0;
    /* out is at least 4-aligned: out + 1 is not */
    UCHAR aligned[16] __attribute__((aligned(8)));
    assert_int_equal(ioctl(IOCTL_MISALIGN, NULL, 0, aligned, sizeof(aligned), &iosb),
                     STATUS_DATATYPE_MISALIGNMENT);
    /* a NEITHER input the request does not include */
    struct io_user_params p = {
        .major = IRP_MJ_DEVICE_CONTROL, .ioctl = IOCTL_NEITHER, .in = NULL, .in_len = 4,
        .out = out, .out_len = sizeof(out), .mode = UserMode,
    };
    assert_int_equal(io_user_request(file, &p, NULL, NULL, &iosb), STATUS_INVALID_USER_BUFFER);
}

static void test_exception_through_request(void **state)
{
    (void)state;
    UCHAR out[16];
    IO_STATUS_BLOCK iosb;
    volatile NTSTATUS caught = STATUS_SUCCESS;
    LONG_PTR refs = ob_pointer_count(file);
    ULONG depth = ddk_seh_depth();
    __try {
        ioctl(IOCTL_RAISE, NULL, 0, out, sizeof(out), &iosb);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        caught = GetExceptionCode();
    }
    assert_int_equal(caught, STATUS_INVALID_PARAMETER_2);
    assert_int_equal(ddk_seh_depth(), depth);
    /* the request's buffers are no longer valid user ranges */
    assert_int_equal(io_probe(out, sizeof(out), 1, TRUE), STATUS_ACCESS_VIOLATION);
    assert_int_equal(ob_pointer_count(file), refs);
}

static void test_information_clamped(void **state)
{
    (void)state;
    UCHAR out[8];
    IO_STATUS_BLOCK iosb;
    assert_int_equal(ioctl(IOCTL_OVERFLOW, NULL, 0, out, sizeof(out), &iosb), STATUS_SUCCESS);
    assert_int_equal(iosb.Information, sizeof(out));
}

static void test_read_write_by_device_flags(void **state)
{
    (void)state;
    static const ULONG flags[] = { DO_BUFFERED_IO, DO_DIRECT_IO, 0 };
    UCHAR buf[6000];
    IO_STATUS_BLOCK iosb;
    for (unsigned i = 0; i < 3; i++) {
        for (int d = 0; d < 3; d++)
            devs[d].dev.Flags = flags[i];
        memset(buf, 0, sizeof(buf));
        struct io_user_params p = {
            .major = IRP_MJ_READ, .out = buf, .out_len = sizeof(buf),
            .offset = { .QuadPart = 4096 }, .mode = UserMode,
        };
        assert_int_equal(io_user_request(file, &p, NULL, NULL, &iosb), STATUS_SUCCESS);
        assert_int_equal(iosb.Information, sizeof(buf) - 1);
        assert_int_equal(buf[0], 'r');
        assert_int_equal(buf[sizeof(buf) - 2], 'r');
        if (flags[i] == DO_BUFFERED_IO)
            assert_int_equal(buf[sizeof(buf) - 1], 0);   /* copy-out of Information bytes */

        memset(buf, 'w', sizeof(buf));
        struct io_user_params w = {
            .major = IRP_MJ_WRITE, .in = buf, .in_len = 100, .mode = UserMode,
        };
        assert_int_equal(io_user_request(file, &w, NULL, NULL, &iosb), STATUS_SUCCESS);
        assert_int_equal(iosb.Information, 100);
    }
}

static void *complete_pended(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&pended, __ATOMIC_ACQUIRE))
        usleep(1000);
    usleep(10000);
    memset(pended->AssociatedIrp.SystemBuffer, 'p', 4);
    complete(pended, STATUS_SUCCESS, 4);
    return NULL;
}

static volatile int done_calls;
static NTSTATUS done_status;
static ULONG_PTR done_info;
static void on_done(void *ctx, NTSTATUS status, ULONG_PTR info)
{
    assert_ptr_equal(ctx, &done_calls);
    done_status = status;
    done_info = info;
    __atomic_add_fetch(&done_calls, 1, __ATOMIC_RELEASE);
}

static void test_pending_sync_and_async(void **state)
{
    (void)state;
    UCHAR out[8] = { 0 };
    IO_STATUS_BLOCK iosb;
    pthread_t th;
    LONG_PTR refs = ob_pointer_count(file);

    /* synchronous: waits for the completion on the other thread */
    pthread_create(&th, NULL, complete_pended, NULL);
    assert_int_equal(ioctl(IOCTL_PEND, NULL, 0, out, sizeof(out), &iosb), STATUS_SUCCESS);
    pthread_join(th, NULL);
    assert_int_equal(iosb.Information, 4);
    assert_memory_equal(out, "pppp", 4);

    /* asynchronous: STATUS_PENDING now, the callback once, later */
    memset(out, 0, sizeof(out));
    pended = NULL;
    done_calls = 0;
    struct io_user_params p = {
        .major = IRP_MJ_DEVICE_CONTROL, .ioctl = IOCTL_PEND, .out = out,
        .out_len = sizeof(out), .mode = UserMode,
    };
    assert_int_equal(io_user_request(file, &p, on_done, (void *)&done_calls, NULL),
                     STATUS_PENDING);
    assert_true(ob_pointer_count(file) > refs);     /* the IRP holds a reference */
    assert_int_equal(done_calls, 0);
    pthread_create(&th, NULL, complete_pended, NULL);
    pthread_join(th, NULL);
    assert_int_equal(done_calls, 1);
    assert_int_equal(done_status, STATUS_SUCCESS);
    assert_int_equal(done_info, 4);
    assert_memory_equal(out, "pppp", 4);
    assert_int_equal(ob_pointer_count(file), refs);

    /* asynchronous completed inline: the callback has run on return */
    done_calls = 0;
    p.ioctl = IOCTL_BUF;
    UCHAR in[1] = { 'i' };
    p.in = in;
    p.in_len = 1;
    assert_int_equal(io_user_request(file, &p, on_done, (void *)&done_calls, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(done_calls, 1);
    assert_int_equal(done_info, sizeof(out) / 2);
}

static volatile int cancel_done[2];
static NTSTATUS cancel_status[2];
static void on_cancel_done(void *ctx, NTSTATUS status, ULONG_PTR info)
{
    int i = (int)(ULONG_PTR)ctx - 1;
    (void)info;
    cancel_status[i] = status;
    __atomic_add_fetch(&cancel_done[i], 1, __ATOMIC_RELEASE);
}

static void *sync_waiter(void *arg)
{
    IO_STATUS_BLOCK iosb;
    *(NTSTATUS *)arg = ioctl(IOCTL_WAIT, NULL, 0, NULL, 0, &iosb);
    return NULL;
}

static void test_user_cancel(void **state)
{
    (void)state;
    LONG_PTR refs = ob_pointer_count(file);
    struct io_user_params p = { .major = IRP_MJ_DEVICE_CONTROL, .ioctl = IOCTL_WAIT,
                                .mode = UserMode };
    cancel_done[0] = cancel_done[1] = 0;
    waiting_irps = 0;
    assert_int_equal(io_user_request(file, &p, on_cancel_done, (void *)1, NULL), STATUS_PENDING);
    assert_int_equal(io_user_request(file, &p, on_cancel_done, (void *)2, NULL), STATUS_PENDING);
    assert_int_equal(waiting_irps, 2);

    /* by context: only the second */
    assert_int_equal(io_user_cancel(file, (void *)2), 1);
    assert_int_equal(cancel_done[1], 1);
    assert_int_equal(cancel_status[1], STATUS_CANCELLED);
    assert_int_equal(cancel_done[0], 0);

    /* all of the file's requests, including a synchronous caller's */
    pthread_t th;
    NTSTATUS sync_status = -1;
    pthread_create(&th, NULL, sync_waiter, &sync_status);
    while (__atomic_load_n(&waiting_irps, __ATOMIC_ACQUIRE) < 2)
        usleep(1000);
    assert_int_equal(io_user_cancel(file, NULL), 2);
    pthread_join(th, NULL);
    assert_int_equal(sync_status, STATUS_CANCELLED);
    assert_int_equal(cancel_done[0], 1);
    assert_int_equal(cancel_status[0], STATUS_CANCELLED);
    assert_int_equal(waiting_irps, 0);
    assert_int_equal(io_user_cancel(file, NULL), 0);
    assert_int_equal(ob_pointer_count(file), refs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probe_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_information_clamped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exception_through_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_write_by_device_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_sync_and_async, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_cancel, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
