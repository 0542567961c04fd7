/*
 * The `ddk` command's conventions: exit 0 on success, 1 on failure with one
 * line on stderr, 2 on usage errors; --help everywhere; --root, else
 * $DDK_ROOT; the published name as the last line of `driver add`; --json.
 * And the whole signing workflow as a user runs it.
 */
#include "test_driverstore_util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

struct fx {
    char *dir;
    char root[4200], pkg[4200], out[4200], err[4200];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    f->dir = tu_tmpdir();
    snprintf(f->root, sizeof(f->root), "%s/root", f->dir);
    snprintf(f->out, sizeof(f->out), "%s/out", f->dir);
    snprintf(f->err, sizeof(f->err), "%s/err", f->dir);
    tu_make_package(f->dir, "pkg");
    snprintf(f->pkg, sizeof(f->pkg), "%s/pkg", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    tu_rmtree(f->dir);
    free(f);
    return 0;
}

#define DDK(...) tu_ddk(f->dir, f->root, __VA_ARGS__)

static bool out_has(const char *path, const char *s)
{
    char *t = tu_read(path);
    bool ok = t && strstr(t, s);
    free(t);
    return ok;
}

/* Failure: exit 1 and exactly one line on stderr, starting "ddk: ". */
static void assert_failed_one_line(struct fx *f, int rc)
{
    char *e = tu_read(f->err);
    assert_int_equal(rc, 1);
    assert_non_null(e);
    assert_int_equal(strncmp(e, "ddk: ", 5), 0);
    assert_int_equal(tu_lines(f->err), 1);
    free(e);
}

static void test_usage_and_help(void **state)
{
    struct fx *f = *state;

    assert_int_equal(DDK("--help"), 0);
    assert_true(out_has(f->out, "usage: ddk"));
    assert_true(out_has(f->out, "driver add"));
    static const char *const cmds[] = { "driver", "sign", "key", "trust", "config" };
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        assert_int_equal(DDK("%s --help", cmds[i]), 0);
        assert_true(out_has(f->out, "usage: ddk"));
    }
    assert_int_equal(DDK("driver add --help"), 0);
    assert_int_equal(DDK("%s", ""), 2);
    assert_int_equal(DDK("frobnicate"), 2);
    assert_true(out_has(f->err, "unknown command"));
    assert_int_equal(DDK("--bogus driver list"), 2);
    assert_int_equal(DDK("driver"), 2);
    assert_int_equal(DDK("driver frob"), 2);
    assert_int_equal(DDK("driver add"), 2);
    assert_int_equal(DDK("driver add a b"), 2);
    assert_int_equal(DDK("driver list --bogus"), 2);
    assert_int_equal(DDK("driver delete"), 2);
    assert_int_equal(DDK("sign '%s'", f->pkg), 2);          /* no --key */
    assert_int_equal(DDK("sign --key"), 2);
    assert_int_equal(DDK("key old"), 2);
    assert_int_equal(DDK("trust add"), 2);
    assert_int_equal(DDK("config set testsigning maybe"), 2);
    assert_int_equal(DDK("config set"), 2);
}

static void test_failures_are_one_line(void **state)
{
    struct fx *f = *state;

    assert_failed_one_line(f, DDK("driver add /nonexistent/pkg"));
    assert_failed_one_line(f, DDK("driver add '%s'", f->pkg));      /* unsigned */
    assert_true(out_has(f->err, "ddkecho.cat is missing"));
    assert_failed_one_line(f, DDK("driver delete oem7.inf"));
    assert_failed_one_line(f, DDK("driver delete notaname"));
    assert_failed_one_line(f, DDK("trust add ed25519:abcd"));
    assert_failed_one_line(f, DDK("trust remove ed25519:%064d", 0));
    assert_failed_one_line(f, DDK("sign --key /nonexistent/key '%s'", f->pkg));
}

