/*
 * test_inf.c - the INF parser: syntax, encodings, substitutions,
 * decorations, and malformed input (file:line, no crash).
 */
#include <wdm.h>
#include "store/inf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static struct inf_file *parse(const char *text, struct inf_error *err)
{
    return inf_parse("t.inf", text, strlen(text), 0, err);
}

static const char *field(struct inf_file *inf, const char *sec, unsigned line, unsigned i)
{
    static char buf[1024];
    const struct inf_section *s = inf_section(inf, sec);
    assert_non_null(s);
    assert_true(line < s->nlines);
    assert_true(inf_field(inf, &s->lines[line], i, buf, sizeof(buf), NULL));
    return buf;
}

static void test_basic_syntax(void **state)
{
    struct inf_error err;
    struct inf_file *inf;
    const struct inf_section *s;
    (void)state;

    inf = parse("; a comment\n"
                "[Version]\n"
                "Signature = \"$WINDOWS NT$\"   ; trailing comment\n"
                "Class=Sample\n"
                "[Files]\n"
                "a.sys , , 2 ,\n"
                "  spaced value here  \n"
                "[version]\n"
                "Provider = %Mfg%\n"
                "[Strings]\n"
                "Mfg = \"Contoso \"\"Quoted\"\" Ltd\"\n", &err);
    assert_non_null(inf);
    s = inf_section(inf, "VERSION");
    assert_non_null(s);
    assert_int_equal(s->nlines, 3);   /* repeated section merged */
    assert_string_equal(s->lines[0].key, "Signature");
    assert_string_equal(field(inf, "Version", 0, 0), "$WINDOWS NT$");
    assert_string_equal(field(inf, "Version", 2, 0), "Contoso \"Quoted\" Ltd");
    s = inf_section(inf, "files");
    assert_int_equal(s->lines[0].nfields, 4);
    assert_null(s->lines[0].key);
    assert_string_equal(field(inf, "Files", 0, 0), "a.sys");
    assert_string_equal(field(inf, "Files", 0, 1), "");
    assert_string_equal(field(inf, "Files", 0, 2), "2");
    assert_string_equal(field(inf, "Files", 1, 0), "spaced value here");
    assert_non_null(inf_find_key(inf_section(inf, "version"), "CLASS"));
    inf_close(inf);
}

static void test_continuation_and_quotes(void **state)
{
    struct inf_error err;
    struct inf_file *inf;
    (void)state;

    inf = parse("[S]\n"
                "key = one, \\\n"
                "      two ; comment\n"
                "semi = \"a;b\", \"x,y\"\n"
                "pct = 100%%, %unknown%, %13%\\file.so\n", &err);
    assert_non_null(inf);
    assert_int_equal(inf_section(inf, "S")->nlines, 3);
    assert_int_equal(inf_section(inf, "S")->lines[0].lineno, 2);
    assert_string_equal(field(inf, "S", 0, 1), "two");
    assert_string_equal(field(inf, "S", 1, 0), "a;b");
    assert_string_equal(field(inf, "S", 1, 1), "x,y");
    assert_string_equal(field(inf, "S", 2, 0), "100%");
    {
        bool unresolved = false;
        char buf[64];
        const struct inf_section *s = inf_section(inf, "S");
        assert_true(inf_field(inf, &s->lines[2], 1, buf, sizeof(buf), &unresolved));
        assert_string_equal(buf, "%unknown%");
        assert_true(unresolved);
    }
    inf_close(inf);
}

static const char *dirids(void *ctx, unsigned id)
{
    (void)ctx;
    return id == 13 ? "/store/pkg" : NULL;
}

static void test_dirids_and_locales(void **state)
{
    struct inf_error err;
    struct inf_file *inf;
    const char *text = "[S]\nbin = %13%\\drv.so, %Desc%\n"
                       "[Strings]\nDesc = \"English\"\n"
                       "[Strings.0407]\nDesc = \"Deutsch\"\n";
    (void)state;

    inf = parse(text, &err);
    assert_non_null(inf);
    inf->dirid = dirids;
    assert_string_equal(field(inf, "S", 0, 0), "/store/pkg\\drv.so");
    assert_string_equal(field(inf, "S", 0, 1), "English");
    inf_close(inf);
    inf = inf_parse("t.inf", text, strlen(text), 0x0407, &err);
    assert_non_null(inf);
    assert_string_equal(field(inf, "S", 0, 1), "Deutsch");
    inf_close(inf);
}

