/*
 * test_infcheck.c - the package isolation checks (`infverif /w`): every
 * rule has an INF in tests/store/inf/ whose offending lines carry a
 * "; expect CODE..." comment; the check must report exactly those codes at
 * exactly those lines. The INFs of the repository give no findings.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "store/infcheck.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define INF_DIR DDK_SOURCE_DIR "/tests/store/inf"
#define SYS_INF_DIR DDK_SOURCE_DIR "/src/store/inf"

static bool has(const struct infcheck_result *r, const char *file_suffix, unsigned line,
                unsigned code)
{
    for (unsigned i = 0; i < r->n; i++) {
        size_t fl = strlen(r->v[i].file), sl = strlen(file_suffix);
        if (r->v[i].line == line && r->v[i].code == code && fl >= sl &&
            strcmp(r->v[i].file + fl - sl, file_suffix) == 0)
            return true;
    }
    return false;
}

static void dump(const struct infcheck_result *r)
{
    for (unsigned i = 0; i < r->n; i++)
        print_message("  %s:%u: %s %u: %s\n", r->v[i].file, r->v[i].line,
                      r->v[i].error ? "error" : "warning", r->v[i].code, r->v[i].message);
}

/* Checks name against its "; expect" markers: each present, nothing else. */
static void check_marked(const char *name, unsigned flags)
{
    struct infcheck_result r = { 0 };
    char path[4096], text[512];
    unsigned lineno = 0, expected = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", INF_DIR, name);
    infcheck_file(path, SYS_INF_DIR, flags, &r);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(text, sizeof(text), f)) {
        const char *m = strstr(text, "; expect ");
        lineno++;
        if (!m)
            continue;
        for (char *p = (char *)m + 9; *p; ) {
            char *end;
            unsigned long code = strtoul(p, &end, 10);
            if (end == p)
                break;
            expected++;
            if (!has(&r, name, lineno, (unsigned)code)) {
                dump(&r);
                fail_msg("%s:%u: expected finding %lu", name, lineno, code);
            }
            p = end;
        }
    }
    fclose(f);
    if (r.n != expected) {
        dump(&r);
        fail_msg("%s: %u findings, %u expected", name, r.n, expected);
    }
    infcheck_free(&r);
}

static void test_each_rule(void **state)
{
    static const char *const rules[] = {
        "rule_1001.inf", "rule_1002.inf", "rule_1003.inf", "rule_1100_rename.inf",
        "rule_1100_subdir.inf", "rule_1199.inf", "rule_1235.inf", "rule_1284.inf",
        "rule_1296_nosection.inf", "rule_1296_noassoc.inf", "rule_1300.inf", "rule_1301.inf",
        "rule_1302.inf", "rule_1303.inf", "rule_1305_append.inf", "rule_1305_delstring.inf",
        "rule_1320.inf", "rule_1321.inf", "rule_1322.inf", "rule_1324.inf", "rule_1330.inf",
        "rule_2092.inf", "needs_loop.inf", "good_pnp.inf", "good_umdf.inf",
    };
    (void)state;
    for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        check_marked(rules[i], 0);
}

static void test_levels_and_samples(void **state)
{
    struct infcheck_result r = { 0 };
    (void)state;

    /* 1284 is accepted for sample packages */
    check_marked("good_pnp.inf", INFCHECK_SAMPLES);
    assert_int_equal(infcheck_file(INF_DIR "/rule_1284.inf", SYS_INF_DIR, INFCHECK_SAMPLES,
                                   &r), 0);
    assert_int_equal(r.n, 0);
    infcheck_free(&r);

    /* 2092 is a warning: the package still installs */
    assert_int_equal(infcheck_file(INF_DIR "/rule_2092.inf", SYS_INF_DIR, 0, &r), 0);
    assert_int_equal(r.warnings, 1);
    assert_false(r.v[0].error);
    infcheck_free(&r);

    /* every isolation rule is an error under /w */
    assert_int_equal(infcheck_file(INF_DIR "/rule_1322.inf", SYS_INF_DIR, 0, &r), 1);
    assert_true(r.v[0].error);
    infcheck_free(&r);
}

static void test_include_loop_names_the_line(void **state)
{
    struct infcheck_result r = { 0 };
    (void)state;
    infcheck_file(INF_DIR "/loop_a.inf", SYS_INF_DIR, 0, &r);
    if (!has(&r, "loop_b.inf", 6, 1002)) {
        dump(&r);
        fail_msg("no 1002 at loop_b.inf:6");
    }
    infcheck_free(&r);
}

