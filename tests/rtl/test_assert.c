/*
 * test_assert.c - a failed ASSERT / NT_ASSERT / DbgBreakPoint without a
 * debugger ends in bug check 0x1E with a report; passing ones are silent.
 * Also RtlHashUnicodeString and RtlInitEmpty*String.
 */
#include <wdm.h>
#include "krnl/krnl.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

/* Runs fn in a child with a fresh state root; returns the report text. */
static char *crash_report(void (*fn)(void), char *root, size_t rootlen)
{
    static char text[16384];
    char dir[4200];
    pid_t pid;
    int st;
    DIR *d;
    struct dirent *e;

    snprintf(root, rootlen, "/tmp/ddk-rtl-assert-XXXXXX");
    assert_non_null(mkdtemp(root));
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);                   /* keep the test log readable */
        krnl_init(root);
        fn();
        _exit(0);                        /* not reached when the bug check fires */
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    snprintf(dir, sizeof(dir), "%s/crash", root);
    d = opendir(dir);
    assert_non_null(d);
    text[0] = 0;
    while ((e = readdir(d))) {
        char path[4600];
        FILE *f;
        size_t n;

        if (!strstr(e->d_name, ".json") || strstr(e->d_name, ".tmp"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        f = fopen(path, "r");
        n = fread(text, 1, sizeof(text) - 1, f);
        text[n] = 0;
        fclose(f);
    }
    closedir(d);
    return text;
}

static void cleanup(const char *root)
{
    char cmd[4200];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", root);
}

static void do_assert(void) { int x = 0; ASSERT(x == 1); }
static void do_nt_assert(void) { int x = 0; NT_ASSERTMSG("bad x", x == 1); }
static void do_break(void) { DbgBreakPoint(); }

static void test_assert_bugchecks(void **state)
{
    char root[64];
    char *r;

    (void)state;
    r = crash_report(do_assert, root, sizeof(root));
    assert_non_null(strstr(r, "\"code\": \"0x0000001E\""));
    assert_non_null(strstr(r, "0x80000003"));
    assert_non_null(strstr(r, "x == 1"));
    cleanup(root);
    r = crash_report(do_nt_assert, root, sizeof(root));
    assert_non_null(strstr(r, "\"code\": \"0x0000001E\""));
    assert_non_null(strstr(r, "0xc0000420"));
    assert_non_null(strstr(r, "bad x"));
    cleanup(root);
    r = crash_report(do_break, root, sizeof(root));
    assert_non_null(strstr(r, "\"code\": \"0x0000001E\""));
    cleanup(root);
}

static void test_passing_asserts(void **state)
{
    int x = 1;

    (void)state;
    ASSERT(x == 1);
    NT_ASSERT(x);
    assert_true(NT_VERIFY(x == 1));
    assert_true(ASSERTMSG("never", x));
}

static void test_hash_and_empty(void **state)
{
    UNICODE_STRING a = RTL_CONSTANT_STRING(L"ab"), b = RTL_CONSTANT_STRING(L"AB");
    ULONG ha, hb;
    WCHAR buf[4];
    char cbuf[3];
    UNICODE_STRING e;
    ANSI_STRING ae;

    (void)state;
    assert_int_equal(RtlHashUnicodeString(&a, FALSE, HASH_STRING_ALGORITHM_X65599, &ha),
                     STATUS_SUCCESS);
    assert_int_equal(ha, 'a' * 65599u + 'b');
    assert_int_equal(RtlHashUnicodeString(&a, TRUE, HASH_STRING_ALGORITHM_DEFAULT, &ha),
                     STATUS_SUCCESS);
    assert_int_equal(RtlHashUnicodeString(&b, TRUE, HASH_STRING_ALGORITHM_DEFAULT, &hb),
                     STATUS_SUCCESS);
    assert_int_equal(ha, hb);
    assert_int_equal(RtlHashUnicodeString(&a, TRUE, 7, &ha), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlHashUnicodeString(&a, TRUE, 0, NULL), STATUS_INVALID_PARAMETER);

    RtlInitEmptyUnicodeString(&e, buf, sizeof(buf));
    assert_int_equal(e.Length, 0);
    assert_int_equal(e.MaximumLength, 8);
    assert_ptr_equal(e.Buffer, buf);
    RtlInitEmptyAnsiString(&ae, cbuf, sizeof(cbuf));
    assert_int_equal(ae.MaximumLength, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assert_bugchecks),
        cmocka_unit_test(test_passing_asserts),
        cmocka_unit_test(test_hash_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
