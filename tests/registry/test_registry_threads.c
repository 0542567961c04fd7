/*
 * test_registry_threads.c - several threads at once: writers on their own
 * keys and a shared one, readers enumerating, an installer transaction in
 * the middle. Nothing fails, nothing deadlocks, the end state adds up.
 */
#include "regtest.h"

#include <pthread.h>

#define THREADS 4
#define ROUNDS 150

static const struct reg_caller installer = { REG_CALLER_INSTALLER, "threads" };

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    WCHAR name[64];
    HANDLE shared, own;
    union { KEY_BASIC_INFORMATION b; UCHAR raw[256]; } buf;
    ULONG res;

    if (!NT_SUCCESS(zopen(&shared, NULL, L"\\Registry\\Machine\\Software\\Shared",
                          KEY_ALL_ACCESS)))
        return (void *)1;
    for (int i = 0; i < ROUNDS; i++) {
        /* a volatile key per round: cheap writes, and a durable value */
        int n = 0;
        const char *fmt = "T%d_%d";
        char a[32];
        snprintf(a, sizeof(a), fmt, id, i);
        for (n = 0; a[n]; n++)
            name[n] = (WCHAR)a[n];
        name[n] = 0;
        if (!NT_SUCCESS(zcreate(&own, shared, name, REG_OPTION_VOLATILE, NULL)))
            return (void *)2;
        if (!NT_SUCCESS(zset_dword(own, L"v", (ULONG)i)))
            return (void *)3;
        if (zget_dword(own, L"v") != (ULONG)i)
            return (void *)4;
        ZwClose(own);
        if (i % 10 == 0 && !NT_SUCCESS(zset_dword(shared, name, (ULONG)i)))
            return (void *)5;
        for (ULONG k = 0; k < 5; k++) {
            NTSTATUS st = ZwEnumerateKey(shared, k, KeyBasicInformation, &buf, sizeof(buf), &res);
            if (!NT_SUCCESS(st) && st != STATUS_NO_MORE_ENTRIES)
                return (void *)6;
        }
        if (id == 0 && i == ROUNDS / 2) {
            struct reg_txn *t;
            struct reg_key *k;
            if (!NT_SUCCESS(reg_txn_begin(&installer, &t)))
                return (void *)7;
            if (!NT_SUCCESS(reg_key_open(&installer, NULL, "\\Registry\\Machine\\Software\\Shared",
                                         KEY_ALL_ACCESS, &k)))
                return (void *)8;
            reg_value_set_dword(&installer, k, "X", 1);
            reg_value_set_dword(&installer, k, "Y", 1);
            reg_key_close(k);
            if (!NT_SUCCESS(reg_txn_commit(t)))
                return (void *)9;
        }
    }
    ZwClose(shared);
    return NULL;
}

static void test_concurrent(void **state)
{
    pthread_t th[THREADS];
    HANDLE h;
    union { KEY_FULL_INFORMATION f; UCHAR raw[256]; } buf;
    ULONG res;
    (void)state;

    assert_int_equal(zcreate(&h, NULL, L"\\Registry\\Machine\\Software\\Shared", 0, NULL),
                     STATUS_SUCCESS);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        assert_null(r);
    }
    assert_int_equal(ZwQueryKey(h, KeyFullInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(buf.f.SubKeys, THREADS * ROUNDS);
    assert_int_equal(buf.f.Values, THREADS * (ROUNDS / 10) + 2);
    ZwClose(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_concurrent, regtest_setup, regtest_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
