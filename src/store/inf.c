/*
 * inf.c - the INF parser (see inf.h for the model).
 *
 * Reading goes in three steps: decode the bytes to UTF-8 (decode_text),
 * cut the text into logical lines — comments removed, `\` continuations
 * joined, quotes balanced (next_logical_line) — and split each logical
 * line into a section header or "key = field, field, ..." (parse_line).
 * Limits are explicit: a logical line is at most INF_MAX_LINE bytes and a
 * file at most INF_MAX_FILE bytes; beyond that the file is rejected with
 * its file:line, never truncated silently.
 */
#define _GNU_SOURCE
#include <ntdef.h>
#include <ntstatus.h>
#include "store/inf.h"
#include "rtl/rtl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define INF_MAX_LINE  4096u            /* bytes of one logical line */
#define INF_MAX_FILE  (64u << 20)      /* bytes of one INF */

static void set_error(struct inf_error *err, const char *file, unsigned line, unsigned code,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void set_error(struct inf_error *err, const char *file, unsigned line, unsigned code,
                      const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

/* ---- decoding ---------------------------------------------------------- */

/* Windows-1252 0x80..0x9F (0 = undefined there, mapped to U+FFFD). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], need, cp;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
        else return false;
        if (i + need >= n)
            return false;
        for (unsigned k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += need + 1;
    }
    return true;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Returns malloc'd UTF-8 text (NUL-terminated) or NULL with *err set. */
static char *decode_text(const char *name, const unsigned char *data, size_t len,
                         const char **encoding, size_t *out_len, struct inf_error *err)
{
    char *out;
    size_t n = 0;

    if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE) {
        size_t cch = (len - 2) / 2, u8len = 0;
        WCHAR *w;
        if ((len - 2) % 2) {
            set_error(err, name, 0, INF_ERR_FILE, "truncated UTF-16LE text (odd byte count)");
            return NULL;
        }
        w = malloc((cch + 1) * sizeof(WCHAR));
        if (!w) {
            set_error(err, name, 0, INF_ERR_FILE, "out of memory");
            return NULL;
        }
        memcpy(w, data + 2, cch * sizeof(WCHAR));
        rtl_utf16_to_utf8(NULL, 0, &u8len, w, cch);
        out = malloc(u8len + 1);
        if (!out) {
            free(w);
            set_error(err, name, 0, INF_ERR_FILE, "out of memory");
            return NULL;
        }
        rtl_utf16_to_utf8(out, u8len, &n, w, cch);
        free(w);
        out[n] = 0;
        *encoding = "utf-16le";
    } else if (len >= 2 && data[0] == 0xFE && data[1] == 0xFF) {
        set_error(err, name, 0, INF_ERR_FILE, "UTF-16BE text is not a valid INF encoding");
        return NULL;
    } else if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
        if (!valid_utf8(data + 3, len - 3)) {
            set_error(err, name, 0, INF_ERR_FILE, "invalid UTF-8 after a UTF-8 byte order mark");
            return NULL;
        }
        out = malloc(len - 2);
        if (!out) {
            set_error(err, name, 0, INF_ERR_FILE, "out of memory");
            return NULL;
        }
        memcpy(out, data + 3, len - 3);
        n = len - 3;
        out[n] = 0;
        *encoding = "utf-8-bom";
    } else if (valid_utf8(data, len)) {
        out = malloc(len + 1);
        if (!out) {
            set_error(err, name, 0, INF_ERR_FILE, "out of memory");
            return NULL;
        }
        memcpy(out, data, len);
        n = len;
        out[n] = 0;
        *encoding = "utf-8";
    } else {
        out = malloc(len * 3 + 1);
        if (!out) {
            set_error(err, name, 0, INF_ERR_FILE, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < len; i++) {
            unsigned c = data[i];
            if (c >= 0x80 && c <= 0x9F)
                c = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xFFFD;
            n += put_utf8(out + n, c);
        }
        out[n] = 0;
        *encoding = "windows-1252";
    }
    /* A NUL inside the text is binary data, not an INF. */
    if (strlen(out) != n) {
        unsigned line = 1;
        for (size_t i = 0; i < n && out[i]; i++)
            line += out[i] == '\n';
        free(out);
        set_error(err, name, line, INF_ERR_FILE, "binary data (a NUL character) in the file");
        return NULL;
    }
    *out_len = n;
    return out;
}

/* ---- building ------------------------------------------------------------ */

static struct inf_section *find_section(struct inf_file *inf, const char *name)
{
    for (unsigned i = 0; i < inf->nsections; i++)
        if (strcasecmp(inf->sections[i].name, name) == 0)
            return &inf->sections[i];
    return NULL;
}

static struct inf_section *add_section(struct inf_file *inf, const char *name, unsigned lineno)
{
    struct inf_section *s = find_section(inf, name);
    if (s)
        return s;     /* repeated sections are merged, as Windows does */
    if (inf->nsections == inf->cap) {
        unsigned cap = inf->cap ? inf->cap * 2 : 16;
        struct inf_section *n = realloc(inf->sections, cap * sizeof(*n));
        if (!n)
            return NULL;
        inf->sections = n;
        inf->cap = cap;
    }
    s = &inf->sections[inf->nsections];
    memset(s, 0, sizeof(*s));
    s->name = strdup(name);
    if (!s->name)
        return NULL;
    s->lineno = lineno;
    s->file = inf;
    inf->nsections++;
    return s;
}

static void free_line(struct inf_line *l)
{
    free(l->key);
    for (unsigned i = 0; i < l->nfields; i++)
        free(l->fields[i]);
    free(l->fields);
    free(l->quoted);
}

void inf_close(struct inf_file *inf)
{
    if (!inf)
        return;
    for (unsigned i = 0; i < inf->nsections; i++) {
        struct inf_section *s = &inf->sections[i];
        for (unsigned j = 0; j < s->nlines; j++)
            free_line(&s->lines[j]);
        free(s->lines);
        free(s->name);
    }
    free(inf->sections);
    free(inf->path);
    free(inf->dir);
    free(inf);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Unquotes one field or key: surrounding blanks go, blanks inside stay,
 * quoted runs are taken literally with "" meaning one quote. Returns a
 * malloc'd string.
 */
static char *unquote(const char *s, size_t n, bool *was_quoted)
{
    char *out = malloc(n + 1);
    size_t o = 0, last_kept = 0;
    bool inq = false, any_quote = false, started = false;

    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            if (inq && i + 1 < n && s[i + 1] == '"') {
                out[o++] = '"';
                i++;
                last_kept = o;
                continue;
            }
            inq = !inq;
            any_quote = true;
            started = true;
            last_kept = o;
            continue;
        }
        if (!inq && is_space(c)) {
            if (started)
                out[o++] = c;   /* trailing blanks are cut below */
            continue;
        }
        out[o++] = c;
        started = true;
        last_kept = o;
    }
    out[last_kept] = 0;
    if (was_quoted)
        *was_quoted = any_quote;
    return out;
}

