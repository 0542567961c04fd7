/*
 * tests/reflector/test_wakeup_model.c - model-check the ring's wake-up
 * protocol (tests/reflector/wakeup.pml) with spin: the protocol as written
 * has no lost wake-up, and the same model without the consumer's re-check
 * does (so the check can fail). Skipped when spin or cc is not installed.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs spin + cc + pan in a fresh directory; returns pan's error count,
 * -1 when the tools failed. */
static int check_model(const char *defines)
{
    char dir[] = "/tmp/ddk-pml-XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && spin -a %s %s/tests/reflector/wakeup.pml >spin.log 2>&1 && "
             "cc -O1 -w -o pan pan.c >cc.log 2>&1 && ./pan 2>&1 | grep -o 'errors: [0-9]*'",
             dir, defines, DDK_SOURCE_DIR);
    FILE *p = popen(cmd, "r");
    int errors = -1;
    if (p) {
        if (fscanf(p, "errors: %d", &errors) != 1)
            errors = -1;
        pclose(p);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        errors = -1;
    return errors;
}

static void test_wakeup_protocol(void **state)
{
    (void)state;
    if (system("command -v spin >/dev/null 2>&1 && command -v cc >/dev/null 2>&1") != 0) {
        print_message("spin or cc not installed: model check skipped\n");
        skip();
    }
    assert_int_equal(check_model(""), 0);
    /* without the re-check the model must find the lost wake-up */
    assert_true(check_model("-DNO_RECHECK") > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wakeup_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