static void test_repository_infs_are_clean(void **state)
{
    static const char *const infs[] = {
        DDK_SOURCE_DIR "/samples/ddkecho/ddkecho.inf",
        DDK_SOURCE_DIR "/src/store/inf/WUDFRD.inf",
    };
    (void)state;
    for (unsigned i = 0; i < sizeof(infs) / sizeof(infs[0]); i++) {
        struct infcheck_result r = { 0 };
        infcheck_file(infs[i], SYS_INF_DIR, 0, &r);
        if (r.n) {
            dump(&r);
            fail_msg("%s: %u findings", infs[i], r.n);
        }
        infcheck_free(&r);
    }
}

/* Every INF of the source tree except the deliberately bad ones. */
static unsigned tree_findings, tree_infs;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    const char *rel = path + strlen(DDK_SOURCE_DIR);
    size_t n = strlen(path);
    (void)st;
    (void)ftw;
    if (type == FTW_D && (strncmp(rel, "/build", 6) == 0 || strcmp(rel, "/.git") == 0 ||
                          strcmp(rel, "/tests/store/inf") == 0 ||
                          strcmp(rel, "/fuzz/corpus") == 0 || strcmp(rel, "/state") == 0))
        return FTW_SKIP_SUBTREE;
    if (type == FTW_F && n > 4 && strcasecmp(path + n - 4, ".inf") == 0) {
        struct infcheck_result r = { 0 };
        infcheck_file(path, SYS_INF_DIR, 0, &r);
        if (r.n)
            dump(&r);
        tree_findings += r.n;
        tree_infs++;
        infcheck_free(&r);
    }
    return FTW_CONTINUE;
}

static void test_every_inf_in_the_tree(void **state)
{
    (void)state;
    tree_findings = tree_infs = 0;
    assert_int_equal(nftw(DDK_SOURCE_DIR, visit, 16, FTW_PHYS | FTW_ACTIONRETVAL), 0);
    assert_true(tree_infs >= 2);
    assert_int_equal(tree_findings, 0);
}

static void test_utf16_package(void **state)
{
    char path[] = "/tmp/infcheck-XXXXXX";
    char file[4096], src[4096];
    struct infcheck_result r = { 0 };
    FILE *in, *out;
    int c;
    (void)state;

    /* the same rule file as UTF-16LE (as Microsoft ships INFs): same line */
    assert_non_null(mkdtemp(path));
    snprintf(src, sizeof(src), "%s/rule_1322.inf", INF_DIR);
    snprintf(file, sizeof(file), "%s/rule_1322.inf", path);
    in = fopen(src, "rb");
    out = fopen(file, "wb");
    assert_non_null(in);
    assert_non_null(out);
    fputc(0xFF, out);
    fputc(0xFE, out);
    while ((c = fgetc(in)) != EOF) {
        if (c == '\n') {
            fputc('\r', out);
            fputc(0, out);
        }
        fputc(c, out);
        fputc(0, out);
    }
    fclose(in);
    fclose(out);
    infcheck_file(file, SYS_INF_DIR, 0, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.v[0].code, 1322);
    assert_int_equal(r.v[0].line, 12);
    infcheck_free(&r);
    unlink(file);
    rmdir(path);
}

static int run(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    size_t n;
    int st;
    assert_non_null(p);
    n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void **state)
{
    char out[8192];
    (void)state;
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-infcheck " INF_DIR "/rule_1322.inf", out,
                         sizeof(out)), 1);
    assert_non_null(strstr(out, "rule_1322.inf:12: error 1322: "));
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-infcheck " DDK_SOURCE_DIR
                         "/samples/ddkecho/ddkecho.inf", out, sizeof(out)), 0);
    assert_string_equal(out, "");
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-infcheck --samples " INF_DIR "/rule_1284.inf",
                         out, sizeof(out)), 0);
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-infcheck " INF_DIR "/rule_2092.inf", out,
                         sizeof(out)), 0);
    assert_non_null(strstr(out, ": warning 2092: "));
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-infcheck --json " INF_DIR "/rule_1235.inf",
                         out, sizeof(out)), 1);
    assert_non_null(strstr(out, "\"code\": 1235"));
    assert_non_null(strstr(out, "\"line\": 6"));
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-infcheck 2>/dev/null", out, sizeof(out)), 2);
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-infcheck /nonexistent.inf", out,
                         sizeof(out)), 1);
    assert_non_null(strstr(out, "error 1003"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_rule),
        cmocka_unit_test(test_levels_and_samples),
        cmocka_unit_test(test_include_loop_names_the_line),
        cmocka_unit_test(test_repository_infs_are_clean),
        cmocka_unit_test(test_every_inf_in_the_tree),
        cmocka_unit_test(test_utf16_package),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
