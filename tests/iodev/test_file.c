/*
 * test_file.c - the open path, cleanup/close ordering, exclusive devices,
 * access checks, ZwCreateFile and the synchronous I/O wrappers.
 */
#include "recdrv.h"

static PDRIVER_OBJECT drv;

static int setup(void **state)
{
    (void)state;
    if (!drv)
        drv = rec_driver(L"IodevFileTest");
    rec_reset();
    return 0;
}

static void test_name_forms(void **state)
{
    static const WCHAR *const forms[] = {
        L"\\Device\\IodevForms", L"\\??\\IodevFormsLink", L"\\DosDevices\\IodevFormsLink",
        L"\\GLOBAL??\\IodevFormsLink", L"\\\\.\\IodevFormsLink", L"\\\\.\\iodevformslink",
    };
    UNICODE_STRING link, target;
    PDEVICE_OBJECT d;
    HANDLE h;
    size_t i;

    (void)state;
    d = rec_device(drv, L"\\Device\\IodevForms", 0, 0, FALSE);
    iot_us(&link, L"\\DosDevices\\IodevFormsLink");
    iot_us(&target, L"\\Device\\IodevForms");
    assert_int_equal(IoCreateSymbolicLink(&link, &target), STATUS_SUCCESS);
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        rec_reset();
        assert_int_equal(io_open(forms[i], NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                         STATUS_SUCCESS);
        assert_ptr_equal(rec.last_device, d);
        assert_int_equal(rec.last_name[0], 0);
        assert_int_equal(io_close(h), STATUS_SUCCESS);
        assert_string_equal(rec.log, "CUL");
    }
    /* A remainder below the device reaches the driver as FileName. */
    assert_int_equal(io_open(L"\\\\.\\IodevFormsLink\\some\\name", NULL, GENERIC_READ, 0,
                             FILE_OPEN, 0, &h), STATUS_SUCCESS);
    assert_int_equal(rtl_wcscmp(rec.last_name, L"\\some\\name"), 0);
    assert_int_equal(io_close(h), STATUS_SUCCESS);

    assert_int_equal(IoDeleteSymbolicLink(&link), STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\\\.\\IodevFormsLink", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    IoDeleteDevice(d);
}

static void test_open_errors(void **state)
{
    PDEVICE_OBJECT d;
    UNICODE_STRING name;
    HANDLE h = (HANDLE)1;

    (void)state;
    assert_int_equal(io_open(L"\\Device\\IodevNoSuchDevice", NULL, GENERIC_READ, 0, FILE_OPEN, 0,
                             &h), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(h);
    assert_int_equal(io_open(L"\\Driver\\IodevFileTest", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(io_open(L"\\Device\\X", NULL, GENERIC_READ, 0, 77, 0, &h),
                     STATUS_INVALID_PARAMETER);

    /* Still initializing: not openable. */
    iot_us(&name, L"\\Device\\IodevInit");
    assert_int_equal(IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &d),
                     STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\Device\\IodevInit", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_NO_SUCH_DEVICE);
    assert_int_equal(rec.creates, 0);
    IoDeleteDevice(d);

    /* The driver fails the create: no handle, no cleanup, no close. */
    d = rec_device(drv, L"\\Device\\IodevFailCreate", 0, 0, FALSE);
    rec.create_status = STATUS_DEVICE_NOT_READY;
    assert_int_equal(io_open(L"\\Device\\IodevFailCreate", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_DEVICE_NOT_READY);
    assert_null(h);
    assert_string_equal(rec.log, "C");
    assert_int_equal(d->ReferenceCount, 0);
    IoDeleteDevice(d);
}

static void test_cleanup_then_close(void **state)
{
    PDEVICE_OBJECT d;
    PFILE_OBJECT fo = NULL;
    HANDLE h;

    (void)state;
    d = rec_device(drv, L"\\Device\\IodevOrder", 0, 0, FALSE);
    assert_int_equal(io_open(L"\\Device\\IodevOrder", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    assert_int_equal(ObReferenceObjectByHandle(h, 0, *IoFileObjectType, KernelMode, (PVOID *)&fo,
                                               NULL), STATUS_SUCCESS);
    assert_ptr_equal(fo, rec.last_file);
    assert_ptr_equal(fo->DeviceObject, d);
    assert_true(fo->ReadAccess);
    assert_false(fo->WriteAccess);
    /* Last handle: cleanup only; the reference still keeps the file. */
    assert_int_equal(io_close(h), STATUS_SUCCESS);
    assert_string_equal(rec.log, "CU");
    assert_true(fo->Flags & FO_CLEANUP_COMPLETE);
    /* Closed handles are refused. */
    assert_int_equal(io_close(h), STATUS_INVALID_HANDLE);
    ObDereferenceObject(fo);
    assert_string_equal(rec.log, "CUL");
    IoDeleteDevice(d);
}

static void test_exclusive(void **state)
{
    PDEVICE_OBJECT d;
    HANDLE h1, h2;

    (void)state;
    d = rec_device(drv, L"\\Device\\IodevExcl", 0, 0, TRUE);
    assert_int_equal(io_open(L"\\Device\\IodevExcl", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h1),
                     STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\Device\\IodevExcl", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h2),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(rec.creates, 1);
    assert_int_equal(io_close(h1), STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\Device\\IodevExcl", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h2),
                     STATUS_SUCCESS);
    assert_int_equal(io_close(h2), STATUS_SUCCESS);
    IoDeleteDevice(d);
}

static PDEVICE_OBJECT secure_device(const WCHAR *name, const WCHAR *sddl_s, ULONG chars)
{
    UNICODE_STRING n, sddl;
    PDEVICE_OBJECT d = NULL;

    iot_us(&n, name);
    iot_us(&sddl, sddl_s);
    assert_int_equal(IoCreateDeviceSecure(drv, 0, &n, FILE_DEVICE_UNKNOWN, chars, FALSE, &sddl,
                                          NULL, &d), STATUS_SUCCESS);
    d->Flags &= ~DO_DEVICE_INITIALIZING;
    return d;
}

static void test_access_and_secure_open(void **state)
{
    struct se_identity user, root;
    PDEVICE_OBJECT plain, secure;
    HANDLE h;

    (void)state;
    iot_identity(&user, 1000, 1000);
    iot_identity(&root, 0, 0);
    plain = secure_device(L"\\Device\\IodevSysOnly", L"D:P(A;;GA;;;SY)", 0);
    secure = secure_device(L"\\Device\\IodevSysOnlySecure", L"D:P(A;;GA;;;SY)",
                           FILE_DEVICE_SECURE_OPEN);

    /* The device itself: checked for everybody but kernel callers. */
    assert_int_equal(io_open(L"\\Device\\IodevSysOnly", &user, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(rec.creates, 0);
    assert_int_equal(io_open(L"\\Device\\IodevSysOnly", &root, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    /* The driver's create ran on behalf of the caller. */
    assert_ptr_equal(rec.last_identity, &root);
    assert_ptr_not_equal(se_current_identity(), &root);
    assert_int_equal(io_close(h), STATUS_SUCCESS);

    /* Kernel opens are not checked, unless forced: then for the identity
     * the thread acts for. */
    {
        UNICODE_STRING n;
        OBJECT_ATTRIBUTES oa;
        IO_STATUS_BLOCK iosb;
        const struct se_identity *prev = se_set_thread_identity(&user);
        iot_us(&n, L"\\Device\\IodevSysOnly");
        InitializeObjectAttributes(&oa, &n, OBJ_KERNEL_HANDLE, NULL, NULL);
        assert_int_equal(ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0,
                                      NULL, 0), STATUS_SUCCESS);
        assert_int_equal(ZwClose(h), STATUS_SUCCESS);
        InitializeObjectAttributes(&oa, &n, OBJ_KERNEL_HANDLE | OBJ_FORCE_ACCESS_CHECK, NULL, NULL);
        assert_int_equal(ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0,
                                      NULL, 0), STATUS_ACCESS_DENIED);
        se_set_thread_identity(prev);
    }
    assert_int_equal(io_open(L"\\Device\\IodevSysOnly", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    assert_int_equal(io_close(h), STATUS_SUCCESS);

    /* Below the device: only FILE_DEVICE_SECURE_OPEN makes the I/O manager
     * check (without it the driver owns its namespace). */
    assert_int_equal(io_open(L"\\Device\\IodevSysOnly\\file", &user, GENERIC_READ, 0, FILE_OPEN,
                             0, &h), STATUS_SUCCESS);
    assert_int_equal(io_close(h), STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\Device\\IodevSysOnlySecure\\file", &user, GENERIC_READ, 0,
                             FILE_OPEN, 0, &h), STATUS_ACCESS_DENIED);
    assert_int_equal(io_open(L"\\Device\\IodevSysOnlySecure\\file", &root, GENERIC_READ, 0,
                             FILE_OPEN, 0, &h), STATUS_SUCCESS);
    assert_int_equal(io_close(h), STATUS_SUCCESS);
    IoDeleteDevice(plain);
    IoDeleteDevice(secure);
}

static void test_read_write_ioctl(void **state)
{
    PDEVICE_OBJECT d;
    HANDLE h, ro;
    char buf[32], out[32];
    ULONG_PTR info = 99;

    (void)state;
    d = rec_device(drv, L"\\Device\\IodevRw", 0, 0, FALSE);
    assert_int_equal(io_open(L"\\Device\\IodevRw", NULL, GENERIC_READ | GENERIC_WRITE, 0,
                             FILE_OPEN, 0, &h), STATUS_SUCCESS);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(io_read(h, buf, 16, 0, &info), STATUS_SUCCESS);
    assert_int_equal(info, 16);
    assert_int_equal(buf[0], 'r');
    assert_int_equal(buf[15], 'r');
    assert_int_equal(buf[16], 0);
    assert_int_equal(io_write(h, "hello", 5, 0, &info), STATUS_SUCCESS);
    assert_int_equal(info, 5);
    memset(out, 0, sizeof(out));
    assert_int_equal(io_ioctl(h, REC_IOCTL_ECHO, "ping", 4, out, sizeof(out), &info),
                     STATUS_SUCCESS);
    assert_int_equal(info, 4);
    assert_memory_equal(out, "ping", 4);
    assert_int_equal(io_ioctl(h, CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED,
                                          FILE_ANY_ACCESS), NULL, 0, NULL, 0, &info),
                     STATUS_INVALID_DEVICE_REQUEST);

    /* A read-only handle may not write. */
    assert_int_equal(io_open(L"\\Device\\IodevRw", NULL, FILE_READ_DATA, 0, FILE_OPEN, 0, &ro),
                     STATUS_SUCCESS);
    assert_int_equal(io_write(ro, "x", 1, 0, &info), STATUS_ACCESS_DENIED);
    /* The access bits of a control code are checked against the handle. */
    assert_int_equal(io_ioctl(ro, CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED,
                                           FILE_WRITE_ACCESS), NULL, 0, NULL, 0, &info),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(io_read(ro, buf, 1, 0, &info), STATUS_SUCCESS);
    assert_int_equal(io_close(ro), STATUS_SUCCESS);
    assert_int_equal(io_close(h), STATUS_SUCCESS);
    assert_int_equal(io_read(h, buf, 1, 0, &info), STATUS_INVALID_HANDLE);
    IoDeleteDevice(d);
}

static void test_zw_create_file(void **state)
{
    PDEVICE_OBJECT d;
    OBJECT_ATTRIBUTES oa;
    IO_STATUS_BLOCK iosb;
    UNICODE_STRING name;
    HANDLE h;

    (void)state;
    d = rec_device(drv, L"\\Device\\IodevZw", 0, 0, FALSE);
    iot_us(&name, L"\\Device\\IodevZw\\tail");
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    assert_int_equal(ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, FILE_ATTRIBUTE_NORMAL, 0,
                                  FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0),
                     STATUS_SUCCESS);
    assert_int_equal(iosb.Information, FILE_OPENED);
    assert_int_equal(rtl_wcscmp(rec.last_name, L"\\tail"), 0);
    assert_true(rec.last_file->Flags & FO_SYNCHRONOUS_IO);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_string_equal(rec.log, "CUL");

    /* Kernel-mode I/O on the handle: a synchronous file waits. */
    {
        char buf[8];
        LARGE_INTEGER off = { .QuadPart = 0 };
        memset(buf, 0, sizeof(buf));
        assert_int_equal(ZwCreateFile(&h, GENERIC_READ | GENERIC_WRITE, &oa, &iosb, NULL, 0, 0,
                                      FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0),
                         STATUS_SUCCESS);
        assert_int_equal(ZwReadFile(h, NULL, NULL, NULL, &iosb, buf, 8, &off, NULL),
                         STATUS_SUCCESS);
        assert_int_equal(iosb.Information, 8);
        assert_int_equal(buf[7], 'r');
        assert_int_equal(ZwWriteFile(h, NULL, NULL, NULL, &iosb, buf, 3, &off, NULL),
                         STATUS_SUCCESS);
        assert_int_equal(iosb.Information, 3);
        assert_int_equal(ZwDeviceIoControlFile(h, NULL, NULL, NULL, &iosb, REC_IOCTL_ECHO,
                                               "abc", 3, buf, sizeof(buf)), STATUS_SUCCESS);
        assert_int_equal(iosb.Information, 3);
        assert_memory_equal(buf, "abc", 3);
        assert_int_equal(ZwClose(h), STATUS_SUCCESS);
        /* Not opened for synchronous I/O: the status block reports. */
        assert_int_equal(ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0,
                                      NULL, 0), STATUS_SUCCESS);
        iosb.Status = STATUS_PENDING;
        iosb.Information = 0;
        {
            NTSTATUS s = ZwReadFile(h, NULL, NULL, NULL, &iosb, buf, 4, &off, NULL);
            assert_true(s == STATUS_SUCCESS || s == STATUS_PENDING);
            for (int i = 0; i < 500 && iosb.Status == STATUS_PENDING; i++)
                usleep(1000);
        }
        assert_int_equal(iosb.Status, STATUS_SUCCESS);
        assert_int_equal(iosb.Information, 4);
        assert_int_equal(ZwReadFile((HANDLE)(ULONG_PTR)0x4444, NULL, NULL, NULL, &iosb, buf, 4,
                                    &off, NULL), STATUS_INVALID_HANDLE);
        assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    }

    /* Relative to a directory handle is a file-system open. */
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE, (HANDLE)(LONG_PTR)-4, NULL);
    assert_int_equal(ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0),
                     STATUS_NOT_IMPLEMENTED);
    assert_int_equal(ZwOpenFile(&h, GENERIC_READ, NULL, &iosb, 0, 0), STATUS_INVALID_PARAMETER);
    IoDeleteDevice(d);

    /* A file below a disk is a file-system open: not implemented (the
     * disk itself opens). */
    {
        UNICODE_STRING dn;
        PDEVICE_OBJECT disk = NULL;
        iot_us(&dn, L"\\Device\\IodevDisk");
        assert_int_equal(IoCreateDevice(drv, 0, &dn, FILE_DEVICE_DISK, 0, FALSE, &disk),
                         STATUS_SUCCESS);
        disk->Flags &= ~DO_DEVICE_INITIALIZING;
        iot_us(&name, L"\\Device\\IodevDisk\\dir\\file.txt");
        InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE, NULL, NULL);
        assert_int_equal(ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0,
                                      NULL, 0), STATUS_NOT_IMPLEMENTED);
        iot_us(&name, L"\\Device\\IodevDisk");
        assert_int_equal(ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0,
                                      NULL, 0), STATUS_SUCCESS);
        assert_int_equal(ZwClose(h), STATUS_SUCCESS);
        IoDeleteDevice(disk);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_name_forms, setup),
        cmocka_unit_test_setup(test_open_errors, setup),
        cmocka_unit_test_setup(test_cleanup_then_close, setup),
        cmocka_unit_test_setup(test_exclusive, setup),
        cmocka_unit_test_setup(test_access_and_secure_open, setup),
        cmocka_unit_test_setup(test_read_write_ioctl, setup),
        cmocka_unit_test_setup(test_zw_create_file, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