static int add_line(struct inf_section *s, const char *text, size_t n, unsigned lineno)
{
    struct inf_line *l;
    const char *eq = NULL, *p;
    bool inq = false;
    unsigned nf = 1, f = 0;
    const char *start;

    for (p = text; p < text + n; p++) {
        if (*p == '"')
            inq = !inq;
        else if (!inq && *p == '=' && !eq)
            eq = p;
        else if (!inq && *p == ',' )
            nf++;
    }
    if (s->nlines == s->cap) {
        unsigned cap = s->cap ? s->cap * 2 : 8;
        struct inf_line *nl = realloc(s->lines, cap * sizeof(*nl));
        if (!nl)
            return -1;
        s->lines = nl;
        s->cap = cap;
    }
    l = &s->lines[s->nlines];
    memset(l, 0, sizeof(*l));
    l->lineno = lineno;
    l->section = s;
    start = text;
    if (eq) {
        /* commas before '=' belong to the key only in malformed lines: count
         * again from after the '=' */
        l->key = unquote(text, (size_t)(eq - text), NULL);
        if (!l->key)
            return -1;
        start = eq + 1;
        nf = 1;
        inq = false;
        for (p = start; p < text + n; p++) {
            if (*p == '"')
                inq = !inq;
            else if (!inq && *p == ',')
                nf++;
        }
    }
    l->fields = calloc(nf, sizeof(char *));
    l->quoted = calloc(nf, sizeof(bool));
    if (!l->fields || !l->quoted) {
        free_line(l);
        return -1;
    }
    inq = false;
    for (p = start; ; p++) {
        bool end = p == text + n;
        if (!end && *p == '"')
            inq = !inq;
        if (end || (!inq && *p == ',')) {
            l->fields[f] = unquote(start, (size_t)(p - start), &l->quoted[f]);
            if (!l->fields[f]) {
                l->nfields = f;
                free_line(l);
                return -1;
            }
            f++;
            start = p + 1;
            if (end)
                break;
        }
    }
    l->nfields = f;
    /* "key =" with nothing after it has one empty field; a bare line
     * with one empty field is blank and was skipped by the caller. */
    s->nlines++;
    return 0;
}

