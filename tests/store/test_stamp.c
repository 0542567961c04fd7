/*
 * test_stamp.c - the .inx -> .inf step: placeholders, DriverVer, encodings,
 * refusals, and the ddk-stampinf command.
 */
#include <wdm.h>
#include "store/stamp.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static const char inx[] =
    "; echo.inx\r\n"
    "[Version]\r\n"
    "Signature=\"$WINDOWS NT$\"\r\n"
    "DriverVer = 01/01/2020,9.8.7.6 ; replaced\r\n"
    "PnpLockdown=1\r\n"
    "[Manufacturer]\r\n"
    "%Mfg%=Std,NT$ARCH$.10.0...16299\r\n"
    "[Std.NT$ARCH$.10.0...16299]\r\n"
    "%Desc%=Inst, Root\\ECHO\r\n"
    "[Inst.NT.Wdf]\r\n"
    "KmdfService = echo, wdfsect\r\n"
    "[wdfsect]\r\n"
    "KmdfLibraryVersion = $KMDFVERSION$\r\n"
    "UmdfLibraryVersion = $UMDFVERSION$\r\n"
    "[Strings]\r\n"
    "Mfg=\"M\"\r\n"
    "Desc=\"D\"\r\n";

static char *stamp(const char *text, size_t len, const struct stamp_opts *o, size_t *outlen)
{
    struct inf_error err;
    void *out;
    size_t n;
    memset(&err, 0, sizeof(err));
    if (!stamp_inx("echo.inx", text, len, o, &out, &n, &err))
        fail_msg("%s:%u: %s", err.file, err.line, err.message);
    if (outlen)
        *outlen = n;
    return out;
}

static void test_placeholders_and_driverver(void **state)
{
    struct stamp_opts o = { .date = "11/23/2026", .version = "1.2.3.4", .kmdf = "1.31" };
    struct inf_error err;
    struct inf_file *inf;
    char *out;
    size_t n;
    char buf[128];
    (void)state;

    out = stamp(inx, strlen(inx), &o, &n);
    assert_null(strstr(out, "$ARCH$"));
    assert_null(strstr(out, "$KMDFVERSION$"));
    assert_null(strstr(out, "9.8.7.6"));
    assert_non_null(strstr(out, "[Std.NTamd64.10.0...16299]\r\n"));
    assert_non_null(strstr(out, "KmdfLibraryVersion = 1.31\r\n"));
    assert_non_null(strstr(out, "UmdfLibraryVersion = " STAMP_DEFAULT_UMDF "\r\n"));
    assert_non_null(strstr(out, "[Version]\r\nDriverVer = 11/23/2026,1.2.3.4\r\n"));
    assert_non_null(strstr(out, "; echo.inx\r\n"));     /* comments kept */
    /* the result is an INF with one DriverVer */
    inf = inf_parse("echo.inf", out, n, 0, &err);
    assert_non_null(inf);
    assert_true(inf_field(inf, inf_find_key(inf_section(inf, "Version"), "DriverVer"), 1, buf,
                          sizeof(buf), NULL));
    assert_string_equal(buf, "1.2.3.4");
    assert_int_equal(inf_section(inf, "Version")->nlines, 3);
    assert_non_null(inf_install_section(inf, "Std"));
    inf_close(inf);
    free(out);
}

static void test_defaults(void **state)
{
    static const char no_driverver[] = "[Version]\nSignature=\"$WINDOWS NT$\"\n[S]\nA=$ARCH$\n";
    struct stamp_opts o = { .date = "*", .version = "*" };
    char *out;
    (void)state;

    /* without -v the .inx's own version is kept, with a new date */
    out = stamp(inx, strlen(inx), NULL, NULL);
    assert_non_null(strstr(out, ",9.8.7.6\r\n"));
    assert_null(strstr(out, "01/01/2020"));
    free(out);
    /* no DriverVer at all: one is added after the header, version 1.0.0.0 */
    out = stamp(no_driverver, strlen(no_driverver), NULL, NULL);
    assert_non_null(strstr(out, "[Version]\nDriverVer = "));
    assert_non_null(strstr(out, ",1.0.0.0\n"));
    assert_non_null(strstr(out, "A=amd64\n"));
    free(out);
    /* "*" for both: today and a version from the clock, still valid */
    out = stamp(no_driverver, strlen(no_driverver), &o, NULL);
    {
        unsigned m, d, y, a, b, c, e;
        const char *p = strstr(out, "DriverVer = ");
        assert_non_null(p);
        assert_int_equal(sscanf(p, "DriverVer = %u/%u/%u,%u.%u.%u.%u", &m, &d, &y, &a, &b, &c,
                                &e), 7);
        assert_true(m >= 1 && m <= 12 && y >= 2024 && a == y && b <= 1231 && c <= 2359);
    }
    free(out);
}

