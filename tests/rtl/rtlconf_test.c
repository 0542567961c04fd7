/*
 * rtlconf_test.c - loads rtlconf_drv (a driver built with the driver
 * flags) and checks that its run-time library calls all worked from
 * inside a driver module, and that its DbgPrint output arrived.
 */
#include <wdm.h>
#include "io/iodev.h"
#include "krnl/krnl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static void test_driver_uses_rtl(void **state)
{
    char root[] = "/tmp/ddk-rtlconf-XXXXXX", log[] = "/tmp/ddk-rtlconf-log-XXXXXX";
    char text[4096] = "";
    PDRIVER_OBJECT drv = NULL;
    NTSTATUS st;
    int fd, saved;
    ssize_t n;

    (void)state;
    assert_non_null(mkdtemp(root));
    krnl_init(root);
    fd = mkstemp(log);
    assert_true(fd >= 0);
    fflush(stderr);
    saved = dup(2);
    dup2(fd, 2);
    st = io_load_driver(DDK_TEST_DRIVER_DIR "/rtlconf_drv.so", L"OddkRtlConf", &drv);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    n = read(fd, text, sizeof(text) - 1);
    text[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(log);
    fputs(text, stderr);
    assert_int_equal(st, STATUS_SUCCESS);   /* 0xE00000nn names the failed check */
    assert_non_null(strstr(text, "DbgPrint: rtlconf ok: "));
    assert_non_null(strstr(text, "OddkRtlConf"));
    assert_int_equal(io_unload_driver(drv), STATUS_SUCCESS);
    {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        if (system(cmd) != 0)
            fprintf(stderr, "cleanup of %s failed\n", root);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_driver_uses_rtl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
