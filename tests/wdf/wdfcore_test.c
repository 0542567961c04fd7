/*
 * core_test.c - the WDF object model, function table and control devices,
 * seen from KMDF drivers loaded like any driver (io_load_driver):
 * deletion order and callbacks, references, contexts (two drivers with
 * the same context type names), a stub slot, 0x10D bug checks, and the
 * control device reachable by name and by symbolic link.
 */
#include "../iodev/iodev_test.h"
#include "wdfcore_ioctl.h"
#include <wdf.h>
#include <dirent.h>
#include <signal.h>

static PDRIVER_OBJECT drv1, drv2, drv3;

static int setup(void **state)
{
    (void)state;
    iot_init_root();
    if (io_load_driver(iot_driver_path("core_kmdf_drv"), L"WdfCore1", &drv1) ||
        io_load_driver(iot_driver_path("core2_kmdf_drv"), L"WdfCore2", &drv2) ||
        io_load_driver(iot_driver_path("core3_kmdf_drv"), L"WdfCore3", &drv3))
        return -1;
    return 0;
}

static HANDLE open_dev(const WCHAR *path)
{
    HANDLE h = NULL;
    assert_int_equal(io_open(path, NULL, GENERIC_READ | GENERIC_WRITE, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    return h;
}

static NTSTATUS ioctl(HANDLE h, ULONG code, void *in, ULONG in_len, void *out, ULONG out_len)
{
    ULONG_PTR n = 0;
    return io_ioctl(h, code, in, in_len, out, out_len, &n);
}

static void test_tree_deletion_order(void **state)
{
    struct wdfcore_events ev;
    (void)state;
    HANDLE h = open_dev(L"\\\\.\\WdfCore1");
    assert_int_equal(ioctl(h, IOCTL_WDFCORE_TREE, NULL, 0, &ev, sizeof ev), STATUS_SUCCESS);
    assert_true(ev.ctx_ok);
    /* Cleanup bottom-up (grandchild, then child and its extra context,
     * then parent); each object's destroy callbacks run when its last
     * reference goes, which for an unreferenced child is right after its
     * cleanup: so every destroy follows its cleanup and precedes its
     * parent's cleanup. */
    ULONG want[] = { 31, 32, 21, 23, 22, 24, 11, 12 };
    assert_int_equal(ev.count, sizeof want / sizeof *want);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_int_equal(ev.ev[i], want[i]);
    io_close(h);
}

static void test_reference_keeps_object(void **state)
{
    struct wdfcore_events ev;
    (void)state;
    HANDLE h = open_dev(L"\\\\.\\WdfCore1");
    assert_int_equal(ioctl(h, IOCTL_WDFCORE_REFS, NULL, 0, &ev, sizeof ev), STATUS_SUCCESS);
    /* cleanup at delete; destroy only at the dereference, after 99 */
    assert_int_equal(ev.count, 3);
    assert_int_equal(ev.ev[0], 11);
    assert_int_equal(ev.ev[1], 99);
    assert_int_equal(ev.ev[2], 12);
    assert_true(ev.alive_after_delete);
    io_close(h);
}

static void test_contexts_of_two_drivers_stay_apart(void **state)
{
    ULONG64 obj1 = 0, obj2 = 0, peek[2];
    (void)state;
    HANDLE h1 = open_dev(L"\\\\.\\WdfCore1"), h2 = open_dev(L"\\\\.\\WdfCore2");
    assert_int_equal(ioctl(h1, IOCTL_WDFCORE_CTX_MAKE, NULL, 0, &obj1, sizeof obj1), STATUS_SUCCESS);
    assert_int_equal(ioctl(h2, IOCTL_WDFCORE_CTX_MAKE, NULL, 0, &obj2, sizeof obj2), STATUS_SUCCESS);
    /* Each driver finds its own CORE_CTX on its own object ... */
    peek[0] = obj1;
    assert_int_equal(ioctl(h1, IOCTL_WDFCORE_CTX_PEEK, peek, 8, peek, sizeof peek), STATUS_SUCCESS);
    assert_true(peek[0] != 0);
    assert_int_equal(peek[1], 0xC0DE);
    peek[0] = obj2;
    assert_int_equal(ioctl(h2, IOCTL_WDFCORE_CTX_PEEK, peek, 8, peek, sizeof peek), STATUS_SUCCESS);
    assert_true(peek[0] != 0);
    /* ... but not the other driver's type of the same name. */
    peek[0] = obj1;
    assert_int_equal(ioctl(h2, IOCTL_WDFCORE_CTX_PEEK, peek, 8, peek, sizeof peek), STATUS_SUCCESS);
    assert_int_equal(peek[0], 0);
    peek[0] = obj2;
    assert_int_equal(ioctl(h1, IOCTL_WDFCORE_CTX_PEEK, peek, 8, peek, sizeof peek), STATUS_SUCCESS);
    assert_int_equal(peek[0], 0);
    io_close(h1);
    io_close(h2);
}

static void test_stub_slot_traps(void **state)
{
    NTSTATUS r = 0;
    struct iot_capture cap;
    (void)state;
    HANDLE h = open_dev(L"\\\\.\\WdfCore1");
    iot_capture_begin(&cap);
    assert_int_equal(ioctl(h, IOCTL_WDFCORE_TRAP, NULL, 0, &r, sizeof r), STATUS_SUCCESS);
    char *log = iot_capture_end(&cap);
    assert_int_equal(r, STATUS_NOT_IMPLEMENTED);
    assert_non_null(strstr(log, "WdfInterruptCreate (index"));
    assert_non_null(strstr(log, "is not implemented"));
    free(log);
    io_close(h);
}

static void test_driver_and_device_info(void **state)
{
    struct wdfcore_info a, b;
    (void)state;
    HANDLE h1 = open_dev(L"\\\\.\\WdfCore1");
    HANDLE h2 = open_dev(L"\\DosDevices\\WdfCore2");
    assert_int_equal(ioctl(h1, IOCTL_WDFCORE_INFO, NULL, 0, &a, sizeof a), STATUS_SUCCESS);
    assert_int_equal(ioctl(h2, IOCTL_WDFCORE_INFO, NULL, 0, &b, sizeof b), STATUS_SUCCESS);
    assert_true(a.driver != 0);
    assert_int_equal(a.driver, a.device_driver);
    assert_int_equal(a.wdm_driver, (ULONG64)(ULONG_PTR)drv1);
    assert_int_equal(b.wdm_driver, (ULONG64)(ULONG_PTR)drv2);
    assert_int_equal(a.back_device, a.device);
    assert_int_equal(((PDEVICE_OBJECT)(ULONG_PTR)a.wdm_device)->DriverObject, drv1);
    /* Control devices are openable only after WdfControlFinishInitializing. */
    assert_false(((PDEVICE_OBJECT)(ULONG_PTR)a.wdm_device)->Flags & DO_DEVICE_INITIALIZING);
    assert_true(a.version_33);
    assert_false(a.version_99);
    assert_string_equal(a.name, "WdfCore1");
    assert_string_equal(b.name, "WdfCore2");
    assert_true(a.globals != b.globals);      /* each driver its own globals */
    assert_true(a.driver != b.driver);
    io_close(h1);
    io_close(h2);
}

static void test_framework_dispatch_by_name_and_link(void **state)
{
    HANDLE h;
    ULONG64 x;
    (void)state;
    /* core3 keeps the framework's dispatch: its device opens by its
     * name and by its link; requests without a queue fail as documented. */
    h = open_dev(L"\\Device\\WdfCore3");
    io_close(h);
    h = open_dev(L"\\\\.\\WdfCore3");
    assert_int_equal(ioctl(h, IOCTL_WDFCORE_INFO, NULL, 0, &x, sizeof x),
                     STATUS_INVALID_DEVICE_REQUEST);
    io_close(h);
}

static void test_deferred_callbacks_at_their_irql(void **state)
{
    struct wdfcore_deferred r;
    (void)state;
    HANDLE h = open_dev(L"\\\\.\\WdfCore1");
    assert_int_equal(ioctl(h, IOCTL_WDFCORE_DEFERRED, NULL, 0, &r, sizeof r), STATUS_SUCCESS);
    assert_int_equal(r.timer_irql, DISPATCH_LEVEL);
    assert_int_equal(r.passive_timer_irql, PASSIVE_LEVEL);
    assert_int_equal(r.dpc_irql, DISPATCH_LEVEL);
    assert_int_equal(r.work_irql, PASSIVE_LEVEL);
    assert_true(r.parent_ok);
    assert_false(r.dpc_enqueue_twice);
    assert_true(r.incompatible_refused);
    assert_true(r.periodic_ticks >= 3);
    io_close(h);
}

static void test_locks(void **state)
{
    struct wdfcore_locks r;
    (void)state;
    HANDLE h = open_dev(L"\\\\.\\WdfCore1");
    assert_int_equal(ioctl(h, IOCTL_WDFCORE_LOCKS, NULL, 0, &r, sizeof r), STATUS_SUCCESS);
    assert_int_equal(r.spin_irql, DISPATCH_LEVEL);
    assert_int_equal(r.after_irql, PASSIVE_LEVEL);
    assert_int_equal(r.wait_first, STATUS_SUCCESS);
    assert_int_equal(r.wait_busy, STATUS_TIMEOUT);
    assert_int_equal(r.wait_timed, STATUS_TIMEOUT);
    assert_true(r.device_lock_ok);
    io_close(h);
}

/* ---- bug checks, in a child ---------------------------------------- */

static char *read_report(pid_t pid)
{
    char dir[512], prefix[64], path[1024];
    char *text = NULL;
    snprintf(dir, sizeof dir, "%s/crash", iot_root);
    snprintf(prefix, sizeof prefix, "bugcheck-%d-", (int)pid);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, strlen(prefix)) || len < 5 ||
            strcmp(e->d_name + len - 5, ".json"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (f) {
            text = calloc(1, 1 << 17);
            text[fread(text, 1, (1 << 17) - 1, f)] = 0;
            fclose(f);
        }
        break;
    }
    if (d)
        closedir(d);
    return text;
}

static unsigned long long report_param(const char *r, int index)
{
    const char *p = r ? strstr(r, "\"parameters\": [") : NULL;
    if (!p)
        return ~0ull;
    p += strlen("\"parameters\": [");
    for (int i = 0; i <= index; i++) {
        p = strchr(p, '"');
        if (!p)
            return ~0ull;
        p++;
        if (i == index)
            return strtoull(p, NULL, 16);
        p = strchr(p, '"') + 1;
    }
    return ~0ull;
}

/* Runs the misuse IOCTL in a child; returns its report. */
static char *misuse(ULONG code)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 2);
        HANDLE h = NULL;
        io_open(L"\\\\.\\WdfCore1", NULL, GENERIC_READ | GENERIC_WRITE, 0, FILE_OPEN, 0, &h);
        ioctl(h, code, NULL, 0, NULL, 0);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *r = read_report(pid);
    assert_non_null(r);
    assert_non_null(strstr(r, "\"name\": \"WDF_VIOLATION\""));
    return r;
}

