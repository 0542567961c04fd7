/*
 * test_registry_scale.c - 10,000 subkeys under one key (as 10,000 devices
 * will make): creation, lookup and enumeration stay linear overall (no
 * per-index rescans), plus a quick measurement of set/query costs printed
 * for the record.
 */
#include "regtest.h"

/* The sanitizer build checks the same paths with fewer keys (it runs
 * every test a second time; its timings say little). */
#ifdef DDK_SANITIZE
#define N_KEYS 2000
#else
#define N_KEYS 10000
#endif

static const struct reg_caller installer = { REG_CALLER_INSTALLER, "scale" };

static void test_ten_thousand(void **state)
{
    struct reg_key *root, *c;
    struct reg_txn *t;
    char name[32];
    HANDLE h;
    union { KEY_BASIC_INFORMATION b; UCHAR raw[256]; } buf;
    ULONG res;
    (void)state;

    assert_int_equal(reg_key_create(&installer, NULL, "\\Registry\\Machine\\System\\Enum",
                                    KEY_ALL_ACCESS, REG_CREATE_PARENTS, NULL, &root),
                     STATUS_SUCCESS);
    double t0 = regtest_now();
    assert_int_equal(reg_txn_begin(&installer, &t), STATUS_SUCCESS);
    for (int i = 0; i < N_KEYS; i++) {
        /* reverse order: sorting is the store's job */
        snprintf(name, sizeof(name), "Dev%05d", N_KEYS - 1 - i);
        assert_int_equal(reg_key_create(&installer, root, name, KEY_ALL_ACCESS, 0, NULL, &c),
                         STATUS_SUCCESS);
        assert_int_equal(reg_value_set_dword(&installer, c, "Index", (ULONG)(N_KEYS - 1 - i)),
                         STATUS_SUCCESS);
        reg_key_close(c);
    }
    assert_int_equal(reg_txn_commit(t), STATUS_SUCCESS);
    double t_create = regtest_now() - t0;

    assert_int_equal(zopen(&h, NULL, L"\\Registry\\Machine\\System\\Enum", KEY_READ),
                     STATUS_SUCCESS);
    double seg[10] = { 0 };
    t0 = regtest_now();
    for (ULONG i = 0; i < N_KEYS; i++) {
        double s = regtest_now();
        assert_int_equal(ZwEnumerateKey(h, i, KeyBasicInformation, &buf, sizeof(buf), &res),
                         STATUS_SUCCESS);
        seg[i / (N_KEYS / 10)] += regtest_now() - s;
        char want[32];
        snprintf(want, sizeof(want), "Dev%05u", i);
        for (int j = 0; j < 8; j++)
            assert_int_equal(((const WCHAR *)buf.b.Name)[j], (WCHAR)want[j]);
    }
    assert_int_equal(ZwEnumerateKey(h, N_KEYS, KeyBasicInformation, &buf, sizeof(buf), &res),
                     STATUS_NO_MORE_ENTRIES);
    double t_enum = regtest_now() - t0;

    t0 = regtest_now();
    for (int i = 0; i < N_KEYS; i++) {
        snprintf(name, sizeof(name), "dev%05d", (i * 7919) % N_KEYS);
        assert_int_equal(reg_key_open(&installer, root, name, KEY_READ, &c), STATUS_SUCCESS);
        reg_key_close(c);
    }
    double t_lookup = regtest_now() - t0;

    /* Random access by index still answers correctly (no cache misuse). */
    for (ULONG i = 0; i < 50; i++) {
        ULONG idx = (i * 4099) % N_KEYS;
        assert_int_equal(ZwEnumerateKey(h, idx, KeyBasicInformation, &buf, sizeof(buf), &res),
                         STATUS_SUCCESS);
        char want[32];
        snprintf(want, sizeof(want), "Dev%05u", idx);
        assert_int_equal(((const WCHAR *)buf.b.Name)[7], (WCHAR)want[7]);
        assert_int_equal(((const WCHAR *)buf.b.Name)[6], (WCHAR)want[6]);
    }

    printf("# %d keys: create+value in one transaction %.2f s (%.1f us/key), "
           "enumerate %.3f s (%.2f us/index), open by name %.2f us\n",
           N_KEYS, t_create, t_create * 1e6 / N_KEYS, t_enum, t_enum * 1e6 / N_KEYS,
           t_lookup * 1e6 / N_KEYS);
    /* Linear: the last tenth of the indexes costs about what the first did. */
    printf("# enumeration per tenth: first %.3f ms, last %.3f ms\n", seg[0] * 1e3, seg[9] * 1e3);
    assert_true(seg[9] < seg[0] * 5 + 0.05);
    ZwClose(h);

    /* Deleting the whole tree is one transaction too. */
    t0 = regtest_now();
    assert_int_equal(reg_key_delete_tree(&installer, root), STATUS_SUCCESS);
    printf("# delete tree of %d keys: %.2f s\n", N_KEYS, regtest_now() - t0);
    reg_key_close(root);
}

static void test_op_costs(void **state)
{
    HANDLE h, v;
    UNICODE_STRING n = US(L"Counter");
    union { KEY_VALUE_PARTIAL_INFORMATION i; UCHAR raw[64]; } buf;
    ULONG res;
    const int sets = 100, queries = 20000;
    (void)state;

    assert_int_equal(zcreate(&h, NULL, L"\\Registry\\Machine\\Software\\Perf", 0, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(zcreate(&v, h, L"Volatile", REG_OPTION_VOLATILE, NULL), STATUS_SUCCESS);
    double t0 = regtest_now();
    for (int i = 0; i < sets; i++)
        assert_int_equal(zset_dword(h, L"Counter", (ULONG)i), STATUS_SUCCESS);
    double t_set = (regtest_now() - t0) / sets;
    t0 = regtest_now();
    for (int i = 0; i < queries / 4; i++)
        assert_int_equal(zset_dword(v, L"Counter", (ULONG)i), STATUS_SUCCESS);
    double t_vset = (regtest_now() - t0) / (queries / 4);
    t0 = regtest_now();
    for (int i = 0; i < queries; i++)
        assert_int_equal(ZwQueryValueKey(h, &n, KeyValuePartialInformation, &buf, sizeof(buf),
                                         &res), STATUS_SUCCESS);
    double t_query = (regtest_now() - t0) / queries;
    assert_int_equal(*(ULONG *)buf.i.Data, (ULONG)(sets - 1));
    printf("# ZwSetValueKey durable %.1f us/op (data pages synced per commit), volatile %.2f us/op, "
           "ZwQueryValueKey %.2f us/op\n", t_set * 1e6, t_vset * 1e6, t_query * 1e6);
    ZwClose(v);
    ZwClose(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_op_costs, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_ten_thousand, regtest_setup, regtest_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
