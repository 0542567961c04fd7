/*
 * test_ddkcc.c - ddk-cc as a user runs it: builds drivers and a client
 * program from tests/compat/casefix/ into a scratch directory, loads the
 * driver, and checks what -v prints against what was run.
 */
#include <wdm.h>
#include <ddk/driver_abi.h>

#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define FIXTURES DDK_SOURCE_DIR "/tests/compat/casefix"

static char ddkcc[1024];
static char scratch[256];
static char out[65536];     /* output of the last command */

/* Runs a shell command, keeps its stdout+stderr in out[], returns the
 * exit status (or -1). */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char body[8192], cmd[8300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof(cmd), "{ %s ; } 2>&1", body);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
    (void)state;
    const char *b = getenv("DDK_BUILD_DIR");
    snprintf(ddkcc, sizeof(ddkcc), "%s/bin/ddk-cc", b && *b ? b : DDK_BUILD_DIR);
    snprintf(scratch, sizeof(scratch), "/tmp/ddkcc-test.XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    return access(ddkcc, X_OK);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
    return system(cmd) == 0 ? 0 : -1;
}

static const struct ddk_driver_info *load(const char *so, void **handle)
{
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        fail_msg("dlopen %s: %s", so, dlerror());
    *handle = h;
    const struct ddk_driver_info *info = dlsym(h, DDK_DRIVER_INFO_SYMBOL);
    assert_non_null(info);
    assert_int_equal(info->magic, DDK_DRIVER_INFO_MAGIC);
    return info;
}

/* "Trace.h" finds trace.h, <NTDDK.h> finds ntddk.h, "Config.h" finds
 * inc/config.h through -I, and the headers reached that way still find
 * their own neighbours. */
static void test_case_insensitive_includes(void **state)
{
    (void)state;
    char so[512];
    snprintf(so, sizeof(so), "%s/casefix.so", scratch);
    int rc = sh("'%s' --wdm -shared -Wall -I %s/inc -o '%s' %s/driver.c",
                ddkcc, FIXTURES, so, FIXTURES);
    if (rc != 0)
        fail_msg("ddk-cc failed (%d):\n%s", rc, out);
    assert_string_equal(out, "");   /* no warnings under -Wall */
    void *h;
    const struct ddk_driver_info *info = load(so, &h);
    assert_int_equal(info->model, DDK_MODEL_WDM_);
    assert_int_equal(info->driver_entry(NULL, NULL), 0x31234);
    assert_non_null(strstr(info->built_with, "ddk-cc"));
    /* Only the stub's record is visible. */
    assert_null(dlsym(h, "DriverEntry"));
    assert_null(dlsym(h, "casefix_global_helper"));
    dlclose(h);
}

/* Without case fixing the same build fails: the test above proves
 * something. */
static void test_plain_gcc_would_fail(void **state)
{
    (void)state;
    int rc = sh("cc -fshort-wchar -fsyntax-only -I %s/include -I %s/inc %s/driver.c",
                DDK_SOURCE_DIR, FIXTURES, FIXTURES);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(out, "NTDDK.h: No such file"));
}

/* -v prints the backend line exactly as run: running that line again
 * through the shell builds the same working driver. */
static void test_verbose_line_is_what_runs(void **state)
{
    (void)state;
    char src[512], so[512];
    snprintf(src, sizeof(src), "%s/plain.c", scratch);
    snprintf(so, sizeof(so), "%s/plain.so", scratch);
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs("#include <wdm.h>\nstruct _DRIVER_OBJECT;\n"
          "NTSTATUS DriverEntry(struct _DRIVER_OBJECT *d, PUNICODE_STRING r)\n"
          "{ UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(r);\n"
          "  return (NTSTATUS)sizeof(WCHAR) * 100 + DDK_DRIVER; }\n", f);
    fclose(f);
    int rc = sh("cd '%s' && '%s' --wdm -v -O2 -g -DFOO=1 -UBAR -shared -o plain.so plain.c",
                scratch, ddkcc);
    assert_int_equal(rc, 0);
    char line[8192];
    snprintf(line, sizeof(line), "%s", out);
    char *nl = strchr(line, '\n');
    assert_non_null(nl);
    *nl = 0;
    assert_string_equal(nl + 1, "");    /* one line, nothing else */
    static const char *const must[] = {
        " -fshort-wchar ", " -fPIC ", " -fvisibility=hidden ", " -D_AMD64_ ",
        " -D_WIN64 ", " -DDDK_DRIVER=1 ", " -DDDK_MODEL_WDM=1 ", " -Wno-multichar ",
        " -Wno-unknown-pragmas ", " -O2 ", " -g ", " -DFOO=1 ", " -UBAR ",
        "/driver_entry.c ", " -shared ", " -o plain.so",
    };
    for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
        if (!strstr(line, must[i]))
            fail_msg("-v line lacks \"%s\": %s", must[i], line);
    assert_null(strstr(line, "-Werror"));
    assert_int_equal(unlink(so), 0);
    rc = sh("cd '%s' && %s", scratch, line);
    if (rc != 0)
        fail_msg("re-running the -v line failed:\n%s\n%s", line, out);
    void *h;
    const struct ddk_driver_info *info = load(so, &h);
    assert_int_equal(info->model, DDK_MODEL_WDM_);
    assert_int_equal(info->driver_entry(NULL, NULL), 201);
    dlclose(h);
}