static void test_wrong_type_is_0x10d_5(void **state)
{
    (void)state;
    char *r = misuse(IOCTL_WDFCORE_BAD_TYPE);
    assert_int_equal(report_param(r, 0), WDF_INVALID_HANDLE);
    assert_true(report_param(r, 1) != 0);          /* the handle */
    free(r);
}

static void test_deleted_handle_is_0x10d_5(void **state)
{
    (void)state;
    char *r = misuse(IOCTL_WDFCORE_STALE);
    assert_int_equal(report_param(r, 0), WDF_INVALID_HANDLE);
    free(r);
}

static void test_delete_by_dereference_is_0x10d_7(void **state)
{
    (void)state;
    char *r = misuse(IOCTL_WDFCORE_DEREF_DEL);
    assert_int_equal(report_param(r, 0), WDF_OBJECT_ERROR);
    free(r);
}

static void test_deleting_the_driver_is_0x10d_7(void **state)
{
    (void)state;
    char *r = misuse(IOCTL_WDFCORE_DEL_DRIVER);
    assert_int_equal(report_param(r, 0), WDF_OBJECT_ERROR);
    free(r);
}

static void test_unload_deletes_device(void **state)
{
    PDRIVER_OBJECT d = NULL;
    HANDLE h;
    (void)state;
    /* One WDF module serves one service: its globals are the module's. */
    assert_int_equal(io_load_driver(iot_driver_path("core_kmdf_drv"), L"WdfCoreU", &d),
                     STATUS_IMAGE_ALREADY_LOADED);
    assert_int_equal(io_unload_driver(drv3), STATUS_SUCCESS);
    drv3 = NULL;
    assert_int_not_equal(io_open(L"\\\\.\\WdfCore3", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                         STATUS_SUCCESS);
    /* and it loads again: name and link were released */
    assert_int_equal(io_load_driver(iot_driver_path("core3_kmdf_drv"), L"WdfCore3", &drv3),
                     STATUS_SUCCESS);
    h = open_dev(L"\\\\.\\WdfCore3");
    io_close(h);
}

static int teardown(void **state)
{
    (void)state;
    if (drv3)
        io_unload_driver(drv3);
    if (drv2)
        io_unload_driver(drv2);
    if (drv1)
        io_unload_driver(drv1);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_deletion_order),
        cmocka_unit_test(test_reference_keeps_object),
        cmocka_unit_test(test_contexts_of_two_drivers_stay_apart),
        cmocka_unit_test(test_stub_slot_traps),
        cmocka_unit_test(test_driver_and_device_info),
        cmocka_unit_test(test_framework_dispatch_by_name_and_link),
        cmocka_unit_test(test_deferred_callbacks_at_their_irql),
        cmocka_unit_test(test_locks),
        cmocka_unit_test(test_wrong_type_is_0x10d_5),
        cmocka_unit_test(test_deleted_handle_is_0x10d_5),
        cmocka_unit_test(test_delete_by_dereference_is_0x10d_7),
        cmocka_unit_test(test_deleting_the_driver_is_0x10d_7),
        cmocka_unit_test(test_unload_deletes_device),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