/*
 * Cuts the next logical line out of text at *pos: comments removed,
 * continuations joined. Writes it to buf (NUL-terminated), its first
 * physical line number to *lineno. Returns 1 for a line, 0 at the end,
 * -1 on error (set in err).
 */
static int next_logical_line(const char *name, const char *text, size_t len, size_t *pos,
                             unsigned *physline, char *buf, size_t *buflen, unsigned *lineno,
                             struct inf_error *err)
{
    size_t o = 0;
    bool inq = false;

    if (*pos >= len)
        return 0;
    *lineno = *physline;
    for (;;) {
        size_t i = *pos, comment = (size_t)-1;
        size_t eol;
        /* one physical line; a quoted string continued with a trailing `\`
         * stays open on the next one */
        while (i < len && text[i] != '\n')
            i++;
        eol = i;
        for (size_t k = *pos; k < eol; k++) {
            if (text[k] == '"')
                inq = !inq;
            else if (text[k] == ';' && !inq) {
                comment = k;
                break;
            }
        }
        if (inq && comment == (size_t)-1) {
            size_t end = eol;
            while (end > *pos && is_space(text[end - 1]))
                end--;
            if (end == *pos || text[end - 1] != '\\' || eol + 1 >= len) {
                set_error(err, name, *physline, INF_ERR_SYNTAX, "unterminated quoted string");
                return -1;
            }
        }
        {
            size_t end = comment != (size_t)-1 ? comment : eol;
            bool cont = false;
            while (end > *pos && is_space(text[end - 1]))
                end--;
            if (end > *pos && text[end - 1] == '\\') {
                cont = true;
                end--;
            }
            if (o + (end - *pos) + 1 > INF_MAX_LINE) {
                set_error(err, name, *lineno, INF_ERR_SYNTAX,
                          "line longer than %u bytes", INF_MAX_LINE);
                return -1;
            }
            memcpy(buf + o, text + *pos, end - *pos);
            o += end - *pos;
            *pos = eol < len ? eol + 1 : len;
            (*physline)++;
            if (cont && *pos < len)
                continue;
        }
        break;
    }
    buf[o] = 0;
    *buflen = o;
    return 1;
}

struct inf_file *inf_parse(const char *name, const void *data, size_t len, unsigned lcid,
                           struct inf_error *err)
{
    struct inf_file *inf = NULL;
    struct inf_section *cur = NULL;
    const char *encoding = NULL;
    char *text = NULL, *buf = NULL;
    size_t tlen = 0, pos = 0, blen = 0;
    unsigned physline = 1, lineno = 0;
    int r;

    if (len > INF_MAX_FILE) {
        set_error(err, name, 0, INF_ERR_FILE, "file larger than %u bytes", INF_MAX_FILE);
        return NULL;
    }
    text = decode_text(name, data, len, &encoding, &tlen, err);
    if (!text)
        return NULL;
    inf = calloc(1, sizeof(*inf));
    buf = malloc(INF_MAX_LINE + 1);
    if (!inf || !buf)
        goto oom;
    inf->path = strdup(name ? name : "");
    if (!inf->path)
        goto oom;
    {
        const char *slash = strrchr(inf->path, '/');
        inf->dir = slash ? strndup(inf->path, (size_t)(slash - inf->path)) : strdup(".");
        if (!inf->dir)
            goto oom;
    }
    inf->encoding = (char *)encoding;
    inf->lcid = lcid ? lcid : 0x0409;

