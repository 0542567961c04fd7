/*
 * ddk-cc - the OpenDDK compiler driver (in the spirit of winegcc).
 *
 * It turns a Windows driver's (or client program's) compiler line into a
 * gcc line: Windows widths (-fshort-wchar), the OpenDDK headers, the WDK
 * macros a driver tests, warnings tamed for third-party sources, and, for
 * a driver module, the entry stub (src/stub/driver_entry.c) compiled with
 * the driver's model and linked in, everything but the stub's record
 * hidden. It runs exactly one backend command and prints it with -v.
 *
 * Windows file systems are case-insensitive and driver sources rely on it
 * ("Trace.h" for trace.h, <Ntddk.h>). Before compiling, ddk-cc scans the
 * sources' #include lines recursively; every include that only resolves
 * when case is ignored gets a correctly spelled symlink in a private
 * directory (quoted: -iquote, ahead of everything; angled: -I, behind the
 * user's and OpenDDK's directories), and the real directory of every
 * header reached that way is added with -iquote, so the header's own
 * quoted includes still find their neighbours. The directory lives only
 * for the one backend command. Includes are scanned without evaluating
 * conditionals: a symlink for a header that ends up unused is harmless.
 *
 * Layout: the headers and the stub are found relative to this executable
 * (/proc/self/exe): PREFIX/share/openddk/{include,stub} where PREFIX is
 * the executable's parent directory (an installed prefix, or the build
 * tree, where CMake creates share/openddk as symlinks into the sources),
 * falling back to the source directory compiled in.
 */
#define _GNU_SOURCE
#include "coverage.h"
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef DDK_CC_VERSION_STRING
#define DDK_CC_VERSION_STRING "0.0.0"
#endif
#ifndef DDK_CC_BACKEND
#define DDK_CC_BACKEND "cc"
#endif
#ifndef DDK_SOURCE_DIR
#define DDK_SOURCE_DIR "/usr/src/openddk"
#endif

/* WDF versions a KMDF/UMDF 2 driver is built against when its build does
 * not say (the WDK's project defaults). */
#define DDK_KMDF_MINOR_DEFAULT "33"
#define DDK_UMDF_MINOR_DEFAULT "33"

enum cc_model { MODEL_NONE, MODEL_WDM, MODEL_KMDF, MODEL_UMDF };

/* ddk-cc is a one-shot program that leaves its few allocations to exit;
 * in a sanitizer build, leak reports would turn every run into a
 * failure. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}

struct strv {
    char **v;
    size_t n, cap;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "ddk-cc: out of memory\n");
        exit(1);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0) {
        fprintf(stderr, "ddk-cc: out of memory\n");
        exit(1);
    }
    va_end(ap);
    return s;
}

static void sv_push(struct strv *sv, const char *s)
{
    if (sv->n + 2 > sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 32;
        char **v = realloc(sv->v, cap * sizeof(*v));
        if (!v) {
            fprintf(stderr, "ddk-cc: out of memory\n");
            exit(1);
        }
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = xstrdup(s);
    sv->v[sv->n] = NULL;
}

static bool sv_has(const struct strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return true;
    return false;
}

/* ---- layout ------------------------------------------------------------ */

struct layout {
    char include[PATH_MAX];          /* OpenDDK driver headers */
    char client_include[PATH_MAX];   /* client (Win32-style) headers */
    char stub[PATH_MAX];             /* driver_entry.c */
};

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool layout_try(struct layout *l, const char *inc, const char *stub)
{
    char probe[PATH_MAX];
    snprintf(probe, sizeof(probe), "%s/wdm.h", inc);
    if (!is_file(probe) || !is_file(stub))
        return false;
    snprintf(l->include, sizeof(l->include), "%s", inc);
    snprintf(l->client_include, sizeof(l->client_include), "%s/client", inc);
    snprintf(l->stub, sizeof(l->stub), "%s", stub);
    return true;
}

