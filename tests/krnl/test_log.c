/*
 * test_log.c - logging levels ($DDK_LOG_LEVEL), the journald format
 * ($JOURNAL_STREAM), no colours off a tty, and the state root layout made
 * on demand by krnl_state_dir.
 */
#include "krnl_test.h"

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

/* Logs one line per level with stderr in a file; returns what came out. */
static char *log_all_levels(int journal)
{
    char path[] = "/tmp/ddk-krnl-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    char *text = calloc(1, 8192);
    struct stat st;
    char js[64];

    unlink(path);
    dup2(fd, 2);
    fstat(2, &st);
    if (journal) {
        snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
                 (unsigned long long)st.st_ino);
        setenv("JOURNAL_STREAM", js, 1);
    } else {
        setenv("JOURNAL_STREAM", "1:1", 1);   /* someone else's stream */
    }
    krnl_log_reset();
    krnl_log(KRNL_LOG_ERROR, "line-error %d", 1);
    krnl_log(KRNL_LOG_WARN, "line-warning");
    krnl_log(KRNL_LOG_INFO, "line-info");
    krnl_log(KRNL_LOG_DEBUG, "line-debug\nsecond");
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, text, 8191);
    text[n > 0 ? n : 0] = 0;
    close(fd);
    unsetenv("JOURNAL_STREAM");
    return text;
}

static void test_levels(void **state)
{
    char *t;
    (void)state;

    setenv("DDK_LOG_LEVEL", "error", 1);
    t = log_all_levels(0);
    assert_non_null(strstr(t, "error: line-error 1\n"));
    assert_null(strstr(t, "line-warning"));
    free(t);

    setenv("DDK_LOG_LEVEL", "info", 1);
    t = log_all_levels(0);
    assert_non_null(strstr(t, "warning: line-warning\n"));
    assert_non_null(strstr(t, "info: line-info\n"));
    assert_null(strstr(t, "line-debug"));
    free(t);

    setenv("DDK_LOG_LEVEL", "debug", 1);
    t = log_all_levels(0);
    /* one record per line, even for a message with a newline */
    assert_non_null(strstr(t, "debug: line-debug second\n"));
    /* not a tty: no escape sequences */
    assert_null(strchr(t, '\033'));
    assert_non_null(strstr(t, "openddk["));
    free(t);

    unsetenv("DDK_LOG_LEVEL");
    t = log_all_levels(0);   /* default: warning */
    assert_non_null(strstr(t, "line-warning"));
    assert_null(strstr(t, "line-info"));
    free(t);
    assert_true(krnl_log_enabled(KRNL_LOG_ERROR));
    assert_false(krnl_log_enabled(KRNL_LOG_DEBUG));
}

static void test_journal_prefix(void **state)
{
    char *t;
    (void)state;
    setenv("DDK_LOG_LEVEL", "debug", 1);
    t = log_all_levels(1);
    assert_non_null(strstr(t, "<3>openddk: line-error 1\n"));
    assert_non_null(strstr(t, "<4>openddk: line-warning\n"));
    assert_non_null(strstr(t, "<6>openddk: line-info\n"));
    assert_non_null(strstr(t, "<7>openddk: line-debug second\n"));
    free(t);
    unsetenv("DDK_LOG_LEVEL");
    krnl_log_reset();
}

static int is_dir(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_state_dirs(void **state)
{
    char buf[4200], p[600];
    struct stat st;
    (void)state;

    assert_string_equal(krnl_root(), kt_root);
    /* made on demand, not by krnl_init */
    snprintf(p, sizeof(p), "%s/registry", kt_root);
    assert_false(is_dir(p));
    assert_int_equal(krnl_state_dir("registry", buf, sizeof(buf)), STATUS_SUCCESS);
    assert_string_equal(buf, p);
    assert_true(is_dir(p));
    assert_int_equal(krnl_state_dir("DriverData/Contoso/Toaster", buf, sizeof(buf)), STATUS_SUCCESS);
    assert_true(is_dir(buf));
    assert_int_equal(krnl_state_dir("run", buf, sizeof(buf)), STATUS_SUCCESS);
    assert_int_equal(krnl_state_dir("run", buf, sizeof(buf)), STATUS_SUCCESS);

    /* a symlink or a file where a directory belongs is refused */
    snprintf(p, sizeof(p), "%s/crash", kt_root);
    assert_int_equal(symlink("/tmp", p), 0);
    assert_int_equal(krnl_state_dir("crash", buf, sizeof(buf)), STATUS_OBJECT_TYPE_MISMATCH);
    unlink(p);
    assert_int_equal(krnl_state_dir("../escape", buf, sizeof(buf)), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(krnl_state_dir("crash", buf, 8), STATUS_NAME_TOO_LONG);

    /* a new root is private to its owner */
    char root2[600];
    snprintf(root2, sizeof(root2), "%s/nested/root", kt_root);
    assert_int_equal(krnl_init(root2), STATUS_SUCCESS);
    assert_int_equal(stat(root2, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(krnl_init(kt_root), STATUS_SUCCESS);
    assert_int_equal(krnl_init(""), STATUS_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_journal_prefix),
        cmocka_unit_test(test_state_dirs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