    while ((r = next_logical_line(name, text, tlen, &pos, &physline, buf, &blen, &lineno,
                                  err)) > 0) {
        char *p = buf, *e = buf + blen;
        while (p < e && is_space(*p))
            p++;
        if (p == e)
            continue;
        if (*p == '[') {
            char *close = memchr(p, ']', (size_t)(e - p));
            char *q;
            if (!close) {
                set_error(err, name, lineno, INF_ERR_SECTION, "section header without ']'");
                goto fail;
            }
            for (q = close + 1; q < e; q++) {
                if (!is_space(*q)) {
                    set_error(err, name, lineno, INF_ERR_SECTION,
                              "text after a section header");
                    goto fail;
                }
            }
            *close = 0;
            p++;
            while (*p && is_space(*p))
                p++;
            for (q = close; q > p && is_space(q[-1]); q--)
                q[-1] = 0;
            if (!*p) {
                set_error(err, name, lineno, INF_ERR_SECTION, "empty section name");
                goto fail;
            }
            if (strchr(p, '[')) {
                set_error(err, name, lineno, INF_ERR_SECTION, "'[' inside a section name");
                goto fail;
            }
            cur = add_section(inf, p, lineno);
            if (!cur)
                goto oom;
            continue;
        }
        if (!cur) {
            set_error(err, name, lineno, INF_ERR_SECTION, "line outside of any section");
            goto fail;
        }
        if (add_line(cur, p, (size_t)(e - p), lineno) < 0)
            goto oom;
    }
    if (r < 0)
        goto fail;
    if (inf->nsections == 0) {
        set_error(err, name, 0, INF_ERR_FILE, "no sections: not an INF file");
        goto fail;
    }
    free(buf);
    free(text);
    return inf;

oom:
    set_error(err, name, lineno, INF_ERR_FILE, "out of memory");
fail:
    free(buf);
    free(text);
    inf_close(inf);
    return NULL;
}

struct inf_file *inf_open(const char *path, unsigned lcid, struct inf_error *err)
{
    struct inf_file *inf;
    struct stat st;
    char *data;
    ssize_t got;
    size_t off = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        set_error(err, path, 0, INF_ERR_FILE, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        set_error(err, path, 0, INF_ERR_FILE, "not a regular file");
        close(fd);
        return NULL;
    }
    if ((unsigned long long)st.st_size > INF_MAX_FILE) {
        set_error(err, path, 0, INF_ERR_FILE, "file larger than %u bytes", INF_MAX_FILE);
        close(fd);
        return NULL;
    }
    data = malloc((size_t)st.st_size + 1);
    if (!data) {
        set_error(err, path, 0, INF_ERR_FILE, "out of memory");
        close(fd);
        return NULL;
    }
    while (off < (size_t)st.st_size && (got = read(fd, data + off, (size_t)st.st_size - off)) > 0)
        off += (size_t)got;
    close(fd);
    inf = inf_parse(path, data, off, lcid, err);
    free(data);
    return inf;
}

/* ---- queries --------------------------------------------------------------- */

const struct inf_section *inf_section(const struct inf_file *inf, const char *name)
{
    return inf && name ? find_section((struct inf_file *)inf, name) : NULL;
}

const struct inf_line *inf_find_key(const struct inf_section *s, const char *key)
{
    if (!s || !key)
        return NULL;
    for (unsigned i = 0; i < s->nlines; i++)
        if (s->lines[i].key && strcasecmp(s->lines[i].key, key) == 0)
            return &s->lines[i];
    return NULL;
}

const char *inf_string(const struct inf_file *inf, const char *strkey)
{
    char name[32];
    const struct inf_line *l;

    snprintf(name, sizeof(name), "Strings.%04x", inf->lcid);
    l = inf_find_key(inf_section(inf, name), strkey);
    if (!l)
        l = inf_find_key(inf_section(inf, "Strings"), strkey);
    return l && l->nfields ? l->fields[0] : NULL;
}