static bool layout_find(struct layout *l)
{
    char exe[PATH_MAX], inc[PATH_MAX + 32], stub[PATH_MAX + 48];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = 0;
        /* PREFIX/bin/ddk-cc -> PREFIX */
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = 0;
        }
        snprintf(inc, sizeof(inc), "%s/share/openddk/include", exe);
        snprintf(stub, sizeof(stub), "%s/share/openddk/stub/driver_entry.c", exe);
        if (layout_try(l, inc, stub))
            return true;
    }
    return layout_try(l, DDK_SOURCE_DIR "/include",
                      DDK_SOURCE_DIR "/src/stub/driver_entry.c");
}

/* ---- case-insensitive include resolution -------------------------------- */

struct resolver {
    char *priv;                 /* private directory, NULL until needed */
    struct strv quote_dirs;     /* user -iquote dirs */
    struct strv angle_dirs;     /* user -I/-isystem dirs, then OpenDDK's */
    const char *ddk_include;    /* not scanned: spelled right */
    struct strv visited;        /* real paths already scanned */
    struct strv links;          /* "q/Name" or "a/Name" created */
    struct strv link_targets;   /* parallel to links */
    struct strv real_dirs;      /* dirs of headers reached via a link */
    bool verbose;
};

/* Finds base/name ignoring case, component by component; exact matches
 * win. Returns a malloc'ed path or NULL. */
static char *find_nocase(const char *base, const char *name)
{
    char *path = xstrdup(base);
    const char *p = name;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char comp[NAME_MAX + 1];
        if (len == 0) {
            p++;
            continue;
        }
        if (len > NAME_MAX)
            goto fail;
        memcpy(comp, p, len);
        comp[len] = 0;
        char *exact = xprintf("%s/%s", path, comp);
        struct stat st;
        if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0 || lstat(exact, &st) == 0) {
            free(path);
            path = exact;
        } else {
            free(exact);
            DIR *d = opendir(path);
            char *best = NULL;
            struct dirent *de;
            while (d && (de = readdir(d)) != NULL)
                if (strcasecmp(de->d_name, comp) == 0 &&
                    (!best || strcmp(de->d_name, best) < 0)) {
                    free(best);
                    best = xstrdup(de->d_name);
                }
            if (d)
                closedir(d);
            if (!best)
                goto fail;
            char *next = xprintf("%s/%s", path, best);
            free(best);
            free(path);
            path = next;
        }
        p += len;
    }
    if (is_file(path))
        return path;
fail:
    free(path);
    return NULL;
}

