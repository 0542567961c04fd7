/*
 * test_registry_internal.c - the internal API of reg.h: UTF-8 paths,
 * installer transactions (atomic commit/abort, Zw calls joining them),
 * the read-only-at-run-time flag, security descriptor blobs, delete_tree,
 * handles of other object types.
 */
#include "regtest.h"
#include "ob/ob.h"

static const struct reg_caller installer = { REG_CALLER_INSTALLER, "installer" };
static const struct reg_caller kernel = { REG_CALLER_KERNEL, "test" };

static void test_utf8_api(void **state)
{
    struct reg_key *k, *c;
    ULONG disp, v, type, needed;
    char buf[256];
    (void)state;

    assert_int_equal(reg_key_create(&kernel, NULL, "\\Registry\\Machine\\Software\\Ünïcode/Sub",
                                    KEY_ALL_ACCESS, REG_CREATE_PARENTS, &disp, &k),
                     STATUS_SUCCESS);
    assert_int_equal(disp, REG_CREATED_NEW_KEY);
    assert_int_equal(reg_key_path(k, buf, sizeof(buf)), STATUS_SUCCESS);
    assert_string_equal(buf, "\\REGISTRY\\MACHINE\\Software\\Ünïcode\\Sub");
    assert_int_equal(reg_value_set_dword(&kernel, k, "Count", 3), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_dword(&kernel, k, "count", &v), STATUS_SUCCESS);
    assert_int_equal(v, 3);
    assert_int_equal(reg_value_set_string(&kernel, k, "Where", REG_EXPAND_SZ,
                                          "%ProgramData%\\Ünï"), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_string(&kernel, k, "Where", 1, buf, sizeof(buf)),
                     STATUS_SUCCESS);
    char want[512];
    snprintf(want, sizeof(want), "%s/ProgramData\\Ünï", regtest_root);
    assert_string_equal(buf, want);
    assert_int_equal(reg_value_query_string(&kernel, k, "Where", 0, buf, 4),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(reg_value_query_dword(&kernel, k, "Where", &v), STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(reg_value_query(&kernel, k, "Count", &type, NULL, 0, &needed),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(needed, 4);
    assert_int_equal(type, REG_DWORD);

    assert_int_equal(reg_key_create(&kernel, k, "Child", KEY_ALL_ACCESS, 0, NULL, &c),
                     STATUS_SUCCESS);
    assert_int_equal(reg_key_enum(&kernel, k, 0, buf, sizeof(buf)), STATUS_SUCCESS);
    assert_string_equal(buf, "Child");
    assert_int_equal(reg_key_enum(&kernel, k, 1, buf, sizeof(buf)), STATUS_NO_MORE_ENTRIES);
    assert_int_equal(reg_value_enum(&kernel, k, 1, buf, sizeof(buf), &type, NULL, 0, &needed),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(buf, "Where");
    ULONG sub, vals;
    assert_int_equal(reg_key_counts(k, &sub, &vals), STATUS_SUCCESS);
    assert_int_equal(sub, 1);
    assert_int_equal(vals, 2);
    assert_int_equal(reg_key_delete(&kernel, k), STATUS_CANNOT_DELETE);
    assert_int_equal(reg_key_delete_tree(&kernel, k), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_dword(&kernel, c, "x", &v), STATUS_KEY_DELETED);
    reg_key_close(c);
    reg_key_close(k);
    assert_int_equal(reg_key_open(&kernel, NULL, "\\Registry\\Machine\\Software\\ünïcode",
                                  KEY_READ, &k), STATUS_SUCCESS);
    assert_int_equal(reg_key_counts(k, &sub, &vals), STATUS_SUCCESS);
    assert_int_equal(sub, 0);
    reg_key_close(k);
}

static void test_txn(void **state)
{
    struct reg_key *k;
    struct reg_txn *t;
    ULONG v;
    HANDLE h;
    (void)state;

    assert_int_equal(reg_key_create(&installer, NULL, "\\Registry\\Machine\\Software\\Txn",
                                    KEY_ALL_ACCESS, 0, NULL, &k), STATUS_SUCCESS);
    /* Aborted: nothing of it stays, including a key created through Zw. */
    assert_int_equal(reg_txn_begin(&installer, &t), STATUS_SUCCESS);
    assert_int_equal(reg_txn_begin(&installer, &t), STATUS_INVALID_DEVICE_STATE);
    assert_int_equal(reg_value_set_dword(&installer, k, "A", 1), STATUS_SUCCESS);
    assert_int_equal(reg_value_set_dword(&installer, k, "B", 1), STATUS_SUCCESS);
    assert_int_equal(zcreate(&h, NULL, L"\\Registry\\Machine\\Software\\Txn\\ViaZw", 0, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(zset_dword(h, L"Z", 9), STATUS_SUCCESS);
    assert_int_equal(zget_dword(h, L"Z"), 9);     /* visible inside */
    /* A failing operation inside leaves the rest of the transaction alone. */
    assert_int_equal(zcreate(&h, NULL, L"\\Registry\\Machine\\Software\\Nope\\X", 0, NULL),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(reg_value_query_dword(&installer, k, "A", &v), STATUS_SUCCESS);
    reg_txn_abort(t);
    assert_int_equal(reg_value_query_dword(&kernel, k, "A", &v), STATUS_OBJECT_NAME_NOT_FOUND);
    ZwClose(h);
    assert_int_equal(zopen(&h, NULL, L"\\Registry\\Machine\\Software\\Txn\\ViaZw", KEY_READ),
                     STATUS_OBJECT_NAME_NOT_FOUND);

    /* Committed: all of it, durably. */
    assert_int_equal(reg_txn_begin(&installer, &t), STATUS_SUCCESS);
    assert_int_equal(reg_value_set_dword(&installer, k, "A", 2), STATUS_SUCCESS);
    assert_int_equal(reg_value_set_dword(&installer, k, "B", 2), STATUS_SUCCESS);
    assert_int_equal(zcreate(&h, NULL, L"\\Registry\\Machine\\Software\\Txn\\ViaZw", 0, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(reg_txn_commit(t), STATUS_SUCCESS);
    ZwClose(h);

    /* A call that fails half-way dooms the transaction: deleting a tree
     * (as a non-installer) that holds a read-only key deep inside. */
    struct reg_key *tree, *ro;
    assert_int_equal(reg_key_create(&installer, k, "Tree\\A", KEY_ALL_ACCESS, REG_CREATE_PARENTS,
                                    NULL, &ro), STATUS_SUCCESS);
    reg_key_close(ro);
    assert_int_equal(reg_key_create(&installer, k, "Tree\\B", KEY_ALL_ACCESS, 0, NULL, &ro),
                     STATUS_SUCCESS);
    assert_int_equal(reg_key_set_readonly(&installer, ro, TRUE), STATUS_SUCCESS);
    reg_key_close(ro);
    assert_int_equal(reg_key_open(&installer, k, "Tree", KEY_ALL_ACCESS, &tree), STATUS_SUCCESS);
    assert_int_equal(reg_txn_begin(&installer, &t), STATUS_SUCCESS);
    assert_int_equal(reg_value_set_dword(&installer, k, "C", 3), STATUS_SUCCESS);
    assert_int_equal(reg_key_delete_tree(&kernel, tree), STATUS_ACCESS_DENIED);
    assert_int_equal(reg_txn_commit(t), STATUS_ACCESS_DENIED);
    assert_int_equal(reg_value_query_dword(&kernel, k, "C", &v), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(reg_key_open(&kernel, tree, "A", KEY_READ, &ro), STATUS_SUCCESS);
    reg_key_close(ro);
    reg_key_close(tree);
    reg_key_close(k);
    regtest_restart();
    assert_int_equal(reg_key_open(&kernel, NULL, "\\Registry\\Machine\\Software\\Txn", KEY_READ,
                                  &k), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_dword(&kernel, k, "A", &v), STATUS_SUCCESS);
    assert_int_equal(v, 2);
    assert_int_equal(reg_value_query_dword(&kernel, k, "B", &v), STATUS_SUCCESS);
    assert_int_equal(v, 2);
    assert_int_equal(zopen(&h, NULL, L"\\Registry\\Machine\\Software\\Txn\\ViaZw", KEY_READ),
                     STATUS_SUCCESS);
    ZwClose(h);
    reg_key_close(k);
}

static void test_readonly(void **state)
{
    struct reg_key *svc, *par;
    HANDLE h, c;
    ULONG v;
    (void)state;

    assert_int_equal(reg_key_create(&installer, NULL,
                                    "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Ro",
                                    KEY_ALL_ACCESS, 0, NULL, &svc), STATUS_SUCCESS);
    assert_int_equal(reg_key_create(&installer, svc, "Parameters", KEY_ALL_ACCESS, 0, NULL, &par),
                     STATUS_SUCCESS);
    assert_int_equal(reg_value_set_dword(&installer, par, "Speed", 10), STATUS_SUCCESS);
    assert_int_equal(reg_key_set_readonly(&kernel, par, TRUE), STATUS_ACCESS_DENIED);
    assert_int_equal(reg_key_set_readonly(&installer, par, TRUE), STATUS_SUCCESS);
    assert_true(reg_key_is_readonly(par));
    assert_false(reg_key_is_readonly(svc));

    /* A driver (any non-installer caller) may read but not change it. */
    assert_int_equal(zopen(&h, NULL, L"\\Registry\\Machine\\System\\CurrentControlSet\\Services"
                                     L"\\Ro\\Parameters", KEY_ALL_ACCESS), STATUS_SUCCESS);
    assert_int_equal(zget_dword(h, L"Speed"), 10);
    assert_int_equal(zset_dword(h, L"Speed", 11), STATUS_ACCESS_DENIED);
    UNICODE_STRING n = US(L"Speed");
    assert_int_equal(ZwDeleteValueKey(h, &n), STATUS_ACCESS_DENIED);
    assert_int_equal(zcreate(&c, h, L"Sub", 0, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"Ro\\Parameters", L"X",
                                           REG_DWORD, &v, 4), STATUS_ACCESS_DENIED);
    assert_int_equal(ZwDeleteKey(h), STATUS_ACCESS_DENIED);
    KEY_WRITE_TIME_INFORMATION wt = { { .QuadPart = 1 } };
    assert_int_equal(ZwSetInformationKey(h, KeyWriteTimeInformation, &wt, sizeof(wt)),
                     STATUS_ACCESS_DENIED);

    /* The installer may, also through Zw on its thread. */
    reg_set_thread_caller(&installer);
    assert_int_equal(zset_dword(h, L"Speed", 12), STATUS_SUCCESS);
    assert_int_equal(zcreate(&c, h, L"Sub", 0, NULL), STATUS_SUCCESS);
    reg_set_thread_caller(NULL);
    assert_int_equal(zget_dword(h, L"Speed"), 12);
    /* Below a read-only key is read-only too. */
    assert_int_equal(zset_dword(c, L"Y", 1), STATUS_ACCESS_DENIED);
    ZwClose(c);
    /* The flag persists. */
    ZwClose(h);
    reg_key_close(par);
    regtest_restart();
    assert_int_equal(reg_key_open(&kernel, svc, "PARAMETERS", KEY_READ, &par), STATUS_SUCCESS);
    assert_true(reg_key_is_readonly(par));
    assert_int_equal(reg_value_set_dword(&kernel, par, "Speed", 1), STATUS_ACCESS_DENIED);
    assert_int_equal(reg_key_set_readonly(&installer, par, FALSE), STATUS_SUCCESS);
    assert_int_equal(reg_value_set_dword(&kernel, par, "Speed", 1), STATUS_SUCCESS);
    reg_key_close(par);
    reg_key_close(svc);
}

static void test_security_blob(void **state)
{
    /* A self-relative SD: revision 1, SE_SELF_RELATIVE|SE_DACL_PRESENT,
     * owner S-1-5-18 at 20, DACL (empty ACL, 8 bytes) at 32. */
    static const UCHAR sd[] = {
        1, 0, 0x04, 0x80, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0,
        1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0,
        2, 0, 8, 0, 0, 0, 0, 0,
    };
    UCHAR back[64];
    ULONG needed;
    HANDLE h;
    UNICODE_STRING n = US(L"\\Registry\\Machine\\Software\\Secured");
    OBJECT_ATTRIBUTES oa;
    struct reg_key *k;
    (void)state;

    InitializeObjectAttributes(&oa, &n, OBJ_CASE_INSENSITIVE, NULL, (PVOID)sd);
    assert_int_equal(ZwCreateKey(&h, KEY_ALL_ACCESS, &oa, 0, NULL, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(reg_key_from_handle(h, 0, &k), STATUS_SUCCESS);
    assert_int_equal(reg_key_get_security(k, back, 4, &needed), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(needed, sizeof(sd));
    assert_int_equal(reg_key_get_security(k, back, sizeof(back), &needed), STATUS_SUCCESS);
    assert_memory_equal(back, sd, sizeof(sd));
    /* Replace it, then remove it; garbage is refused. */
    assert_int_equal(reg_key_set_security(&kernel, k, sd, sizeof(sd) - 1),
                     STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(reg_key_set_security(&kernel, k, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(reg_key_get_security(k, back, sizeof(back), &needed), STATUS_SUCCESS);
    assert_int_equal(needed, 0);
    reg_key_close(k);
    ZwClose(h);

    /* An absolute SD is stored self-relative. */
    struct { UCHAR rev, sbz; USHORT control; PVOID owner, group, sacl, dacl; } abs_sd = {
        1, 0, 0x0004, (PVOID)(sd + 20), NULL, NULL, (PVOID)(sd + 32) };
    UNICODE_STRING n2 = US(L"\\Registry\\Machine\\Software\\Secured2");
    InitializeObjectAttributes(&oa, &n2, OBJ_CASE_INSENSITIVE, NULL, &abs_sd);
    assert_int_equal(ZwCreateKey(&h, KEY_ALL_ACCESS, &oa, 0, NULL, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(reg_key_from_handle(h, KEY_READ, &k), STATUS_SUCCESS);
    assert_int_equal(reg_key_get_security(k, back, sizeof(back), &needed), STATUS_SUCCESS);
    assert_int_equal(needed, 40);
    assert_int_equal(back[3] & 0x80, 0x80);
    reg_key_close(k);
    ZwClose(h);
}

static void test_handle_types(void **state)
{
    UNICODE_STRING dn = US(L"\\RegTestDir");
    void *dir;
    HANDLE dh, h;
    union { KEY_BASIC_INFORMATION b; UCHAR raw[256]; } buf;
    ULONG res;
    (void)state;

    assert_int_equal(ob_create_directory(&dn, &dir), STATUS_SUCCESS);
    assert_int_equal(ob_open_handle(dir, DIRECTORY_ALL_ACCESS, OBJ_KERNEL_HANDLE, &dh),
                     STATUS_SUCCESS);
    assert_int_equal(zset_dword(dh, L"v", 1), STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(ZwQueryKey(dh, KeyBasicInformation, &buf, sizeof(buf), &res),
                     STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(zopen(&h, dh, L"x", KEY_READ), STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(ZwDeleteKey(dh), STATUS_OBJECT_TYPE_MISMATCH);
    ZwClose(dh);
    ob_dereference(dir);

    /* Key objects are ob objects: no leak after closing everything. */
    LONG before = ob_type_object_count(*CmKeyObjectType);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(zcreate(&h, NULL, L"\\Registry\\Machine\\Software\\Leak", 0, NULL),
                         STATUS_SUCCESS);
        ZwClose(h);
    }
    assert_int_equal(ob_type_object_count(*CmKeyObjectType), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_utf8_api, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_txn, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_readonly, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_security_blob, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_handle_types, regtest_setup, regtest_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