static bool expand(const struct inf_file *inf, const char *in, char *buf, size_t cap,
                   bool *unresolved)
{
    size_t o = 0;

    if (unresolved)
        *unresolved = false;
    for (const char *p = in; *p; ) {
        const char *rep = NULL;
        size_t replen = 0, skip = 1;
        if (*p == '%') {
            const char *close = strchr(p + 1, '%');
            if (close == p + 1) {
                rep = "%";
                replen = 1;
                skip = 2;
            } else if (close) {
                char key[256];
                size_t klen = (size_t)(close - p - 1);
                bool digits = klen > 0;
                if (klen < sizeof(key)) {
                    memcpy(key, p + 1, klen);
                    key[klen] = 0;
                    for (size_t k = 0; k < klen; k++)
                        digits = digits && key[k] >= '0' && key[k] <= '9';
                    if (digits && inf->dirid)
                        rep = inf->dirid(inf->dirid_ctx, (unsigned)strtoul(key, NULL, 10));
                    else if (!digits)
                        rep = inf_string(inf, key);
                }
                if (rep) {
                    replen = strlen(rep);
                    skip = klen + 2;
                } else {
                    if (unresolved && !digits)
                        *unresolved = true;
                    rep = p;
                    replen = klen + 2;
                    skip = klen + 2;
                }
            }
        }
        if (!rep) {
            rep = p;
            replen = 1;
        }
        if (o + replen >= cap)
            return false;
        memcpy(buf + o, rep, replen);
        o += replen;
        p += skip;
    }
    if (o >= cap)
        return false;
    buf[o] = 0;
    return true;
}

bool inf_field(const struct inf_file *inf, const struct inf_line *l, unsigned i, char *buf,
               size_t cap, bool *unresolved)
{
    if (!inf || !l || i >= l->nfields || !buf || !cap)
        return false;
    return expand(inf, l->fields[i], buf, cap, unresolved);
}

bool inf_key(const struct inf_file *inf, const struct inf_line *l, char *buf, size_t cap,
             bool *unresolved)
{
    if (!inf || !l || !l->key || !buf || !cap)
        return false;
    return expand(inf, l->key, buf, cap, unresolved);
}

/* ---- decorations ----------------------------------------------------------- */

struct decoration {
    bool arch_given;
    unsigned major, minor, product, suite, build;
    bool major_given, minor_given, product_given, build_given;
};

/* NT[arch][.major[.minor[.product[.suite[.build]]]]] */
static bool parse_decoration(const char *d, struct decoration *out, bool *applies)
{
    static const char *const archs[] = { "x86", "amd64", "ia64", "arm", "arm64" };
    const char *p;
    unsigned field = 0;

    memset(out, 0, sizeof(*out));
    *applies = false;
    if (strncasecmp(d, "NT", 2) != 0)
        return false;
    p = d + 2;
    if (*p && *p != '.') {
        size_t n = strcspn(p, ".");
        bool known = false, ours = false;
        for (unsigned i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
            if (strlen(archs[i]) == n && strncasecmp(p, archs[i], n) == 0) {
                known = true;
                ours = i == 1;
            }
        }
        /* an unstamped .inx: $ARCH$ becomes ours when stamped */
        if (n == 6 && strncmp(p, "$ARCH$", 6) == 0)
            known = ours = true;
        if (!known)
            return false;
        out->arch_given = true;
        p += n;
        if (!ours) {
            /* valid syntax, other platform */
            *applies = false;
            goto rest;
        }
    }
    *applies = true;
rest:
    while (*p == '.') {
        char *end;
        unsigned long v = 0;
        p++;
        field++;
        if (field > 5)
            return false;
        if (*p && *p != '.') {
            v = strtoul(p, &end, field == 3 || field == 4 ? 0 : 10);
            if (end == p)
                return false;
            p = end;
            switch (field) {
            case 1: out->major = (unsigned)v; out->major_given = true; break;
            case 2: out->minor = (unsigned)v; out->minor_given = true; break;
            case 3: out->product = (unsigned)v; out->product_given = true; break;
            case 4: out->suite = (unsigned)v; break;
            case 5: out->build = (unsigned)v; out->build_given = true; break;
            }
        }
    }
    if (*p)
        return false;
    if (*applies) {
        unsigned maj = out->major_given ? out->major : 0;
        unsigned min = out->minor_given ? out->minor : 0;
        if (maj > INF_OS_MAJOR || (maj == INF_OS_MAJOR && min > INF_OS_MINOR))
            *applies = false;
        /* Product type 1 = workstation, what we report. */
        if (out->product_given && out->product != 1)
            *applies = false;
        if (out->build_given && out->build > INF_OS_BUILD)
            *applies = false;
        /* a suite mask applies when we have every suite it names */
        if (out->suite & ~INF_OS_SUITE)
            *applies = false;
    }
    return true;
}