static void test_signing_workflow(void **state)
{
    struct fx *f = *state;
    char key[4300], *last;

    snprintf(key, sizeof(key), "%s/me.key", f->dir);
    assert_int_equal(DDK("key new --out '%s'", key), 0);
    assert_true(out_has(f->out, "ed25519:"));
    assert_failed_one_line(f, DDK("key new --out '%s'", key));   /* never overwrites */
    assert_int_equal(DDK("sign --key '%s' '%s'", key, f->pkg), 0);

    /* signed by a key nobody trusts */
    assert_failed_one_line(f, DDK("driver add '%s'", f->pkg));
    assert_true(out_has(f->err, "not a trusted publisher"));

    /* test signing: accepted as test-signed */
    assert_int_equal(DDK("config get testsigning"), 0);
    assert_true(out_has(f->out, "off"));
    assert_int_equal(DDK("config set testsigning on"), 0);
    assert_int_equal(DDK("config get testsigning"), 0);
    assert_true(out_has(f->out, "on"));
    assert_int_equal(DDK("driver add '%s'", f->pkg), 0);
    last = tu_last_line(f->out);
    assert_string_equal(last, "oem0.inf");
    free(last);
    assert_int_equal(DDK("driver list --json"), 0);
    assert_true(out_has(f->out, "\"signature\": \"test\""));
    assert_int_equal(DDK("driver delete oem0.inf"), 0);
    assert_int_equal(DDK("config set testsigning off"), 0);

    /* trusted */
    assert_int_equal(DDK("trust add '%s.pub'", key), 0);
    assert_int_equal(DDK("trust list --json"), 0);
    assert_true(out_has(f->out, "\"ed25519:"));
    assert_int_equal(DDK("driver add '%s/ddkecho.inf'", f->pkg), 0);
    last = tu_last_line(f->out);
    assert_string_equal(last, "oem0.inf");
    free(last);
    /* the same package again: same name, exit 0 */
    assert_int_equal(DDK("driver add '%s'", f->pkg), 0);
    last = tu_last_line(f->out);
    assert_string_equal(last, "oem0.inf");
    free(last);

    assert_int_equal(DDK("driver list"), 0);
    assert_true(out_has(f->out, "oem0.inf"));
    assert_true(out_has(f->out, "ddkecho.inf"));
    assert_true(out_has(f->out, "trusted"));
    assert_int_equal(DDK("driver list --json"), 0);
    assert_true(out_has(f->out, "\"publishedName\": \"oem0.inf\""));
    assert_true(out_has(f->out, "\"provider\": \"OpenDDK\""));

    /* tampering after signing is caught, naming the file */
    tu_sh("printf X >> '%s/ddkecho.inf'", f->pkg);
    assert_failed_one_line(f, DDK("driver add '%s'", f->pkg));
    assert_true(out_has(f->err, "ddkecho.inf"));

    /* untrusting the key does not unpublish, but new adds are refused */
    assert_int_equal(DDK("trust remove '%s'", key), 0);
    assert_int_equal(DDK("driver delete OEM0.INF"), 0);
    assert_int_equal(DDK("driver list --json"), 0);
    char *t = tu_read(f->out);
    assert_string_equal(t, "[]\n");
    free(t);
}

static void test_root_from_environment(void **state)
{
    struct fx *f = *state;
    char cmd[8192], path[4400];

    /* no --root: $DDK_ROOT */
    snprintf(cmd, sizeof(cmd), "DDK_ROOT='%s/envroot' '%s' config set testsigning on >/dev/null",
             f->dir, DDK_BIN);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof(path), "%s/envroot/registry", f->dir);
    assert_int_equal(access(path, F_OK), 0);
    /* --root wins over $DDK_ROOT */
    snprintf(cmd, sizeof(cmd), "DDK_ROOT='%s/envroot' '%s' --root '%s/other' config get testsigning"
             " > '%s'", f->dir, DDK_BIN, f->dir, f->out);
    assert_int_equal(system(cmd), 0);
    assert_true(out_has(f->out, "off"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_usage_and_help, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_are_one_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signing_workflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_from_environment, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
