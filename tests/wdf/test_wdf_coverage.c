/*
 * test_wdf_coverage.c - ddk-cc --coverage --json agrees with the list
 * the function tables come from (src/wdf/wdf_functions.def), the
 * checked-in generated files are current, and the tables the executive
 * hands out have the documented sizes and trap where the list says stub.
 */
#define _GNU_SOURCE
#include "wdf/fx.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 20, n = 0;
    char *out = malloc(cap);
    size_t r;
    while ((r = fread(out + n, 1, cap - 1 - n, p)) > 0)
        n += r;
    out[n] = 0;
    assert_int_equal(pclose(p), 0);
    return out;
}

/* Counts the strings of the JSON array after "key": [ within the object
 * that starts at obj; checks each is a Wdf name. */
static int count_array(const char *obj, const char *key)
{
    char needle[64];
    snprintf(needle, sizeof needle, "\"%s\": [", key);
    const char *p = strstr(obj, needle);
    assert_non_null(p);
    p += strlen(needle);
    int n = 0;
    while (*p != ']') {
        assert_int_equal(*p == ',' || *p == ' ' || *p == '"', 1);
        if (*p == '"') {
            assert_int_equal(strncmp(p + 1, "Wdf", 3), 0);
            p = strchr(p + 1, '"');
            assert_non_null(p);
            n++;
        }
        p++;
    }
    return n;
}

static void def_counts(int *k_total, int *k_impl, int *u_total, int *u_impl)
{
    FILE *f = fopen(DDK_SOURCE_DIR "/src/wdf/wdf_functions.def", "r");
    char line[512], name[128], k[16], u[16], st[16];
    assert_non_null(f);
    *k_total = *k_impl = *u_total = *u_impl = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || sscanf(line, "%127s %15s %15s %15s", name, k, u, st) != 4)
            continue;
        int impl = strcmp(st, "impl") == 0;
        if (strcmp(k, "-")) { (*k_total)++; *k_impl += impl; }
        if (strcmp(u, "-")) { (*u_total)++; *u_impl += impl; }
    }
    fclose(f);
}

static void test_json_matches_list(void **state)
{
    (void)state;
    int kt, ki, ut, ui;
    def_counts(&kt, &ki, &ut, &ui);
    assert_int_equal(kt, 458);
    assert_int_equal(ut, 273);
    char *out = run(DDK_BUILD_DIR "/bin/ddk-cc --coverage --json");
    const char *k = strstr(out, "\"kmdf\": {\"total\": 458,");
    const char *u = strstr(out, "\"umdf\": {\"total\": 273,");
    assert_non_null(k);
    assert_non_null(u);
    assert_int_equal(count_array(k, "implemented"), ki);
    assert_int_equal(count_array(k, "stub"), kt - ki);
    assert_int_equal(count_array(u, "implemented"), ui);
    assert_int_equal(count_array(u, "stub"), ut - ui);
    assert_true(ki > 0);
    free(out);
    out = run(DDK_BUILD_DIR "/bin/ddk-cc --coverage");
    char want[128];
    snprintf(want, sizeof want, "KMDF 1.33: %d of 458 DDIs implemented", ki);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "kmdf 207 impl WdfObjectCreate"));
    free(out);
}

static void test_generated_files_current(void **state)
{
    (void)state;
    if (system("python3 -c 0 >/dev/null 2>&1") != 0)
        skip();
    free(run("python3 " DDK_SOURCE_DIR "/src/wdf/gen_wdf.py --check"));
}

static void test_tables(void **state)
{
    (void)state;
    assert_int_equal(fx_kmdf_function_count, 458);
    assert_int_equal(fx_umdf_function_count, 273);
    for (ULONG i = 0; i < fx_kmdf_table_size; i++) {
        assert_non_null(fx_kmdf_functions[i].fn);
        assert_int_equal(fx_kmdf_functions[i].state == 2, i >= fx_kmdf_function_count);
    }
    for (ULONG i = 0; i < fx_umdf_table_size; i++) {
        assert_non_null(fx_umdf_functions[i].fn);
        assert_int_equal(fx_umdf_functions[i].state == 2, i >= fx_umdf_function_count);
    }
    /* The enum and the tables agree on where a function lives. */
    assert_string_equal(fx_kmdf_functions[WdfObjectCreateTableIndex].name, "WdfObjectCreate");
    assert_string_equal(fx_kmdf_functions[WdfDriverCreateTableIndex].name, "WdfDriverCreate");
    assert_string_equal(fx_umdf_functions[128].name, "WdfObjectCreate");
    assert_string_equal(fx_kmdf_functions[457].name, "WdfDeviceSetDeviceInterfaceStateEx");
    assert_string_equal(fx_umdf_functions[272].name, "WdfDeviceSetDeviceInterfaceStateEx");
    /* A stub slot traps with STATUS_NOT_IMPLEMENTED. */
    assert_int_equal(fx_kmdf_functions[WdfInterruptCreateTableIndex].state, 0);
    assert_int_equal((NTSTATUS)fx_trap(FX_MODEL_KMDF, WdfInterruptCreateTableIndex),
                     STATUS_NOT_IMPLEMENTED);
}

static void test_bind_checks_version(void **state)
{
    (void)state;
    PWDF_DRIVER_GLOBALS g = NULL;
    const WDFFUNC *t = NULL;
    assert_int_equal(wdf_bind(1, 1, 35, 470, NULL, &g, &t), STATUS_REVISION_MISMATCH);
    assert_int_equal(wdf_bind(1, 2, 33, 458, NULL, &g, &t), STATUS_REVISION_MISMATCH);
    assert_int_equal(wdf_bind(2, 2, 33, 300, NULL, &g, &t), STATUS_REVISION_MISMATCH);
    assert_null(g);
    /* an older minor version with a shorter table binds */
    assert_int_equal(wdf_bind(1, 1, 15, 400, NULL, &g, &t), STATUS_SUCCESS);
    assert_non_null(g);
    assert_ptr_equal(t[WdfObjectCreateTableIndex], fx_kmdf_functions[WdfObjectCreateTableIndex].fn);
    /* the same globals cannot bind twice */
    const WDFFUNC *t2 = NULL;
    assert_int_equal(wdf_bind(1, 1, 33, 458, NULL, &g, &t2), STATUS_IMAGE_ALREADY_LOADED);
    wdf_unbind(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_matches_list),
        cmocka_unit_test(test_generated_files_current),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_bind_checks_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
