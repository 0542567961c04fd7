/*
 * stamp.c - .inx -> .inf (see stamp.h).
 *
 * The .inx is first parsed as an INF (so a malformed one is refused with
 * its own file:line, before anything shifts), then rewritten as text:
 * placeholders replaced, the DriverVer line of [Version] replaced or
 * added. Working on the text, not on the parsed model, keeps comments,
 * layout and line endings as the author wrote them.
 */
#define _GNU_SOURCE
#include <ntdef.h>
#include <ntstatus.h>
#include "store/stamp.h"
#include "rtl/rtl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void stamp_error(struct inf_error *err, const char *file, unsigned line,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void stamp_error(struct inf_error *err, const char *file, unsigned line,
                        const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    err->code = INF_ERR_SYNTAX;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

/* A growing byte buffer; on allocation failure it stays failed. */
struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *np;
        while (cap < b->n + n + 1)
            cap *= 2;
        np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static bool valid_date(const char *d)
{
    unsigned m, day, y;
    char tail;
    if (sscanf(d, "%2u/%2u/%4u%c", &m, &day, &y, &tail) != 3)
        return false;
    return m >= 1 && m <= 12 && day >= 1 && day <= 31 && y >= 1980 && strlen(d) <= 10;
}

static bool valid_version(const char *v)
{
    unsigned parts = 0;
    const char *p = v;
    while (*p) {
        char *end;
        unsigned long n;
        if (*p < '0' || *p > '9')
            return false;
        n = strtoul(p, &end, 10);
        if (n > 65535 || ++parts > 4)
            return false;
        p = end;
        if (*p == '.') {
            p++;
            if (!*p)
                return false;
        } else if (*p)
            return false;
    }
    return parts >= 1;
}

/* The first non-blank run of a line up to '=' (the key), for matching. */
static bool line_key_is(const char *line, size_t n, const char *key)
{
    size_t i = 0, k = strlen(key);
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (n - i < k || strncasecmp(line + i, key, k) != 0)
        return false;
    i += k;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i < n && line[i] == '=';
}

/* The section name if the line is a header, lower-case compared by caller. */
static bool line_section(const char *line, size_t n, char *name, size_t cap)
{
    size_t i = 0, j;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= n || line[i] != '[')
        return false;
    for (j = ++i; j < n && line[j] != ']'; j++)
        ;
    if (j >= n || j - i >= cap)
        return false;
    while (i < j && (line[i] == ' ' || line[i] == '\t'))
        i++;
    while (j > i && (line[j - 1] == ' ' || line[j - 1] == '\t'))
        j--;
    memcpy(name, line + i, j - i);
    name[j - i] = 0;
    return true;
}

