/*
 * test_stub.c - the entry stub: a driver module exports ddk_driver_info
 * and nothing else; the record names the model and leads to DriverEntry.
 */
#include <wdm.h>
#include <ddk/driver_abi.h>

#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

static void *open_driver(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.so", DDK_TEST_DRIVER_DIR, name);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        fail_msg("dlopen %s: %s", path, dlerror());
    return h;
}

static void test_info_record(void **state)
{
    (void)state;
    void *h = open_driver("stub_drv");
    const struct ddk_driver_info *info = dlsym(h, DDK_DRIVER_INFO_SYMBOL);
    assert_non_null(info);
    assert_int_equal(info->magic, DDK_DRIVER_INFO_MAGIC);
    assert_int_equal(info->abi_version, DDK_DRIVER_ABI_VERSION);
    assert_int_equal(info->model, DDK_MODEL_WDM_);
    assert_non_null(info->built_with);
    assert_non_null(info->driver_entry);
    assert_int_equal(info->driver_entry(NULL, NULL), 0x1234);
    assert_int_equal(info->driver_entry(NULL, NULL), 0x1235);
    dlclose(h);
}

static void test_only_info_is_visible(void **state)
{
    (void)state;
    void *h = open_driver("stub_drv");
    assert_null(dlsym(h, "DriverEntry"));
    assert_null(dlsym(h, "stub_drv_calls"));
    dlclose(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_record),
        cmocka_unit_test(test_only_info_is_visible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