static void test_encodings(void **state)
{
    static const char ascii[] = "[Version]\r\nProvider=\"Caf\xc3\xa9\"\r\n";
    unsigned char u16[2 + 2 * sizeof(ascii)];
    unsigned char cp1252[] = "[V]\nP=Caf\xe9 \x80\n";
    struct inf_error err;
    struct inf_file *inf;
    size_t n = 2;
    (void)state;

    /* UTF-16LE with BOM (as Microsoft's sample INFs are); é is U+00E9 */
    u16[0] = 0xFF;
    u16[1] = 0xFE;
    for (const char *p = "[Version]\r\nProvider=\"Caf"; *p; p++) {
        u16[n++] = (unsigned char)*p;
        u16[n++] = 0;
    }
    u16[n++] = 0xE9;
    u16[n++] = 0;
    for (const char *p = "\"\r\n"; *p; p++) {
        u16[n++] = (unsigned char)*p;
        u16[n++] = 0;
    }
    inf = inf_parse("u16.inf", u16, n, 0, &err);
    assert_non_null(inf);
    assert_string_equal(inf->encoding, "utf-16le");
    assert_string_equal(field(inf, "Version", 0, 0), "Caf\xc3\xa9");
    inf_close(inf);

    /* a truncated UTF-16 file is an error, not a crash */
    inf = inf_parse("u16.inf", u16, n - 1, 0, &err);
    assert_null(inf);
    assert_int_equal(err.code, INF_ERR_FILE);

    inf = inf_parse("u8.inf", ascii, strlen(ascii), 0, &err);
    assert_non_null(inf);
    assert_string_equal(inf->encoding, "utf-8");
    inf_close(inf);

    inf = inf_parse("ansi.inf", cp1252, sizeof(cp1252) - 1, 0, &err);
    assert_non_null(inf);
    assert_string_equal(inf->encoding, "windows-1252");
    assert_string_equal(field(inf, "V", 0, 0), "Caf\xc3\xa9 \xe2\x82\xac");
    inf_close(inf);
}

static void expect_error(const char *text, size_t len, unsigned line, unsigned code)
{
    struct inf_error err;
    struct inf_file *inf;
    memset(&err, 0, sizeof(err));
    inf = inf_parse("bad.inf", text, len, 0, &err);
    assert_null(inf);
    assert_string_equal(err.file, "bad.inf");
    assert_int_equal(err.line, line);
    assert_int_equal(err.code, code);
    assert_true(strlen(err.message) > 0);
}

static void test_malformed(void **state)
{
    static const char binary[] = "[V]\nA=1\n\0\x01\x02garbage";
    char *big;
    size_t n = 1u << 20;
    (void)state;

    expect_error("[V]\nA = \"unterminated\n", 22, 2, INF_ERR_SYNTAX);
    expect_error("[V\nA=1\n", 7, 1, INF_ERR_SECTION);
    expect_error("A=1\n[V]\n", 8, 1, INF_ERR_SECTION);
    expect_error("[]\n", 3, 1, INF_ERR_SECTION);
    expect_error("", 0, 0, INF_ERR_FILE);
    expect_error(binary, sizeof(binary) - 1, 3, INF_ERR_FILE);
    expect_error("\xfe\xff\x00[", 4, 0, INF_ERR_FILE);

    /* a 1 MB line */
    big = malloc(n + 16);
    assert_non_null(big);
    memcpy(big, "[V]\nA=", 6);
    memset(big + 6, 'x', n);
    big[n + 6] = '\n';
    expect_error(big, n + 7, 2, INF_ERR_SYNTAX);
    free(big);
}