bool inf_decoration_version(const char *decoration, unsigned *major, unsigned *minor,
                            unsigned *build)
{
    struct decoration d;
    bool applies;
    if (!decoration || !parse_decoration(decoration, &d, &applies))
        return false;
    if (major)
        *major = d.major;
    if (minor)
        *minor = d.minor;
    if (build)
        *build = d.build;
    return true;
}

bool inf_decoration_applies(const char *decoration)
{
    struct decoration d;
    bool applies;
    return decoration && parse_decoration(decoration, &d, &applies) && applies;
}

long inf_decoration_rank(const char *decoration)
{
    struct decoration d;
    bool applies;
    if (!decoration || !parse_decoration(decoration, &d, &applies) || !applies)
        return -1;
    /* newer OS versions first, then platform-specific over generic */
    return ((long)d.major << 40) | ((long)d.minor << 32) | ((long)d.build << 2) |
           (d.arch_given ? 2 : 0) | 1;
}

const struct inf_section *inf_install_section(const struct inf_file *inf, const char *base)
{
    const struct inf_section *best = NULL;
    long best_rank = -1;
    size_t blen;

    if (!inf || !base)
        return NULL;
    blen = strlen(base);
    for (unsigned i = 0; i < inf->nsections; i++) {
        const struct inf_section *s = &inf->sections[i];
        long rank;
        if (strncasecmp(s->name, base, blen) != 0 || s->name[blen] != '.')
            continue;
        rank = inf_decoration_rank(s->name + blen + 1);
        if (rank > best_rank) {
            best_rank = rank;
            best = s;
        }
    }
    return best ? best : inf_section(inf, base);
}

/* ---- decoding for other users ------------------------------------------------ */

char *inf_decode(const char *name, const void *data, size_t len, const char **encoding,
                 size_t *out_len, struct inf_error *err)
{
    if (len > INF_MAX_FILE) {
        set_error(err, name, 0, INF_ERR_FILE, "file larger than %u bytes", INF_MAX_FILE);
        return NULL;
    }
    return decode_text(name, data, len, encoding, out_len, err);
}

/* ---- Include= and Needs= ------------------------------------------------------ */

#define INF_MAX_INCLUDE_DEPTH 32u
#define INF_MAX_NEEDS_DEPTH   32u

/* Identity of a file for loop detection: its real path when it has one. */
static char *canonical(const char *path)
{
    char *r = realpath(path, NULL);
    return r ? r : strdup(path);
}

static bool set_add(struct inf_set *set, struct inf_file *inf)
{
    if (set->nfiles == set->cap) {
        unsigned cap = set->cap ? set->cap * 2 : 4;
        struct inf_file **n = realloc(set->files, cap * sizeof(*n));
        if (!n)
            return false;
        set->files = n;
        set->cap = cap;
    }
    set->files[set->nfiles++] = inf;
    return true;
}

void inf_set_close(struct inf_set *set)
{
    if (!set)
        return;
    for (unsigned i = 0; i < set->nfiles; i++)
        inf_close(set->files[i]);
    free(set->files);
    free(set);
}

/* dir/name, matching name case-insensitively as Windows file names do. */
static bool dir_lookup(const char *dir, const char *name, char *out, size_t cap)
{
    struct dirent *e;
    bool found = false;
    DIR *d;

    if (strcmp(dir, ".") == 0)
        dir = "";   /* keep relative names as the caller wrote them */
    if ((size_t)snprintf(out, cap, "%s%s%s", dir, *dir ? "/" : "", name) >= cap)
        return false;
    if (access(out, R_OK) == 0)
        return true;
    d = opendir(*dir ? dir : ".");
    if (!d)
        return false;
    while ((e = readdir(d)) != NULL) {
        if (strcasecmp(e->d_name, name) == 0) {
            found = (size_t)snprintf(out, cap, "%s%s%s", dir, *dir ? "/" : "", e->d_name) < cap;
            break;
        }
    }
    closedir(d);
    return found;
}

