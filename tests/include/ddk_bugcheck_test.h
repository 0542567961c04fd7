/*
 * ddk_bugcheck_test.h - the fork-and-misuse harness shared by the layers'
 * tests: misuse() runs in a forked child whose state root is a fresh
 * directory; the test passes when the child died and wrote a bug-check
 * report with the expected code (and, when text is not NULL, containing
 * text). Include after <cmocka.h>.
 */
#ifndef DDK_BUGCHECK_TEST_H
#define DDK_BUGCHECK_TEST_H

#include <wdm.h>
#include "krnl/krnl.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static inline void ddk_expect_bugcheck_text(ULONG code, const char *text, void (*misuse)(void))
{
    char dir[] = "/tmp/ddk-bugcheck-XXXXXX";
    char want[64], path[512], buf[16384];
    int status, found = 0;
    pid_t pid;

    assert_non_null(mkdtemp(dir));
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* cmocka's handlers would longjmp a crashing child back into the
         * test runner, which would then run the remaining tests itself. */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGILL, SIG_DFL);
        signal(SIGFPE, SIG_DFL);
        krnl_init(dir);
        misuse();
        _exit(0); /* misuse did not stop the system: the test fails */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    snprintf(want, sizeof(want), "\"code\": \"0x%08X\"", (unsigned)code);
    snprintf(path, sizeof(path), "%s/crash", dir);
    DIR *d = opendir(path);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, "bugcheck-", 9))
            continue;
        snprintf(path, sizeof(path), "%s/crash/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
        if (f)
            fclose(f);
        buf[n] = 0;
        if (strstr(buf, want) && (!text || strstr(buf, text)))
            found = 1;
        unlink(path);
    }
    closedir(d);
    snprintf(path, sizeof(path), "%s/crash", dir);
    rmdir(path);
    rmdir(dir);
    if (!found)
        fail_msg("no bug-check report with code 0x%X%s%s", (unsigned)code,
                 text ? " and text " : "", text ? text : "");
}

#endif /* DDK_BUGCHECK_TEST_H */