static void test_garbage_never_crashes(void **state)
{
    unsigned seed = 12345;
    unsigned char buf[512];
    (void)state;
    for (int round = 0; round < 3000; round++) {
        struct inf_error err;
        struct inf_file *inf;
        size_t n = (seed = seed * 1103515245u + 12345u) % sizeof(buf);
        for (size_t i = 0; i < n; i++) {
            static const char alphabet[] = "[]=,;\"%\\ \n\r\tAbc\xff\xfe\x00";
            seed = seed * 1103515245u + 12345u;
            buf[i] = (unsigned char)alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        inf = inf_parse("fuzz.inf", buf, n, 0, &err);
        if (inf) {
            char out[64];
            for (unsigned s = 0; s < inf->nsections; s++)
                for (unsigned l = 0; l < inf->sections[s].nlines; l++)
                    for (unsigned f = 0; f < inf->sections[s].lines[l].nfields; f++)
                        inf_field(inf, &inf->sections[s].lines[l], f, out, sizeof(out), NULL);
        }
        inf_close(inf);
    }
}

static void test_decorations(void **state)
{
    struct inf_error err;
    struct inf_file *inf;
    (void)state;

    assert_true(inf_decoration_applies("NT"));
    assert_true(inf_decoration_applies("NTamd64"));
    assert_true(inf_decoration_applies("ntAMD64.10.0...16299"));
    assert_true(inf_decoration_applies("NTamd64.10.0...26100"));
    assert_false(inf_decoration_applies("NTamd64.10.0...26101"));
    assert_false(inf_decoration_applies("NTarm64"));
    assert_false(inf_decoration_applies("NTx86.6.1"));
    assert_false(inf_decoration_applies("NTamd64.11.0"));
    assert_false(inf_decoration_applies("NTamd64.10.0.3"));   /* server product type */
    assert_false(inf_decoration_applies("NTfoo"));
    assert_false(inf_decoration_applies("Services"));
    assert_true(inf_decoration_rank("NTamd64.10.0...16299") > inf_decoration_rank("NTamd64"));
    assert_true(inf_decoration_rank("NTamd64") > inf_decoration_rank("NT"));

    inf = parse("[Inst]\nA=0\n[Inst.NT]\nA=1\n[Inst.NTamd64]\nA=2\n"
                "[Inst.NTamd64.10.0...16299]\nA=3\n[Inst.NTamd64.10.0...99999]\nA=4\n"
                "[Inst.NTarm64]\nA=5\n[Inst.NTamd64.10.0...16299.Services]\nA=6\n", &err);
    assert_non_null(inf);
    assert_string_equal(inf_install_section(inf, "Inst")->name, "Inst.NTamd64.10.0...16299");
    assert_string_equal(inf_install_section(inf, "inst")->lines[0].fields[0], "3");
    assert_null(inf_install_section(inf, "Other"));
    inf_close(inf);
}

static void test_sample_inf(void **state)
{
    struct inf_error err;
    struct inf_file *inf;
    char path[4096];
    char buf[256];
    (void)state;

    snprintf(path, sizeof(path), "%s/samples/ddkecho/ddkecho.inf", DDK_SOURCE_DIR);
    inf = inf_open(path, 0, &err);
    if (!inf)
        fail_msg("%s:%u: %u: %s", err.file, err.line, err.code, err.message);
    assert_true(inf_key(inf, inf_find_key(inf_section(inf, "Version"), "Provider"), buf,
                        sizeof(buf), NULL));
    assert_string_equal(buf, "Provider");
    assert_true(inf_field(inf, inf_find_key(inf_section(inf, "Version"), "Provider"), 0, buf,
                          sizeof(buf), NULL));
    assert_string_equal(buf, "OpenDDK");
    assert_string_equal(inf_install_section(inf, "DefaultInstall")->name, "DefaultInstall.NTamd64");
    inf_close(inf);
    assert_null(inf_open("/nonexistent/x.inf", 0, &err));
    assert_int_equal(err.code, INF_ERR_FILE);
}


static void write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
}