static bool find_include(const struct inf_file *from, const char *name, const char *search_path,
                         char *out, size_t cap)
{
    /* a bare file name: no directories, no way out of the search path */
    if (strchr(name, '/') || strchr(name, '\\') || strcmp(name, "..") == 0 ||
        strcmp(name, ".") == 0)
        return false;
    if (dir_lookup(from->dir, name, out, cap))
        return true;
    for (const char *p = search_path; p && *p; ) {
        size_t n = strcspn(p, ":");
        char dir[PATH_MAX];
        if (n > 0 && n < sizeof(dir)) {
            memcpy(dir, p, n);
            dir[n] = 0;
            if (dir_lookup(dir, name, out, cap))
                return true;
        }
        p += n;
        if (*p == ':')
            p++;
    }
    return false;
}

struct include_walk {
    struct inf_set *set;
    char **real;              /* canonical path of set->files[i] */
    unsigned nreal;
    const char *search_path;
    unsigned stack[INF_MAX_INCLUDE_DEPTH];
    unsigned depth;
};

static bool load_includes(struct include_walk *w, unsigned idx, struct inf_error *err)
{
    struct inf_file *inf = w->set->files[idx];

    if (w->depth >= INF_MAX_INCLUDE_DEPTH) {
        set_error(err, inf->path, 0, INF_ERR_SECTION, "Include= nested more than %u deep",
                  INF_MAX_INCLUDE_DEPTH);
        return false;
    }
    w->stack[w->depth++] = idx;
    for (unsigned s = 0; s < inf->nsections; s++) {
        const struct inf_section *sec = &inf->sections[s];
        for (unsigned l = 0; l < sec->nlines; l++) {
            const struct inf_line *line = &sec->lines[l];
            if (!line->key || strcasecmp(line->key, "Include") != 0)
                continue;
            for (unsigned f = 0; f < line->nfields; f++) {
                char name[256], path[PATH_MAX], *real;
                struct inf_file *child;
                unsigned k;
                bool seen = false;
                if (!inf_field(inf, line, f, name, sizeof(name), NULL) || !name[0])
                    continue;
                if (!find_include(inf, name, w->search_path, path, sizeof(path))) {
                    set_error(err, inf->path, line->lineno, INF_ERR_FILE,
                              "included INF '%s' not found", name);
                    return false;
                }
                real = canonical(path);
                if (!real) {
                    set_error(err, inf->path, line->lineno, INF_ERR_FILE, "out of memory");
                    return false;
                }
                for (k = 0; k < w->depth; k++) {
                    if (strcmp(w->real[w->stack[k]], real) == 0) {
                        set_error(err, inf->path, line->lineno, INF_ERR_SECTION,
                                  "Include= loop: '%s' includes itself through '%s'", name,
                                  inf->path);
                        free(real);
                        return false;
                    }
                }
                for (k = 0; k < w->nreal && !seen; k++)
                    seen = strcmp(w->real[k], real) == 0;
                if (seen) {       /* reached twice without a loop: load once */
                    free(real);
                    continue;
                }
                child = inf_open(path, inf->lcid, err);
                if (!child) {
                    free(real);
                    return false;
                }
                child->dirid = inf->dirid;
                child->dirid_ctx = inf->dirid_ctx;
                {
                    char **nr = realloc(w->real, (w->nreal + 1) * sizeof(*nr));
                    if (!nr || !set_add(w->set, child)) {
                        if (nr)
                            w->real = nr;
                        inf_close(child);
                        free(real);
                        set_error(err, inf->path, line->lineno, INF_ERR_FILE, "out of memory");
                        return false;
                    }
                    w->real = nr;
                    w->real[w->nreal++] = real;
                }
                if (!load_includes(w, w->set->nfiles - 1, err))
                    return false;
            }
        }
    }
    w->depth--;
    return true;
}

struct inf_set *inf_set_from(struct inf_file *inf, const char *search_path,
                             struct inf_error *err)
{
    struct include_walk w;
    struct inf_set *set;
    bool ok;

