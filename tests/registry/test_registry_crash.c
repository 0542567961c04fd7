/*
 * test_registry_crash.c - crash safety: a child process applies
 * multi-change transactions in a loop and is SIGKILLed at random points
 * (200 times; DDK_REG_KILLS overrides). After every kill the parent
 * reopens the registry and checks that each transaction is there entirely
 * or not at all: values A and B are equal, blob C matches A, exactly one
 * subkey S<A> exists, and A never goes backwards.
 */
#include "regtest.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#define CRASH_KEY "\\Registry\\Machine\\Software\\Crash"
#define CRASH_KEY_W L"\\Registry\\Machine\\Software\\Crash"

static const struct reg_caller installer = { REG_CALLER_INSTALLER, "crash-test" };

static void fill_blob(UCHAR *b, ULONG n, ULONG *len)
{
    *len = n % 3000 + 1;
    memset(b, (int)(n & 0xff), *len);
}

/* The child: never returns. Tells the parent on ready_fd once the
 * registry is open. */
static void writer(int ready_fd)
{
    struct reg_key *k;
    UCHAR blob[3001];
    ULONG a = 0, len;
    char name[32];
    HANDLE h;

    alarm(30);    /* never outlive a crashed parent */
    if (!NT_SUCCESS(reg_key_open(&installer, NULL, CRASH_KEY, KEY_ALL_ACCESS, &k)))
        _exit(2);
    if (!NT_SUCCESS(zopen(&h, NULL, CRASH_KEY_W, KEY_ALL_ACCESS)))
        _exit(2);
    if (write(ready_fd, "r", 1) != 1)
        _exit(2);
    for (;;) {
        struct reg_txn *t;
        struct reg_key *s;
        if (!NT_SUCCESS(reg_value_query_dword(&installer, k, "A", &a)))
            _exit(3);
        ULONG n = a + 1;
        if (!NT_SUCCESS(reg_txn_begin(&installer, &t)))
            _exit(4);
        if (n & 1) {
            if (!NT_SUCCESS(reg_value_set_dword(&installer, k, "A", n)) ||
                !NT_SUCCESS(reg_value_set_dword(&installer, k, "B", n)))
                _exit(5);
        } else {   /* the same through the DDIs, which join the transaction */
            if (!NT_SUCCESS(zset_dword(h, L"A", n)) || !NT_SUCCESS(zset_dword(h, L"B", n)))
                _exit(5);
        }
        fill_blob(blob, n, &len);
        if (!NT_SUCCESS(reg_value_set(&installer, k, "C", REG_BINARY, blob, len)))
            _exit(6);
        snprintf(name, sizeof(name), "S%u", n);
        if (!NT_SUCCESS(reg_key_create(&installer, k, name, KEY_ALL_ACCESS, 0, NULL, &s)))
            _exit(7);
        reg_key_close(s);
        snprintf(name, sizeof(name), "S%u", a);
        if (!NT_SUCCESS(reg_key_open(&installer, k, name, KEY_ALL_ACCESS, &s)) ||
            !NT_SUCCESS(reg_key_delete(&installer, s)))
            _exit(8);
        reg_key_close(s);
        if (!NT_SUCCESS(reg_txn_commit(t)))
            _exit(9);
    }
}

static void check_state(ULONG *a_out)
{
    struct reg_key *k;
    ULONG a, b, type, len, want_len, sub, vals;
    UCHAR blob[4000], want[3001];
    char name[64], expect[32];

    assert_int_equal(reg_key_open(&installer, NULL, CRASH_KEY, KEY_READ, &k), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_dword(&installer, k, "A", &a), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_dword(&installer, k, "B", &b), STATUS_SUCCESS);
    assert_int_equal(a, b);
    assert_int_equal(reg_value_query(&installer, k, "C", &type, blob, sizeof(blob), &len),
                     STATUS_SUCCESS);
    fill_blob(want, a, &want_len);
    assert_int_equal(len, want_len);
    assert_memory_equal(blob, want, len);
    assert_int_equal(reg_key_counts(k, &sub, &vals), STATUS_SUCCESS);
    assert_int_equal(sub, 1);
    assert_int_equal(vals, 3);
    assert_int_equal(reg_key_enum(&installer, k, 0, name, sizeof(name)), STATUS_SUCCESS);
    snprintf(expect, sizeof(expect), "S%u", a);
    assert_string_equal(name, expect);
    reg_key_close(k);
    *a_out = a;
}

static void test_sigkill_loop(void **state)
{
    int kills = 200, mid_progress = 0, ready = 0;
    const char *e = getenv("DDK_REG_KILLS");
    ULONG last = 0, a;
    struct reg_key *k, *s;
    double t0 = regtest_now();
    UCHAR blob[3001];
    ULONG len;
    (void)state;

    if (e && atoi(e) > 0)
        kills = atoi(e);
    /* Initial state: A = B = 0, C for 0, subkey S0. */
    assert_int_equal(reg_key_create(&installer, NULL, CRASH_KEY, KEY_ALL_ACCESS, 0, NULL, &k),
                     STATUS_SUCCESS);
    assert_int_equal(reg_value_set_dword(&installer, k, "A", 0), STATUS_SUCCESS);
    assert_int_equal(reg_value_set_dword(&installer, k, "B", 0), STATUS_SUCCESS);
    fill_blob(blob, 0, &len);
    assert_int_equal(reg_value_set(&installer, k, "C", REG_BINARY, blob, len), STATUS_SUCCESS);
    assert_int_equal(reg_key_create(&installer, k, "S0", KEY_ALL_ACCESS, 0, NULL, &s),
                     STATUS_SUCCESS);
    reg_key_close(s);
    reg_key_close(k);
    srand((unsigned)getpid());

    for (int i = 0; i < kills; i++) {
        reg_shutdown();       /* the child opens its own environment */
        int pfd[2];
        assert_int_equal(pipe(pfd), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(pfd[0]);
            writer(pfd[1]);
        }
        close(pfd[1]);
        struct timespec d;
        if (i % 2) {
            /* Kill blindly within 0..40 ms: sometimes while the child is
             * still opening the stores, else inside some transaction. */
            d = (struct timespec){ 0, (long)(rand() % 40000) * 1000 };
        } else {
            /* Wait until the child runs its loop, then 0..15 ms: inside a
             * transaction or its commit (one fdatasync) most of the time. */
            struct pollfd p = { pfd[0], POLLIN, 0 };
            char c;
            if (poll(&p, 1, 10000) == 1 && read(pfd[0], &c, 1) == 1)
                ready++;
            d = (struct timespec){ 0, (long)(rand() % 15000) * 1000 };
        }
        close(pfd[0]);
        nanosleep(&d, NULL);
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            fail_msg("writer exited with status %d instead of being killed",
                     WEXITSTATUS(status));
        check_state(&a);
        assert_true(a >= last);
        if (a > last)
            mid_progress++;
        last = a;
    }
    double dt = regtest_now() - t0;
    printf("# %d kills in %.1f s; %u transactions committed; progress seen after %d kills; "
           "%d kills after the writer was ready\n", kills, dt, last, mid_progress, ready);
    assert_true(ready >= kills / 2 - 2);
    /* The writer got real work done between many of the kills. */
    assert_true(mid_progress >= kills / 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sigkill_loop, regtest_setup, regtest_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