static int mkdir_p(char *path)
{
    for (char *s = path + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        int r = mkdir(path, 0700);
        *s = '/';
        if (r < 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

static bool resolver_priv(struct resolver *r)
{
    if (r->priv)
        return true;
    const char *tmp = getenv("TMPDIR");
    char *templ = xprintf("%s/ddk-cc.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(templ)) {
        fprintf(stderr, "ddk-cc: cannot create a private directory: %s\n", strerror(errno));
        free(templ);
        return false;
    }
    r->priv = templ;
    return true;
}

/* Makes PRIV/<kind>/<name> point at target. kind is "q" or "a". */
static void resolver_link(struct resolver *r, char kind, const char *name, const char *target)
{
    char *key = xprintf("%c/%s", kind, name);
    for (size_t i = 0; i < r->links.n; i++) {
        if (strcmp(r->links.v[i], key) == 0) {
            if (strcmp(r->link_targets.v[i], target) != 0)
                fprintf(stderr, "ddk-cc: warning: \"%s\" matches both %s and %s "
                        "ignoring case; using the first\n",
                        name, r->link_targets.v[i], target);
            free(key);
            return;
        }
    }
    /* A name that climbs out ("../x.h") cannot live in the private dir;
     * one spelled with backslashes is a single file name there. */
    bool climbs = strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
                  strstr(name, "/../") || (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0);
    if (climbs || name[0] == '/' || !resolver_priv(r)) {
        if (r->verbose)
            fprintf(stderr, "ddk-cc: note: cannot fix the case of \"%s\"\n", name);
        free(key);
        return;
    }
    char *link = xprintf("%s/%s", r->priv, key);
    if (mkdir_p(link) < 0 || symlink(target, link) < 0)
        fprintf(stderr, "ddk-cc: warning: cannot link %s: %s\n", link, strerror(errno));
    sv_push(&r->links, key);
    sv_push(&r->link_targets, target);
    char *dir = xstrdup(target);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    size_t dl = strlen(r->ddk_include);
    bool ours = strncmp(dir, r->ddk_include, dl) == 0 && (dir[dl] == '/' || dir[dl] == 0);
    if (!ours && !sv_has(&r->real_dirs, dir))
        sv_push(&r->real_dirs, dir);
    free(dir);
    free(link);
    free(key);
}

static void scan_file(struct resolver *r, const char *file);

/* Resolves one include spelled `name` from a file in `curdir`. */
static void resolve_include(struct resolver *r, const char *curdir, const char *name, bool quoted)
{
    struct strv dirs = {0};
    if (quoted) {
        sv_push(&dirs, curdir);
        for (size_t i = 0; i < r->quote_dirs.n; i++)
            sv_push(&dirs, r->quote_dirs.v[i]);
    }
    for (size_t i = 0; i < r->angle_dirs.n; i++)
        sv_push(&dirs, r->angle_dirs.v[i]);

    char *found = NULL;
    bool exact = false;
    /* Exact spelling anywhere on the path is what the compiler finds. */
    for (size_t i = 0; i < dirs.n && !found; i++) {
        char *p = xprintf("%s/%s", dirs.v[i], name);
        if (is_file(p)) {
            found = p;
            exact = true;
        } else {
            free(p);
        }
    }
    /* Windows sources also separate directories with backslashes
     * (..\inc\public.h): the file is looked up with '/', and the link
     * keeps the spelling, a single file name in the private directory. */
    char *posix = xstrdup(name);
    for (char *c = posix; *c; c++)
        if (*c == '\\')
            *c = '/';
    for (size_t i = 0; i < dirs.n && !found; i++)
        found = find_nocase(dirs.v[i], posix);
    free(posix);
    for (size_t i = 0; i < dirs.n; i++)
        free(dirs.v[i]);
    free(dirs.v);
    if (!found)
        return;     /* a system header, or really missing: the compiler says */

    char real[PATH_MAX];
    if (!realpath(found, real)) {
        free(found);
        return;
    }
    free(found);
    if (!exact)
        resolver_link(r, quoted ? 'q' : 'a', name, real);
    size_t dl = strlen(r->ddk_include);
    if (strncmp(real, r->ddk_include, dl) == 0 && real[dl] == '/')
        return;     /* OpenDDK's own headers are spelled right */
    scan_file(r, real);
}

static void scan_file(struct resolver *r, const char *file)
{
    char real[PATH_MAX];
    if (!realpath(file, real) || sv_has(&r->visited, real))
        return;
    sv_push(&r->visited, real);
    FILE *f = fopen(real, "r");
    if (!f)
        return;
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", real);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p++ != '#')
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "include", 7) != 0)
            continue;
        p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        char close = *p == '"' ? '"' : *p == '<' ? '>' : 0;
        if (!close)
            continue;
        char *end = strchr(p + 1, close);
        if (!end || end == p + 1)
            continue;
        *end = 0;
        resolve_include(r, dir, p + 1, close == '"');
    }
    free(line);
    fclose(f);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* ---- command line ------------------------------------------------------- */

static bool is_source(const char *a)
{
    const char *dot = strrchr(a, '.');
    static const char *const exts[] = { ".c", ".C", ".cc", ".cpp", ".cxx", ".S", ".s", ".i" };
    if (!dot)
        return false;
    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
        if (strcmp(dot, exts[i]) == 0)
            return true;
    return false;
}

/* Options that take their argument as the next word. */
static bool takes_arg(const char *a)
{
    static const char *const opts[] = {
        "-o", "-I", "-D", "-U", "-L", "-l", "-MF", "-MT", "-MQ", "-include",
        "-imacros", "-isystem", "-idirafter", "-iquote", "-x", "-Xlinker",
        "-Xpreprocessor", "-Xassembler", "-T",
    };
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (strcmp(a, opts[i]) == 0)
            return true;
    return false;
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: ddk-cc [--wdm|--kmdf|--umdf] [options] file...\n"
"\n"
"Builds a Windows driver (or a client program) for OpenDDK with gcc.\n"
"\n"
"  --wdm, --kmdf, --umdf  build a driver module of that model: Windows\n"
"                         widths, the OpenDDK headers, the WDK macros, and\n"
"                         (when linking) the entry stub; implies -shared\n"
"  (no model)             build a client program against include/client\n"
"  -c, -E, -S             compile only (no entry stub)\n"
"  -o FILE                output file\n"
"  -I DIR, -D N[=V], -U N, -L DIR, -l LIB, -O*, -g*, -W*, -f*, -m*, -std=*\n"
"                         as for gcc (no -Werror is added; add it yourself)\n"
"  -v                     print the compiler line exactly as run\n"
"  --coverage [--json]    which WDF DDIs (KMDF and UMDF 2 function tables)\n"
"                         the framework implements, and which are stubs\n"
"  --help, --version\n"
"\n"
"Quoted and angled #includes that differ from the file's name on disk only\n"
"in case are resolved as a Windows build would resolve them.\n"
"Environment: DDK_CC_BACKEND overrides the C compiler (%s).\n",
        DDK_CC_BACKEND);
}