/* -c compiles without the stub; linking the objects adds it once. */
static void test_compile_then_link(void **state)
{
    (void)state;
    int rc = sh("cd '%s' && '%s' --wdm -c -I %s/inc -o a.o %s/driver.c && "
                "nm a.o | grep -c ddk_driver_info",
                scratch, ddkcc, FIXTURES, FIXTURES);
    assert_int_not_equal(rc, 0);        /* grep found nothing */
    assert_string_equal(out, "0\n");
    rc = sh("cd '%s' && '%s' --wdm -v -o two.so a.o", scratch, ddkcc);
    if (rc != 0)
        fail_msg("link failed:\n%s", out);
    assert_non_null(strstr(out, " -shared"));   /* a driver is a module */
    char so[512];
    snprintf(so, sizeof(so), "%s/two.so", scratch);
    void *h;
    const struct ddk_driver_info *info = load(so, &h);
    assert_int_equal(info->model, DDK_MODEL_WDM_);
    assert_int_equal(info->driver_entry(NULL, NULL), 0x31234);
    dlclose(h);
}

/* No model: a client program, Windows widths, no stub. */
static void test_client_program(void **state)
{
    (void)state;
    int rc = sh("cd '%s' && '%s' -v -o app %s/app.c && ./app", scratch, ddkcc, FIXTURES);
    if (rc != 0)
        fail_msg("client build/run failed (%d):\n%s", rc, out);
    assert_non_null(strstr(out, " -fshort-wchar "));
    assert_non_null(strstr(out, "include/client"));
    assert_null(strstr(out, "driver_entry.c"));
    assert_null(strstr(out, "DDK_DRIVER"));
}

static void test_info_options(void **state)
{
    (void)state;
    assert_int_equal(sh("'%s' --version", ddkcc), 0);
    assert_non_null(strstr(out, "ddk-cc (OpenDDK) "));
    assert_int_equal(sh("'%s' --help", ddkcc), 0);
    assert_non_null(strstr(out, "--kmdf"));
    assert_int_equal(sh("'%s' --coverage", ddkcc), 0);    /* the WDF DDI report */
    assert_non_null(strstr(out, "KMDF 1.33: "));
    assert_int_equal(sh("'%s' --wdm", ddkcc), 1);
    assert_non_null(strstr(out, "no input files"));
    assert_int_equal(sh("'%s' --wdm --kmdf x.c", ddkcc), 1);
    assert_int_equal(sh("'%s' --bogus x.c", ddkcc), 1);
}

/* A compile error is the backend's exit status, and its message. */
static void test_errors_pass_through(void **state)
{
    (void)state;
    char src[512];
    snprintf(src, sizeof(src), "%s/bad.c", scratch);
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs("#include <wdm.h>\nint x = ;\n", f);
    fclose(f);
    int rc = sh("cd '%s' && '%s' --wdm -c bad.c", scratch, ddkcc);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(out, "bad.c:2"));
}

/* Headers and stub are found beside the executable (PREFIX/bin/ddk-cc,
 * PREFIX/share/openddk), else in the source tree it was built from. */
static void test_layout(void **state)
{
    (void)state;
    int rc = sh("cd '%s' && mkdir -p prefix/bin prefix/share/openddk && "
                "cp '%s' prefix/bin/ddk-cc && "
                "ln -s '%s/include' prefix/share/openddk/include && "
                "ln -s '%s/src/stub' prefix/share/openddk/stub && "
                "prefix/bin/ddk-cc --wdm -v -c -o x.o %s/app.c",
                scratch, ddkcc, DDK_SOURCE_DIR, DDK_SOURCE_DIR, FIXTURES);
    if (rc != 0)
        fail_msg("prefix build failed:\n%s", out);
    char want[600];
    if (!strstr(out, "/prefix/share/openddk/include"))
        fail_msg("not the prefix's headers: %s", out);

    rc = sh("cd '%s' && mkdir -p lone && cp '%s' lone/ddk-cc && "
            "lone/ddk-cc --wdm -v -c -o y.o %s/app.c", scratch, ddkcc, FIXTURES);
    assert_int_equal(rc, 0);
    snprintf(want, sizeof(want), "-I%s/include ", DDK_SOURCE_DIR);
    if (!strstr(out, want))
        fail_msg("no fallback to the source tree (%s): %s", want, out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_insensitive_includes),
        cmocka_unit_test(test_plain_gcc_would_fail),
        cmocka_unit_test(test_verbose_line_is_what_runs),
        cmocka_unit_test(test_compile_then_link),
        cmocka_unit_test(test_client_program),
        cmocka_unit_test(test_info_options),
        cmocka_unit_test(test_errors_pass_through),
        cmocka_unit_test(test_layout),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