static void test_utf16_kept(void **state)
{
    size_t n = 2 + 2 * strlen(inx), outlen;
    unsigned char *u16 = malloc(n);
    struct stamp_opts o = { .date = "11/23/2026", .version = "1.0.0.1" };
    struct inf_error err;
    struct inf_file *inf;
    unsigned char *out;
    char buf[64];
    (void)state;

    u16[0] = 0xFF;
    u16[1] = 0xFE;
    for (size_t i = 0; inx[i]; i++) {
        u16[2 + 2 * i] = (unsigned char)inx[i];
        u16[3 + 2 * i] = 0;
    }
    out = (unsigned char *)stamp((const char *)u16, n, &o, &outlen);
    assert_true(outlen > 2 && out[0] == 0xFF && out[1] == 0xFE && outlen % 2 == 0);
    inf = inf_parse("echo.inf", out, outlen, 0, &err);
    assert_non_null(inf);
    assert_string_equal(inf->encoding, "utf-16le");
    assert_true(inf_field(inf, inf_find_key(inf_section(inf, "wdfsect"), "KmdfLibraryVersion"),
                          0, buf, sizeof(buf), NULL));
    assert_string_equal(buf, STAMP_DEFAULT_KMDF);
    inf_close(inf);
    free(out);
    free(u16);
}

static void expect_refusal(const char *text, const struct stamp_opts *o, unsigned line)
{
    struct inf_error err;
    void *out = (void *)1;
    size_t n;
    memset(&err, 0, sizeof(err));
    assert_false(stamp_inx("bad.inx", text, strlen(text), o, &out, &n, &err));
    assert_null(out);
    assert_string_equal(err.file, "bad.inx");
    assert_int_equal(err.line, line);
    assert_true(err.code != 0 && err.message[0]);
}

static void test_refusals(void **state)
{
    struct stamp_opts bad_date = { .date = "13/01/2026" };
    struct stamp_opts bad_ver = { .version = "1.2.3.65536" };
    struct stamp_opts bad_ver2 = { .version = "1..2" };
    (void)state;
    expect_refusal("[S]\nA=1\n", NULL, 0);                       /* no [Version] */
    expect_refusal("[Version]\nA=\"open\n", NULL, 2);            /* malformed .inx */
    expect_refusal(inx, &bad_date, 0);
    expect_refusal(inx, &bad_ver, 0);
    expect_refusal(inx, &bad_ver2, 0);
}

static int run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void **state)
{
    char dir[] = "/tmp/stampinf-XXXXXX", path[4096], cmd[8192], text[4096];
    FILE *f;
    size_t n;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/echo.inx", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(inx, 1, strlen(inx), f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), DDK_BUILD_DIR "/bin/ddk-stampinf -f %s -d 02/03/2026 -v 4.3.2.1 "
             "-k 1.25 >/dev/null", path);
    assert_int_equal(run(cmd), 0);
    snprintf(path, sizeof(path), "%s/echo.inf", dir);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = 0;
    fclose(f);
    assert_non_null(strstr(text, "DriverVer = 02/03/2026,4.3.2.1"));
    assert_non_null(strstr(text, "KmdfLibraryVersion = 1.25"));
    unlink(path);
    snprintf(cmd, sizeof(cmd), DDK_BUILD_DIR "/bin/ddk-stampinf -f %s/echo.inx -d 2026-01-01 "
             "2>/dev/null", dir);
    assert_int_equal(run(cmd), 1);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-stampinf 2>/dev/null"), 2);
    assert_int_equal(run(DDK_BUILD_DIR "/bin/ddk-stampinf -f x.inx -q 2>/dev/null"), 2);
    snprintf(path, sizeof(path), "%s/echo.inx", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders_and_driverver),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_utf16_kept),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