static void test_include_and_needs(void **state)
{
    char pkg[] = "/tmp/infpkg-XXXXXX", sys[] = "/tmp/infsys-XXXXXX", path[4096], buf[128];
    const struct inf_section *needed[8];
    struct inf_error err;
    struct inf_set *set;
    unsigned n;
    (void)state;

    assert_non_null(mkdtemp(pkg));
    assert_non_null(mkdtemp(sys));
    write_file(pkg, "main.inf",
               "[Version]\nSignature=\"$WINDOWS NT$\"\n"
               "[Inst.NT]\nInclude = Lib.inf, common.inf\nNeeds = Lib.NT\n"
               "[Inst.NT.Services]\nInclude=LIB.INF\nNeeds=Lib.NT.Services, Lib.Extra\n"
               "[Bad.NT]\nNeeds = Lib.NT, No.Such\n"
               "[Loop]\nNeeds = Loop.B\n[Loop.B]\nNeeds = Loop\n");
    /* lib.inf is in the system directory only, and includes common.inf too */
    write_file(sys, "lib.inf",
               "[Version]\nSignature=\"$WINDOWS NT$\"\n"
               "[Lib.NT]\nInclude = common.inf\nNeeds = Common.NT, Lib.Common\n"
               "[Lib.Common]\nName = %LibName%\n"
               "[Lib.NT.Services]\nAddService = Lib, 0x2, Lib.Svc\n[Lib.Extra]\nA=1\n"
               "[Strings]\nLibName = \"from lib\"\n");
    write_file(sys, "common.inf", "[Version]\nSignature=\"$WINDOWS NT$\"\n[Common.NT]\nB=2\n");

    snprintf(path, sizeof(path), "%s/main.inf", pkg);
    /* without the system directory lib.inf is not found: file:line of the Include */
    set = inf_set_open(path, NULL, 0, &err);
    assert_null(set);
    assert_int_equal(err.code, INF_ERR_FILE);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.file, "main.inf"));

    set = inf_set_open(path, "/nonexistent:" "", 0, &err);
    assert_null(set);
    {
        char sp[4200];
        snprintf(sp, sizeof(sp), "/nonexistent:%s", sys);
        set = inf_set_open(path, sp, 0, &err);
    }
    if (!set)
        fail_msg("%s:%u: %s", err.file, err.line, err.message);
    assert_int_equal(set->nfiles, 3);      /* common.inf once, reached twice */
    assert_true(inf_set_needs(set, inf_section(set->files[0], "Inst.NT"), needed, 8, &n, &err));
    assert_int_equal(n, 3);
    assert_string_equal(needed[0]->name, "Lib.NT");
    assert_string_equal(needed[1]->name, "Common.NT");
    assert_string_equal(needed[2]->name, "Lib.Common");
    /* a needed section's %strings% come from its own INF */
    assert_true(inf_field(needed[2]->file, &needed[2]->lines[0], 0, buf, sizeof(buf), NULL));
    assert_string_equal(buf, "from lib");
    assert_true(inf_set_needs(set, inf_section(set->files[0], "inst.nt.services"), needed, 1,
                              &n, &err));
    assert_int_equal(n, 2);                /* counted beyond max, stored up to max */
    assert_string_equal(needed[0]->name, "Lib.NT.Services");
    assert_non_null(inf_set_section(set, "lib.extra"));
    assert_null(inf_set_section(set, "nothing"));

    assert_false(inf_set_needs(set, inf_section(set->files[0], "Bad.NT"), needed, 8, &n, &err));
    assert_int_equal(err.code, INF_ERR_SECTION);
    assert_int_equal(err.line, 10);
    assert_non_null(strstr(err.message, "No.Such"));
    assert_false(inf_set_needs(set, inf_section(set->files[0], "Loop"), needed, 8, &n, &err));
    assert_int_equal(err.line, 14);
    assert_non_null(strstr(err.message, "loop"));
    inf_set_close(set);

    /* an INF that includes itself (by another spelling) is a loop */
    write_file(pkg, "self.inf", "[Version]\nSignature=\"$WINDOWS NT$\"\n[X]\n\nInclude=SELF.inf\n");
    snprintf(path, sizeof(path), "%s/self.inf", pkg);
    assert_null(inf_set_open(path, NULL, 0, &err));
    assert_int_equal(err.code, INF_ERR_SECTION);
    assert_int_equal(err.line, 5);
    /* a bad included INF is reported at its own file:line */
    write_file(pkg, "inc.inf", "[Version]\nSignature=\"$WINDOWS NT$\"\n[X]\nInclude=broken.inf\n");
    write_file(pkg, "broken.inf", "[Version]\nA=\"open\n");
    snprintf(path, sizeof(path), "%s/inc.inf", pkg);
    assert_null(inf_set_open(path, NULL, 0, &err));
    assert_non_null(strstr(err.file, "broken.inf"));
    assert_int_equal(err.line, 2);
    /* include names are bare file names */
    write_file(pkg, "up.inf", "[Version]\nSignature=\"$WINDOWS NT$\"\n[X]\nInclude=../x.inf\n");
    snprintf(path, sizeof(path), "%s/up.inf", pkg);
    assert_null(inf_set_open(path, NULL, 0, &err));
    assert_int_equal(err.code, INF_ERR_FILE);

    remove_file(pkg, "main.inf");
    remove_file(pkg, "self.inf");
    remove_file(pkg, "inc.inf");
    remove_file(pkg, "broken.inf");
    remove_file(pkg, "up.inf");
    remove_file(sys, "lib.inf");
    remove_file(sys, "common.inf");
    rmdir(pkg);
    rmdir(sys);
}

