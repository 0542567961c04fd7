/*
 * test_bugcheck.c - KeBugCheckEx/KeBugCheck and krnl_bugcheck reports:
 * code, Windows name, parameters, culprit driver (from the backtrace, else
 * the caller's argument), symbolized frames, one report when two threads
 * bug check at once, the test hook.
 */
#include "krnl_test.h"
#include "pool_drv.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static int group_setup(void **state)
{
    (void)state;
    kt_setup_root();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kt_rm_rf(kt_root);
    return 0;
}

static void test_names(void **state)
{
    static const struct { ULONG code; const char *name; } want[] = {
        { 0x0A, "IRQL_NOT_LESS_OR_EQUAL" },
        { 0x35, "NO_MORE_IRP_STACK_LOCATIONS" },
        { 0x44, "MULTIPLE_IRP_COMPLETE_REQUESTS" },
        { 0x48, "CANCEL_STATE_IN_COMPLETED_IRP" },
        { 0xC2, "BAD_POOL_CALLER" },
        { 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION" },
        { 0x10D, "WDF_VIOLATION" },
        { 0x139, "KERNEL_SECURITY_CHECK_FAILURE" },
        { 0x09, "IRQL_NOT_GREATER_OR_EQUAL" },
        { 0x0F, "SPIN_LOCK_ALREADY_OWNED" },
        { 0x10, "SPIN_LOCK_NOT_OWNED" },
        { 0x1E, "KMODE_EXCEPTION_NOT_HANDLED" },
        { 0xD1, "DRIVER_IRQL_NOT_LESS_OR_EQUAL" },
        { 0x9F, "DRIVER_POWER_STATE_FAILURE" },
        { 0xE2, "MANUALLY_INITIATED_CRASH" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_non_null(krnl_bugcheck_name(want[i].code));
        assert_string_equal(krnl_bugcheck_name(want[i].code), want[i].name);
    }
    assert_null(krnl_bugcheck_name(0x12345));
}

static void ke_bugcheck_ex(void *arg)
{
    (void)arg;
    KeBugCheckEx(0x44, 0x1111, 0x2222, 0x3333, 0x4444);
}

static void test_kebugcheckex_report(void **state)
{
    int died;
    unsigned long long v;
    (void)state;
    char *r = kt_run_child(ke_bugcheck_ex, NULL, &died);
    assert_true(died);
    assert_non_null(r);
    assert_true(kt_has(r, "code", "\"0x00000044\""));
    assert_true(kt_has(r, "code_value", "68"));
    assert_true(kt_has(r, "name", "\"MULTIPLE_IRP_COMPLETE_REQUESTS\""));
    for (int i = 0; i < 4; i++) {
        assert_true(kt_param(r, i, &v));
        assert_int_equal(v, 0x1111ull * (unsigned)(i + 1));
    }
    assert_true(kt_has(r, "irql", "0"));
    assert_true(kt_has(r, "process", "\"test_bugcheck\""));
    /* no driver in the stack and none named */
    assert_true(kt_has(r, "driver", "null"));
    /* frames are symbolized: the executive's exported DDI is named */
    assert_non_null(strstr(r, "\"symbol\": \"KeBugCheckEx\""));
    assert_non_null(strstr(r, "libddkkrnl.so"));
    free(r);
}

static void ke_bugcheck_unknown(void *arg)
{
    (void)arg;
    KeBugCheck(0x7777);
}

static void test_unknown_code(void **state)
{
    int died;
    (void)state;
    char *r = kt_run_child(ke_bugcheck_unknown, NULL, &died);
    assert_true(died);
    assert_true(kt_has(r, "code", "\"0x00007777\""));
    assert_true(kt_has(r, "name", "\"UNKNOWN_BUGCHECK\""));
    free(r);
}

static void named_driver(void *arg)
{
    (void)arg;
    krnl_bugcheck(0x35, 0xAB, 0, 0, 0, "toaster.sys", "no more stack locations: \"%s\"\n", "x");
}

static void test_driver_argument(void **state)
{
    int died;
    (void)state;
    char *r = kt_run_child(named_driver, NULL, &died);
    assert_true(died);
    assert_true(kt_has(r, "name", "\"NO_MORE_IRP_STACK_LOCATIONS\""));
    assert_true(kt_has(r, "driver", "\"toaster.sys\""));
    assert_true(kt_has(r, "driver_source", "\"argument\""));
    /* the message is JSON-escaped */
    assert_true(kt_has(r, "message", "\"no more stack locations: \\\"x\\\"\\u000a\""));
    free(r);
}

static void driver_bugchecks(void *arg)
{
    const void *base = NULL;
    NTSTATUS (NTAPI *entry)(struct _DRIVER_OBJECT *, PUNICODE_STRING) = NULL;
    struct pool_drv_cmd cmd = { .op = POOL_DRV_BUGCHECK, .code = 0xC4 };
    (void)arg;
    if (!kt_load_driver("pool_drv", &base, &entry))
        _exit(0);
    entry((void *)&cmd, NULL);
}

static void test_culprit_from_backtrace(void **state)
{
    int died;
    (void)state;
    char *r = kt_run_child(driver_bugchecks, NULL, &died);
    assert_true(died);
    assert_true(kt_has(r, "name", "\"DRIVER_VERIFIER_DETECTED_VIOLATION\""));
    assert_true(kt_has(r, "driver", "\"pool_drv\""));
    assert_true(kt_has(r, "driver_source", "\"backtrace\""));
    assert_non_null(strstr(r, "\"culprit_frame\": \"pool_drv+0x"));
    free(r);
}

static void driver_crashes(void *arg)
{
    const void *base = NULL;
    NTSTATUS (NTAPI *entry)(struct _DRIVER_OBJECT *, PUNICODE_STRING) = NULL;
    struct pool_drv_cmd cmd = { .op = POOL_DRV_CRASH, .size = 0x10 };
    (void)arg;
    if (krnl_install_fault_handlers() < 1)
        _exit(0);
    if (!kt_load_driver("pool_drv", &base, &entry))
        _exit(0);
    entry((void *)&cmd, NULL);
}

static void test_fault_is_bugcheck(void **state)
{
    int died;
    unsigned long long v;
    (void)state;
#if defined(DDK_SANITIZE)
    skip();   /* ASan's own SEGV handler reports the fault */
#endif
    char *r = kt_run_child(driver_crashes, NULL, &died);
    assert_true(died);
    assert_non_null(r);
    assert_true(kt_has(r, "name", "\"KMODE_EXCEPTION_NOT_HANDLED\""));
    assert_true(kt_param(r, 0, &v));
    assert_int_equal(v, 0xC0000005);     /* STATUS_ACCESS_VIOLATION */
    assert_true(kt_param(r, 2, &v));
    assert_int_equal(v, 1);              /* a write */
    assert_true(kt_param(r, 3, &v));
    assert_int_equal(v, 0x10);           /* the address */
    assert_true(kt_has(r, "driver", "\"pool_drv\""));
    free(r);
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both;

static void *racer(void *arg)
{
    pthread_barrier_wait(&both);
    krnl_bugcheck(0x0A, (ULONG_PTR)arg, 0, 0, 0, NULL, "racer %d", (int)(uintptr_t)arg);
}

static void two_threads(void *arg)
{
    pthread_t t1, t2;
    (void)arg;
    /* bug check with a lock held and the logger in use elsewhere */
    pthread_mutex_lock(&held);
    pthread_barrier_init(&both, NULL, 2);
    pthread_create(&t1, NULL, racer, (void *)1);
    pthread_create(&t2, NULL, racer, (void *)2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
}

static int count_reports(pid_t pid)
{
    char dir[512], prefix[64];
    struct dirent *e;
    int n = 0;
    DIR *d;
    snprintf(dir, sizeof(dir), "%s/crash", kt_root);
    snprintf(prefix, sizeof(prefix), "bugcheck-%d-", (int)pid);
    d = opendir(dir);
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL)
        if (!strncmp(e->d_name, prefix, strlen(prefix)))
            n++;
    closedir(d);
    return n;
}

static void test_concurrent_bugchecks_one_report(void **state)
{
    int status;
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 2);
        two_threads(NULL);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_int_equal(count_reports(pid), 1);
}

static ULONG hook_code;
static char hook_path[4200];

static void hook(ULONG code, const char *path)
{
    hook_code = code;
    snprintf(hook_path, sizeof(hook_path), "%s", path);
    _exit(code == 0x139 ? 42 : 1);
}

static void fail_fast(void *arg)
{
    (void)arg;
    krnl_set_bugcheck_hook(hook);
    RtlFailFast(FAST_FAIL_CORRUPT_LIST_ENTRY);
}

static void test_hook_and_fail_fast(void **state)
{
    int status;
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 2);
        fail_fast(NULL);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 42);
    char *r = kt_read_report(pid);
    assert_true(kt_has(r, "name", "\"KERNEL_SECURITY_CHECK_FAILURE\""));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_kebugcheckex_report),
        cmocka_unit_test(test_unknown_code),
        cmocka_unit_test(test_driver_argument),
        cmocka_unit_test(test_culprit_from_backtrace),
        cmocka_unit_test(test_concurrent_bugchecks_one_report),
        cmocka_unit_test(test_hook_and_fail_fast),
        cmocka_unit_test(test_fault_is_bugcheck),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