    if (!inf)
        return NULL;
    set = calloc(1, sizeof(*set));
    memset(&w, 0, sizeof(w));
    w.real = malloc(sizeof(char *));
    if (!set || !w.real || !set_add(set, inf)) {
        free(w.real);
        if (set)
            free(set->files);
        free(set);
        inf_close(inf);
        set_error(err, inf ? inf->path : "", 0, INF_ERR_FILE, "out of memory");
        return NULL;
    }
    w.set = set;
    w.search_path = search_path;
    w.real[0] = canonical(inf->path);
    w.nreal = w.real[0] ? 1 : 0;
    ok = w.nreal == 1 && load_includes(&w, 0, err);
    if (w.nreal == 0)
        set_error(err, inf->path, 0, INF_ERR_FILE, "out of memory");
    for (unsigned i = 0; i < w.nreal; i++)
        free(w.real[i]);
    free(w.real);
    if (!ok) {
        inf_set_close(set);
        return NULL;
    }
    return set;
}

struct inf_set *inf_set_open(const char *path, const char *search_path, unsigned lcid,
                             struct inf_error *err)
{
    struct inf_file *inf = inf_open(path, lcid, err);
    return inf ? inf_set_from(inf, search_path, err) : NULL;
}

const struct inf_section *inf_set_section(const struct inf_set *set, const char *name)
{
    if (!set)
        return NULL;
    for (unsigned i = 0; i < set->nfiles; i++) {
        const struct inf_section *s = inf_section(set->files[i], name);
        if (s)
            return s;
    }
    return NULL;
}

struct needs_walk {
    const struct inf_set *set;
    const struct inf_section *stack[INF_MAX_NEEDS_DEPTH];
    unsigned depth;
    const struct inf_section **seen;
    unsigned nseen, capseen;
};

static bool walk_needs(struct needs_walk *w, const struct inf_section *sec, struct inf_error *err)
{
    const struct inf_file *inf = sec->file;

    if (w->depth >= INF_MAX_NEEDS_DEPTH) {
        set_error(err, inf->path, sec->lineno, INF_ERR_SECTION,
                  "Needs= nested more than %u deep", INF_MAX_NEEDS_DEPTH);
        return false;
    }
    w->stack[w->depth++] = sec;
    for (unsigned l = 0; l < sec->nlines; l++) {
        const struct inf_line *line = &sec->lines[l];
        if (!line->key || strcasecmp(line->key, "Needs") != 0)
            continue;
        for (unsigned f = 0; f < line->nfields; f++) {
            const struct inf_section *target;
            char name[256];
            bool seen = false;
            if (!inf_field(inf, line, f, name, sizeof(name), NULL) || !name[0])
                continue;
            target = inf_section(inf, name);
            if (!target)
                target = inf_set_section(w->set, name);
            if (!target) {
                set_error(err, inf->path, line->lineno, INF_ERR_SECTION,
                          "Needs= section [%s] not found in this INF or the INFs it includes",
                          name);
                return false;
            }
            for (unsigned k = 0; k < w->depth; k++) {
                if (w->stack[k] == target) {
                    set_error(err, inf->path, line->lineno, INF_ERR_SECTION,
                              "Needs= loop: [%s] needs itself through [%s]", target->name,
                              sec->name);
                    return false;
                }
            }
            for (unsigned k = 0; k < w->nseen && !seen; k++)
                seen = w->seen[k] == target;
            if (seen)
                continue;
            if (w->nseen == w->capseen) {
                unsigned cap = w->capseen ? w->capseen * 2 : 8;
                const struct inf_section **n = realloc(w->seen, cap * sizeof(*n));
                if (!n) {
                    set_error(err, inf->path, line->lineno, INF_ERR_FILE, "out of memory");
                    return false;
                }
                w->seen = n;
                w->capseen = cap;
            }
            w->seen[w->nseen++] = target;
            if (!walk_needs(w, target, err))
                return false;
        }
    }
    w->depth--;
    return true;
}

bool inf_set_needs(const struct inf_set *set, const struct inf_section *section,
                   const struct inf_section **out, unsigned max, unsigned *n,
                   struct inf_error *err)
{
    struct needs_walk w;
    bool ok;

    if (n)
        *n = 0;
    if (!set || !section)
        return false;
    memset(&w, 0, sizeof(w));
    w.set = set;
    ok = walk_needs(&w, section, err);
    if (ok) {
        for (unsigned i = 0; i < w.nseen && i < max && out; i++)
            out[i] = w.seen[i];
        if (n)
            *n = w.nseen;
    }
    free(w.seen);
    return ok;
}