static void test_more_syntax(void **state)
{
    struct inf_error err;
    struct inf_file *inf;
    unsigned major, minor, build;
    (void)state;

    /* a quoted string continued over two lines */
    {
        static const char t[] = "[S]\nA = \"one \\\n  two\" , x\n";
        inf = inf_parse("t.inf", t, strlen(t), 0, &err);
    }
    assert_non_null(inf);
    assert_string_equal(field(inf, "S", 0, 0), "one   two");
    assert_string_equal(field(inf, "S", 0, 1), "x");
    inf_close(inf);
    /* ... but a quote open at the end of the file is not */
    expect_error("[S]\nA = \"one \\\n", 15, 2, INF_ERR_SYNTAX);
    /* UTF-8 with a byte order mark; localized strings fall back to [Strings] */
    {
        static const char t[] = "\xEF\xBB\xBF[S]\nA=%One%,%Two%,%01%\n[Strings]\nOne=1\nTwo=2\n"
                                "[Strings.0407]\nOne=eins\n";
        inf = inf_parse("t.inf", t, strlen(t), 0x0407, &err);
    }
    assert_non_null(inf);
    assert_string_equal(inf->encoding, "utf-8-bom");
    assert_string_equal(field(inf, "S", 0, 0), "eins");
    assert_string_equal(field(inf, "S", 0, 1), "2");
    assert_string_equal(field(inf, "S", 0, 2), "%01%");    /* no DIRID mapping given */
    inf->dirid = dirids;
    assert_string_equal(field(inf, "S", 0, 2), "%01%");    /* mapping knows only 13 */
    inf_close(inf);
    /* decorations: NT$ARCH$ of an unstamped .inx is ours; versions parsed */
    assert_true(inf_decoration_applies("NT$ARCH$.10.0...16299"));
    assert_true(inf_decoration_version("NTamd64.10.0...16299", &major, &minor, &build));
    assert_int_equal(major, 10);
    assert_int_equal(minor, 0);
    assert_int_equal(build, 16299);
    assert_true(inf_decoration_version("NT", &major, &minor, &build));
    assert_int_equal(major, 0);
    assert_false(inf_decoration_version("NTamd64.x", NULL, NULL, NULL));
    assert_true(inf_decoration_applies("NTamd64.6.1"));
    assert_true(inf_decoration_applies("NTamd64.10.0.1"));       /* workstation */
    assert_true(inf_decoration_applies("NTamd64.10.0.0x1.0x0.26100"));
    assert_false(inf_decoration_applies("NTamd64.10.0.1.0.26100.5"));  /* too many fields */
    assert_true(inf_decoration_applies("NTamd64.10.0.1.0x100"));
    assert_false(inf_decoration_applies("NTamd64.10.0.1.0x2"));     /* enterprise suite */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_syntax),
        cmocka_unit_test(test_continuation_and_quotes),
        cmocka_unit_test(test_dirids_and_locales),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_decorations),
        cmocka_unit_test(test_sample_inf),
        cmocka_unit_test(test_include_and_needs),
        cmocka_unit_test(test_more_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