#define STAMP_LINE_BUF 4200u

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The logical line starting at pos, cut the way the parser cuts it
 * (comments out, trailing `\` joins the next physical line, quotes
 * protect ';'): its content into buf (truncated to cap, which is only
 * used for matching), the position after it returned. *dangling: its last
 * physical line continues into the end of the text.
 */
static size_t logical_span(const char *text, size_t len, size_t pos, char *buf, size_t cap,
                           bool *dangling)
{
    size_t o = 0;
    bool inq = false;

    *dangling = false;
    buf[0] = 0;
    for (;;) {
        size_t eol = pos, end;
        bool cont;
        while (eol < len && text[eol] != '\n')
            eol++;
        end = eol;
        for (size_t k = pos; k < eol; k++) {
            if (text[k] == '"')
                inq = !inq;
            else if (text[k] == ';' && !inq) {
                end = k;
                break;
            }
        }
        while (end > pos && blank(text[end - 1]))
            end--;
        cont = end > pos && text[end - 1] == '\\';
        if (cont)
            end--;
        if (o + (end - pos) < cap) {
            memcpy(buf + o, text + pos, end - pos);
            o += end - pos;
            buf[o] = 0;
        }
        pos = eol < len ? eol + 1 : len;
        if (!cont)
            return pos;
        if (pos >= len) {
            *dangling = true;
            return pos;
        }
    }
}

static void put_replaced(struct sbuf *b, const char *s, size_t n, const struct stamp_opts *o)
{
    static const char *const tok[] = { "$ARCH$", "$KMDFVERSION$", "$UMDFVERSION$" };
    const char *val[] = {
        o && o->arch ? o->arch : STAMP_DEFAULT_ARCH,
        o && o->kmdf ? o->kmdf : STAMP_DEFAULT_KMDF,
        o && o->umdf ? o->umdf : STAMP_DEFAULT_UMDF,
    };
    size_t i = 0, from = 0;
    while (i < n) {
        bool hit = false;
        if (s[i] == '$') {
            for (unsigned t = 0; t < 3 && !hit; t++) {
                size_t tl = strlen(tok[t]);
                if (n - i >= tl && memcmp(s + i, tok[t], tl) == 0) {
                    sb_put(b, s + from, i - from);
                    sb_put(b, val[t], strlen(val[t]));
                    i += tl;
                    from = i;
                    hit = true;
                }
            }
        }
        if (!hit)
            i++;
    }
    sb_put(b, s + from, n - from);
}

bool stamp_inx(const char *name, const void *in, size_t len, const struct stamp_opts *o,
               void **out, size_t *outlen, struct inf_error *err)
{
    const char *encoding = NULL;
    struct inf_file *inf;
    struct sbuf b = { 0 };
    char *text, *lbuf, date[16], version[32], driverver[64];
    size_t tlen = 0, pos = 0;
    bool in_version = false, done = false, crlf;

    *out = NULL;
    *outlen = 0;
    inf = inf_parse(name, in, len, 0, err);
    if (!inf)
        return false;
    if (!inf_section(inf, "Version")) {
        stamp_error(err, name, 0, "no [Version] section to put DriverVer in");
        inf_close(inf);
        return false;
    }
    /* the date */
    if (o && o->date && strcmp(o->date, "*") != 0) {
        if (!valid_date(o->date)) {
            stamp_error(err, name, 0, "bad date '%s' (MM/DD/YYYY)", o->date);
            inf_close(inf);
            return false;
        }
        snprintf(date, sizeof(date), "%s", o->date);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(date, sizeof(date), "%02d/%02d/%04d", tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_year + 1900);
    }
    /* the version */
    if (o && o->version && strcmp(o->version, "*") == 0) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(version, sizeof(version), "%d.%d.%d.%d", tm.tm_year + 1900,
                 (tm.tm_mon + 1) * 100 + tm.tm_mday, tm.tm_hour * 100 + tm.tm_min, tm.tm_sec);
    } else if (o && o->version) {
        if (!valid_version(o->version)) {
            stamp_error(err, name, 0, "bad version '%s' (w.x.y.z, each at most 65535)",
                        o->version);
            inf_close(inf);
            return false;
        }
        snprintf(version, sizeof(version), "%s", o->version);
    } else {
        const struct inf_line *dv = inf_find_key(inf_section(inf, "Version"), "DriverVer");
        char old[64];
        if (dv && inf_field(inf, dv, 1, old, sizeof(old), NULL) && valid_version(old))
            snprintf(version, sizeof(version), "%s", old);
        else
            snprintf(version, sizeof(version), "1.0.0.0");
    }
    inf_close(inf);
    snprintf(driverver, sizeof(driverver), "DriverVer = %s,%s", date, version);

    text = inf_decode(name, in, len, &encoding, &tlen, err);
    if (!text)
        return false;
    crlf = strstr(text, "\r\n") != NULL;
    lbuf = malloc(STAMP_LINE_BUF);
    if (!lbuf) {
        free(text);
        stamp_error(err, name, 0, "out of memory");
        return false;
    }
    while (pos < tlen) {
        bool dangling;
        size_t next = logical_span(text, tlen, pos, lbuf, STAMP_LINE_BUF, &dangling);
        char sec[256];
        if (line_section(lbuf, strlen(lbuf), sec, sizeof(sec))) {
            in_version = strcasecmp(sec, "Version") == 0;
            put_replaced(&b, text + pos, next - pos, o);
            if (in_version && !done) {
                /* the header's logical line must end before ours starts */
                if (text[next - 1] != '\n')
                    sb_put(&b, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
                if (dangling)
                    sb_put(&b, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
                sb_put(&b, driverver, strlen(driverver));
                sb_put(&b, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
                done = true;
            }
        } else if (in_version && line_key_is(lbuf, strlen(lbuf), "DriverVer")) {
            /* dropped with its continuation lines: the added line replaces it */
        } else {
            put_replaced(&b, text + pos, next - pos, o);
        }
        pos = next;
    }
    free(lbuf);
    free(text);
    if (b.oom || !b.p) {
        free(b.p);
        stamp_error(err, name, 0, "out of memory");
        return false;
    }
    if (strcmp(encoding, "utf-16le") == 0) {
        size_t cch = 0;
        unsigned char *u16;
        rtl_utf8_to_utf16(NULL, 0, &cch, b.p, b.n);
        u16 = malloc(2 + cch * sizeof(WCHAR));
        if (!u16) {
            free(b.p);
            stamp_error(err, name, 0, "out of memory");
            return false;
        }
        u16[0] = 0xFF;
        u16[1] = 0xFE;
        rtl_utf8_to_utf16((WCHAR *)(void *)(u16 + 2), cch, &cch, b.p, b.n);
        free(b.p);
        *out = u16;
        *outlen = 2 + cch * sizeof(WCHAR);
    } else if (strcmp(encoding, "utf-8-bom") == 0) {
        char *p = malloc(b.n + 3);
        if (!p) {
            free(b.p);
            stamp_error(err, name, 0, "out of memory");
            return false;
        }
        memcpy(p, "\xEF\xBB\xBF", 3);
        memcpy(p + 3, b.p, b.n);
        *out = p;
        *outlen = b.n + 3;
        free(b.p);
    } else {
        *out = b.p;
        *outlen = b.n;
    }
    return true;
}

bool stamp_file(const char *in, const char *out, const struct stamp_opts *o,
                struct inf_error *err)
{
    struct stat st;
    char *data, tmp[4096];
    void *res;
    size_t off = 0, rlen;
    ssize_t got;
    int fd = open(in, O_RDONLY | O_CLOEXEC);
    bool ok;

    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
        stamp_error(err, in, 0, "cannot read: %s", fd < 0 ? strerror(errno) : "not a file");
        if (fd >= 0)
            close(fd);
        return false;
    }
    data = malloc((size_t)st.st_size + 1);
    if (!data) {
        close(fd);
        stamp_error(err, in, 0, "out of memory");
        return false;
    }
    while (off < (size_t)st.st_size && (got = read(fd, data + off, (size_t)st.st_size - off)) > 0)
        off += (size_t)got;
    close(fd);
    ok = stamp_inx(in, data, off, o, &res, &rlen, err);
    free(data);
    if (!ok)
        return false;
    snprintf(tmp, sizeof(tmp), "%s.tmp.%d", out, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ok = fd >= 0;
    for (size_t w = 0; ok && w < rlen; ) {
        got = write(fd, (char *)res + w, rlen - w);
        if (got <= 0)
            ok = false;
        else
            w += (size_t)got;
    }
    if (fd >= 0 && close(fd) < 0)
        ok = false;
    free(res);
    if (!ok || rename(tmp, out) < 0) {
        stamp_error(err, out, 0, "cannot write: %s", strerror(errno));
        unlink(tmp);
        return false;
    }
    return true;
}

int store_stampinf_main(int argc, char **argv)
{
    struct stamp_opts o = { 0 };
    struct inf_error err;
    const char *in = NULL, *out = NULL, *prog = argc > 0 ? argv[0] : "ddk-stampinf";
    char outbuf[4096];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: %s -f FILE.inx [-o FILE.inf] [-a ARCH] [-k KMDFVER] [-u UMDFVER]\n"
                   "       [-d MM/DD/YYYY|*] [-v W.X.Y.Z|*]\n"
                   "Replaces $ARCH$, $KMDFVERSION$, $UMDFVERSION$ and sets DriverVer.\n",
                   prog);
            return 0;
        }
        if (strcmp(a, "-f") == 0) dst = &in;
        else if (strcmp(a, "-o") == 0) dst = &out;
        else if (strcmp(a, "-a") == 0) dst = &o.arch;
        else if (strcmp(a, "-k") == 0) dst = &o.kmdf;
        else if (strcmp(a, "-u") == 0) dst = &o.umdf;
        else if (strcmp(a, "-d") == 0) dst = &o.date;
        else if (strcmp(a, "-v") == 0) dst = &o.version;
        if (!dst || i + 1 >= argc) {
            fprintf(stderr, "%s: %s %s\n", prog, dst ? "missing value for" : "unknown option",
                    a);
            return 2;
        }
        *dst = argv[++i];
    }
    if (!in) {
        fprintf(stderr, "usage: %s -f FILE.inx [-o FILE.inf] [options] (--help)\n", prog);
        return 2;
    }
    if (!out) {
        size_t n = strlen(in);
        if (n > 4 && strcasecmp(in + n - 4, ".inx") == 0 && n < sizeof(outbuf))
            snprintf(outbuf, sizeof(outbuf), "%.*s.inf", (int)(n - 4), in);
        else
            snprintf(outbuf, sizeof(outbuf), "%s.inf", in);
        out = outbuf;
    }
    memset(&err, 0, sizeof(err));
    if (!stamp_file(in, out, &o, &err)) {
        fprintf(stderr, "%s:%u: error %u: %s\n", err.file, err.line, err.code, err.message);
        return 1;
    }
    printf("%s\n", out);
    return 0;
}
