/*
 * Helpers shared by the driver-store tests (catalog, driverstore, CLI):
 * scratch directories, a driver package made from the ddkecho sample, and
 * running build/bin/ddk.
 */
#ifndef TEST_DRIVERSTORE_UTIL_H
#define TEST_DRIVERSTORE_UTIL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DDK_BIN DDK_BUILD_DIR "/bin/ddk"
#define SAMPLE_DIR DDK_BUILD_DIR "/samples/ddkecho"

static inline void tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void tu_sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    if (system(cmd) != 0) {
        fprintf(stderr, "command failed: %s\n", cmd);
        abort();
    }
}

/* A fresh scratch directory (removed by tu_rmtree). */
static inline char *tu_tmpdir(void)
{
    char *d = strdup("/tmp/ddk-store-test-XXXXXX");
    if (!d || !mkdtemp(d))
        abort();
    return d;
}

static inline void tu_rmtree(char *d)
{
    if (d) {
        /* store copies are read-only: make them writable first */
        tu_sh("chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", d, d);
        free(d);
    }
}

/* dir/pkg: a copy of the ddkecho sample package (INF + module). */
static inline void tu_make_package(const char *dir, const char *name)
{
    tu_sh("mkdir -p '%s/%s' && cp '" SAMPLE_DIR "/ddkecho.inf' '" SAMPLE_DIR
          "/ddkecho.so' '%s/%s/'", dir, name, dir, name);
}

static inline void tu_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

static inline char *tu_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/*
 * Runs `ddk --root ROOT args...` (a shell fragment); stdout and stderr land
 * in scratch/out and scratch/err; returns the exit status (or 128+signal).
 */
static inline int tu_ddk(const char *scratch, const char *root, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int tu_ddk(const char *scratch, const char *root, const char *fmt, ...)
{
    char args[4096], cmd[8192];
    va_list ap;
    int rc;
    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof(cmd), "'%s' --root '%s' %s >'%s/out' 2>'%s/err'", DDK_BIN, root, args,
             scratch, scratch);
    rc = system(cmd);
    if (rc == -1)
        abort();
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

/* The last line of a file (without its newline), malloc'ed. */
static inline char *tu_last_line(const char *path)
{
    char *t = tu_read(path), *l;
    size_t n;
    if (!t)
        return NULL;
    n = strlen(t);
    while (n && t[n - 1] == '\n')
        t[--n] = 0;
    l = strrchr(t, '\n');
    l = strdup(l ? l + 1 : t);
    free(t);
    return l;
}

/* Number of lines in a file. */
static inline int tu_lines(const char *path)
{
    char *t = tu_read(path);
    int n = 0;
    if (!t)
        return -1;
    for (char *p = t; *p; p++)
        n += *p == '\n';
    free(t);
    return n;
}

#endif
