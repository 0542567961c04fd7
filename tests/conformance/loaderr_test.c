/*
 * loaderr_test.c - the loader's error paths: files that are not driver
 * modules, a missing import, a bad ABI record, a failing DriverEntry, and
 * the leak report at unload (pool tag, device name).
 */
#include "../iodev/iodev_test.h"
#include "conf.h"

/* Two tests leak on purpose (a device object, a pool block): that is what
 * they check the loader reports. LeakSanitizer is told so; anything else
 * leaked in this program is still reported. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:test_device_leak_report\nleak:test_leak_report_names_tag\n";
}

static int setup(void **state)
{
    (void)state;
    iot_init_root();
    return 0;
}

static void test_not_modules(void **state)
{
    PDRIVER_OBJECT d = (PDRIVER_OBJECT)1;
    char path[512];
    FILE *f;

    (void)state;
    assert_int_equal(io_load_driver("/nonexistent/oddk_drv.so", L"OddkNone", &d),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(d);
    snprintf(path, sizeof(path), "%s/garbage.so", iot_root);
    f = fopen(path, "w");
    fputs("this is not an ELF file\n", f);
    fclose(f);
    assert_int_equal(io_load_driver(path, L"OddkGarbage", &d), STATUS_INVALID_IMAGE_FORMAT);
    assert_int_equal(io_load_driver(iot_root, L"OddkDir", &d), STATUS_INVALID_IMAGE_FORMAT);
    /* A shared object without the driver record (the executive itself). */
    snprintf(path, sizeof(path), "%s/lib/libddkkrnl.so", DDK_BUILD_DIR);
    assert_int_equal(io_load_driver(path, L"OddkNoRecord", &d), STATUS_DRIVER_ENTRYPOINT_NOT_FOUND);
    assert_int_equal(io_load_driver(iot_driver_path("leak_drv"), L"Bad\\Name", &d),
                     STATUS_OBJECT_NAME_INVALID);
}

static void test_missing_import(void **state)
{
    PDRIVER_OBJECT d = NULL;
    struct iot_capture cap;
    char *log;

    (void)state;
    iot_capture_begin(&cap);
    assert_int_equal(io_load_driver(iot_driver_path("missing_drv"), L"OddkMissing", &d),
                     STATUS_DRIVER_ENTRYPOINT_NOT_FOUND);
    log = iot_capture_end(&cap);
    assert_non_null(strstr(log, "OddkNoSuchDdi"));
    free(log);
}

/* Copies a driver and patches its record: the first "DDKD" + version 1. */
static void patched_copy(const char *src, const char *dst, int field, uint32_t value)
{
    FILE *f = fopen(src, "rb");
    unsigned char *buf;
    long n, i;
    int patched = 0;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    for (i = 0; i + 8 <= n; i++) {
        uint32_t magic, ver;
        memcpy(&magic, buf + i, 4);
        memcpy(&ver, buf + i + 4, 4);
        if (magic == 0x444B4444u && ver == 1u) {
            memcpy(buf + i + 4 * field, &value, 4);
            patched = 1;
            break;
        }
    }
    assert_true(patched);
    f = fopen(dst, "wb");
    assert_int_equal(fwrite(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    free(buf);
}

static void test_bad_record(void **state)
{
    PDRIVER_OBJECT d = NULL;
    char path[512];

    (void)state;
    snprintf(path, sizeof(path), "%s/badabi_drv.so", iot_root);
    patched_copy(iot_driver_path("leak_drv"), path, 1, 99);
    assert_int_equal(io_load_driver(path, L"OddkBadAbi", &d), STATUS_INVALID_IMAGE_FORMAT);
    snprintf(path, sizeof(path), "%s/badmagic_drv.so", iot_root);
    patched_copy(iot_driver_path("leak_drv"), path, 0, 0x12345678);
    assert_int_equal(io_load_driver(path, L"OddkBadMagic", &d), STATUS_INVALID_IMAGE_FORMAT);
}

static void test_entry_failure(void **state)
{
    PDRIVER_OBJECT d = (PDRIVER_OBJECT)1;
    struct iot_capture cap;
    HANDLE h;
    char *log;

    (void)state;
    iot_capture_begin(&cap);
    assert_int_equal(io_load_driver(iot_driver_path("entryfail_drv"), L"OddkEntryFail", &d),
                     STATUS_INSUFFICIENT_RESOURCES);
    log = iot_capture_end(&cap);
    assert_null(d);
    assert_non_null(strstr(log, "\\Device\\OddkEntryFail"));
    free(log);
    /* The leaked device is gone, and so is the driver object. */
    assert_int_equal(io_open(L"\\Device\\OddkEntryFail", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(io_open(L"\\Driver\\OddkEntryFail", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_OBJECT_NAME_NOT_FOUND);
}

static void test_leak_report_names_tag(void **state)
{
    PDRIVER_OBJECT d = NULL;
    struct iot_capture cap;
    char *log;

    (void)state;
    assert_int_equal(io_load_driver(iot_driver_path("leak_drv"), L"OddkLeak", &d), STATUS_SUCCESS);
    iot_capture_begin(&cap);
    assert_int_equal(io_unload_driver(d), STATUS_SUCCESS);
    log = iot_capture_end(&cap);
    assert_non_null(strstr(log, "Leak"));
    assert_non_null(strstr(log, "OddkLeak"));
    free(log);
}

static void test_device_leak_report(void **state)
{
    PDRIVER_OBJECT d = NULL;
    struct iot_capture cap;
    char *log;

    (void)state;
    assert_int_equal(io_load_driver(iot_driver_path("devleak_drv"), L"OddkDevLeak", &d),
                     STATUS_SUCCESS);
    iot_capture_begin(&cap);
    assert_int_equal(io_unload_driver(d), STATUS_DEVICE_BUSY);
    log = iot_capture_end(&cap);
    assert_non_null(strstr(log, "\\Device\\OddkDevLeak"));
    assert_non_null(strstr(log, "OddkDevLeak"));
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_not_modules, setup),
        cmocka_unit_test_setup(test_missing_import, setup),
        cmocka_unit_test_setup(test_bad_record, setup),
        cmocka_unit_test_setup(test_entry_failure, setup),
        cmocka_unit_test_setup(test_leak_report_names_tag, setup),
        cmocka_unit_test_setup(test_device_leak_report, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
