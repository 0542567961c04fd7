/*
 * sddl_test.c - the access matrix of the five predefined device SDDL
 * strings, through IoCreateDeviceSecure and the I/O manager's open path,
 * for four callers: root (LocalSystem + Administrators), a member of the
 * admin group (gid 0), an ordinary user, and nobody (World only).
 * FILE_DEVICE_SECURE_OPEN is set, so opens below the device name are
 * checked the same way.
 */
#include "../iodev/iodev_test.h"
#include "conf.h"

enum { ROOT, ADMIN, USER, NOBODY, NWHO };
enum { R, W, RW, NACC };

static const ACCESS_MASK acc[NACC] = { GENERIC_READ, GENERIC_WRITE, GENERIC_READ | GENERIC_WRITE };

/* expected[device][who][access]: 1 = allowed */
static const int expected[5][NWHO][NACC] = {
    /* KERNEL_ONLY: D:P */
    { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } },
    /* SYS_ALL: D:P(A;;GA;;;SY) */
    { { 1, 1, 1 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } },
    /* SYS_ALL_ADM_ALL: + (A;;GA;;;BA) */
    { { 1, 1, 1 }, { 1, 1, 1 }, { 0, 0, 0 }, { 0, 0, 0 } },
    /* SYS_ALL_ADM_RX: + (A;;GRGX;;;BA) */
    { { 1, 1, 1 }, { 1, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } },
    /* SYS_ALL_ADM_RWX_WORLD_R: + (A;;GRGWGX;;;BA)(A;;GR;;;WD) */
    { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 0, 0 }, { 1, 0, 0 } },
};

static void test_matrix(void **state)
{
    static const char *const who_names[NWHO] = { "root", "admin", "user", "nobody" };
    struct se_identity who[NWHO];
    PDRIVER_OBJECT drv;
    WCHAR path[64];
    int dev, w, a, sub, failures = 0;

    (void)state;
    iot_init_root();
    iot_identity(&who[ROOT], 0, 0);
    iot_identity(&who[ADMIN], 1000, 0);
    iot_identity(&who[USER], 1000, 1000);
    iot_identity(&who[NOBODY], SE_NOBODY_UID, SE_NOBODY_UID);
    assert_int_equal(io_load_driver(iot_driver_path("sddl_drv"), L"OddkSddl", &drv),
                     STATUS_SUCCESS);

    for (dev = 0; dev < 5; dev++) {
        for (sub = 0; sub < 2; sub++) {
            char p8[64];
            size_t i;
            snprintf(p8, sizeof(p8), "\\Device\\OddkSddl%d%s", dev, sub ? "\\below" : "");
            for (i = 0; p8[i]; i++)
                path[i] = (WCHAR)p8[i];
            path[i] = 0;
            for (w = 0; w < NWHO; w++) {
                for (a = 0; a < NACC; a++) {
                    HANDLE h;
                    NTSTATUS s = io_open(path, &who[w], acc[a], 0, FILE_OPEN, 0, &h);
                    int ok = NT_SUCCESS(s);
                    if (ok)
                        assert_int_equal(io_close(h), STATUS_SUCCESS);
                    else
                        assert_int_equal(s, STATUS_ACCESS_DENIED);
                    if (ok != expected[dev][w][a]) {
                        print_error("%s as %s for %s: %s, expected %s\n", p8, who_names[w],
                                    a == R ? "read" : a == W ? "write" : "read/write",
                                    ok ? "allowed" : "denied",
                                    expected[dev][w][a] ? "allowed" : "denied");
                        failures++;
                    }
                }
            }
            /* The kernel is never checked. */
            {
                HANDLE h;
                assert_int_equal(io_open(path, NULL, GENERIC_ALL, 0, FILE_OPEN, 0, &h),
                                 STATUS_SUCCESS);
                assert_int_equal(io_close(h), STATUS_SUCCESS);
            }
        }
    }
    assert_int_equal(failures, 0);
    assert_int_equal(io_unload_driver(drv), STATUS_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