static void print_cmd(char *const *argv)
{
    for (size_t i = 0; argv[i]; i++) {
        const char *a = argv[i];
        bool plain = *a != 0;
        for (const char *c = a; *c; c++)
            if (!(((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z') ||
                  (*c >= '0' && *c <= '9') || strchr("-_=./,:+@%", *c)))
                plain = false;
        if (i)
            fputc(' ', stderr);
        if (plain) {
            fputs(a, stderr);
            continue;
        }
        fputc('\'', stderr);
        for (const char *c = a; *c; c++) {
            if (*c == '\'')
                fputs("'\\''", stderr);
            else
                fputc(*c, stderr);
        }
        fputc('\'', stderr);
    }
    fputc('\n', stderr);
}

static int run(char *const *argv)
{
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "ddk-cc: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "ddk-cc: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return 1;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    fprintf(stderr, "ddk-cc: %s died with signal %d\n", argv[0], WTERMSIG(st));
    return 1;
}

int main(int argc, char **argv)
{
    enum cc_model model = MODEL_NONE;
    bool no_link = false, verbose = false, shared = false;
    const char *output = NULL;
    struct strv user = {0};      /* the user's words, in order */
    struct strv sources = {0};
    struct strv defined = {0};   /* macro names the user -D'd */
    struct resolver r = {0};
    size_t inputs = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("ddk-cc (OpenDDK) %s\n", DDK_CC_VERSION_STRING);
            return 0;
        }
        if (strcmp(a, "--coverage") == 0) {
            bool json = false;
            for (int j = 1; j < argc; j++)
                json |= strcmp(argv[j], "--json") == 0;
            return ddk_cc_coverage(json);
        }
        if (strcmp(a, "--wdm") == 0 || strcmp(a, "--kmdf") == 0 || strcmp(a, "--umdf") == 0) {
            enum cc_model m = a[2] == 'w' ? MODEL_WDM : a[2] == 'k' ? MODEL_KMDF : MODEL_UMDF;
            if (model != MODEL_NONE && model != m) {
                fprintf(stderr, "ddk-cc: %s conflicts with an earlier model option\n", a);
                return 1;
            }
            model = m;
            continue;
        }
        if (strcmp(a, "-v") == 0) {
            verbose = true;
            continue;
        }
        if (strcmp(a, "-shared") == 0) {
            shared = true;  /* added back below, after the stub */
            continue;
        }
        if (a[0] != '-' || a[1] == 0) {
            sv_push(&user, a);
            inputs++;
            if (is_source(a))
                sv_push(&sources, a);
            continue;
        }
        if (strncmp(a, "--", 2) == 0) {
            fprintf(stderr, "ddk-cc: unknown option %s (see --help)\n", a);
            return 1;
        }
        if (strcmp(a, "-c") == 0 || strcmp(a, "-E") == 0 || strcmp(a, "-S") == 0 ||
            strcmp(a, "-M") == 0 || strcmp(a, "-MM") == 0)
            no_link = true;
        const char *arg = NULL;
        if (takes_arg(a)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ddk-cc: %s needs an argument\n", a);
                return 1;
            }
            arg = argv[++i];
        } else if (strchr("IDULlo", a[1]) && a[2]) {
            arg = a + 2;
        }
        if (a[1] == 'o') {
            output = arg;
            continue;
        }
        if (a[1] == 'I' || strncmp(a, "-isystem", 8) == 0 || strncmp(a, "-idirafter", 10) == 0) {
            if (a[1] != 'I' && !arg)
                arg = a + (a[2] == 's' ? 8 : 10);
            sv_push(&r.angle_dirs, arg);
        }
        if (strncmp(a, "-iquote", 7) == 0)
            sv_push(&r.quote_dirs, arg ? arg : a + 7);
        if (a[1] == 'D' && arg) {
            char *name = xstrdup(arg);
            name[strcspn(name, "=(")] = 0;
            sv_push(&defined, name);
            free(name);
        }
        sv_push(&user, a);
        if (arg && takes_arg(a))
            sv_push(&user, arg);
    }

    if (inputs == 0) {
        fprintf(stderr, "ddk-cc: no input files (see --help)\n");
        return 1;
    }

    struct layout lay;
    if (!layout_find(&lay)) {
        fprintf(stderr, "ddk-cc: cannot find the OpenDDK headers (looked beside %s "
                "and in " DDK_SOURCE_DIR ")\n", "/proc/self/exe");
        return 1;
    }

    const char *backend = getenv("DDK_CC_BACKEND");
    struct strv cmd = {0};
    sv_push(&cmd, backend && *backend ? backend : DDK_CC_BACKEND);
    sv_push(&cmd, "-fshort-wchar");
    sv_push(&cmd, "-fPIC");
    /* Windows code routinely puns types and uses anonymous members of a
     * typedef'd struct. */
    sv_push(&cmd, "-fno-strict-aliasing");
    sv_push(&cmd, "-fms-extensions");
    /* MSVC merges tentative definitions ("ULONG DebugLevel;" in a header
     * included twice); gcc stopped doing so by default in version 10. */
    sv_push(&cmd, "-fcommon");
    /* Third-party sources: keep what -W* the user asks for, but silence
     * what MSVC idioms set off by themselves. */
    sv_push(&cmd, "-Wno-multichar");
    sv_push(&cmd, "-Wno-unknown-pragmas");
    sv_push(&cmd, "-Wno-pointer-sign");
    sv_push(&cmd, "-Wno-address-of-packed-member");
    /* A variable kept only for a debug print that compiles away in a
     * free build (#if DBG): MSVC's /W4 says nothing, gcc's -Wall would. */
    sv_push(&cmd, "-Wno-unused-but-set-variable");
    /* SID_IDENTIFIER_AUTHORITY a = SECURITY_NT_AUTHORITY; and other
     * initializers of nested structs written flat, as MSVC accepts. */
    sv_push(&cmd, "-Wno-missing-braces");
    sv_push(&cmd, "-D_AMD64_");
    sv_push(&cmd, "-D_WIN64");
    sv_push(&cmd, "-D_M_AMD64=100");
    sv_push(&cmd, "-D_M_X64=100");
    if (model != MODEL_NONE) {
        static const char *const names[] = { "", "WDM", "KMDF", "UMDF" };
        char *d;
        sv_push(&cmd, "-fvisibility=hidden");
        sv_push(&cmd, "-DDDK_DRIVER=1");
        d = xprintf("-DDDK_MODEL_%s=1", names[model]);
        sv_push(&cmd, d);
        free(d);
        if (model != MODEL_UMDF && !sv_has(&defined, "_KERNEL_MODE"))
            sv_push(&cmd, "-D_KERNEL_MODE=1");
        if (model == MODEL_KMDF) {
            if (!sv_has(&defined, "KMDF_VERSION_MAJOR"))
                sv_push(&cmd, "-DKMDF_VERSION_MAJOR=1");
            if (!sv_has(&defined, "KMDF_VERSION_MINOR"))
                sv_push(&cmd, "-DKMDF_VERSION_MINOR=" DDK_KMDF_MINOR_DEFAULT);
        }
        if (model == MODEL_UMDF) {
            if (!sv_has(&defined, "UMDF_VERSION_MAJOR"))
                sv_push(&cmd, "-DUMDF_VERSION_MAJOR=2");
            if (!sv_has(&defined, "UMDF_VERSION_MINOR"))
                sv_push(&cmd, "-DUMDF_VERSION_MINOR=" DDK_UMDF_MINOR_DEFAULT);
        }
        if (!no_link)
            sv_push(&cmd, "-DDDK_CC_VERSION=\"ddk-cc (OpenDDK) " DDK_CC_VERSION_STRING "\"");
    }
    for (size_t i = 0; i < user.n; i++)
        sv_push(&cmd, user.v[i]);

    const char *sys_inc = model != MODEL_NONE ? lay.include : lay.client_include;
    char *sys_inc_opt = xprintf("-I%s", sys_inc);
    sv_push(&cmd, sys_inc_opt);
    free(sys_inc_opt);

    /* Case fixing: needs the full search path (user dirs, then ours). */
    sv_push(&r.angle_dirs, sys_inc);
    char ddk_real[PATH_MAX];
    r.ddk_include = realpath(lay.include, ddk_real) ? ddk_real : lay.include;
    r.verbose = verbose;
    for (size_t i = 0; i < sources.n; i++)
        scan_file(&r, sources.v[i]);
    if (r.priv) {
        bool have_q = false, have_a = false;
        for (size_t i = 0; i < r.links.n; i++) {
            have_q |= r.links.v[i][0] == 'q';
            have_a |= r.links.v[i][0] == 'a';
        }
        char *o;
        if (have_q) {
            sv_push(&cmd, "-iquote");
            o = xprintf("%s/q", r.priv);
            sv_push(&cmd, o);
            free(o);
        }
        for (size_t i = 0; i < r.real_dirs.n; i++) {
            sv_push(&cmd, "-iquote");
            sv_push(&cmd, r.real_dirs.v[i]);
        }
        if (have_a) {
            o = xprintf("-I%s/a", r.priv);
            sv_push(&cmd, o);
            free(o);
        }
    }

    if (model != MODEL_NONE && !no_link) {
        sv_push(&cmd, lay.stub);
        sv_push(&cmd, "-shared");
        /* Static libraries linked in must not export their symbols. */
        sv_push(&cmd, "-Wl,--exclude-libs,ALL");
    } else if (shared && !no_link) {
        sv_push(&cmd, "-shared");
    }
    if (output) {
        sv_push(&cmd, "-o");
        sv_push(&cmd, output);
    }

    if (verbose)
        print_cmd(cmd.v);
    int rc = run(cmd.v);
    if (r.priv)
        nftw(r.priv, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}
