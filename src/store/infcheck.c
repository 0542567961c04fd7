/*
 * infcheck.c - the package isolation checks (`infverif /w`), see infcheck.h.
 *
 * Each rule is one function over the package's INF (files[0] of the set;
 * included INFs are system INFs and are only read to resolve Needs=).
 * Rules look at the INF as written: every finding points at the line that
 * causes it, and a rule that cannot tell (a section that is missing, a
 * field that is not a number) says nothing rather than guess — a missing
 * section is the install engine's error, not an isolation finding.
 */
#define _GNU_SOURCE
#include "store/infcheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FLG_ADDREG_APPEND               0x00000008u
#define FLG_DELREG_MULTI_SZ_DELSTRING   0x00018002u
#define SPSVCINST_ASSOCSERVICE          0x00000002u
#define DIRID_DRIVER_STORE              13u
#define INFCHECK_MAX_FINDINGS           4096u

static void add(struct infcheck_result *r, const char *file, unsigned line, unsigned code,
                bool error, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(struct infcheck_result *r, const char *file, unsigned line, unsigned code,
                bool error, const char *fmt, ...)
{
    struct infcheck_finding *f;
    va_list ap;

    /* one finding per code and line: a rule reports a line's findings one
     * after another, so looking back a little is enough (and stays linear
     * on hostile input with thousands of findings) */
    for (unsigned i = r->n > 8 ? r->n - 8 : 0; i < r->n; i++)
        if (r->v[i].code == code && r->v[i].line == line && strcmp(r->v[i].file, file) == 0)
            return;
    if (r->n >= INFCHECK_MAX_FINDINGS) {     /* counted, not kept */
        if (error)
            r->errors++;
        else
            r->warnings++;
        return;
    }
    if (r->n == r->cap) {
        unsigned cap = r->cap ? r->cap * 2 : 8;
        struct infcheck_finding *n = realloc(r->v, cap * sizeof(*n));
        if (!n)
            return;     /* out of memory: the count below still says "error" */
        r->v = n;
        r->cap = cap;
    }
    f = &r->v[r->n++];
    snprintf(f->file, sizeof(f->file), "%s", file);
    f->line = line;
    f->code = code;
    f->error = error;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
    if (error)
        r->errors++;
    else
        r->warnings++;
}

/* Field i expanded (strings, %%); "" when absent or too long. */
static const char *fld(const struct inf_file *inf, const struct inf_line *l, unsigned i,
                       char *buf, size_t cap)
{
    if (!inf_field(inf, l, i, buf, cap, NULL))
        buf[0] = 0;
    return buf;
}

static bool key_is(const struct inf_line *l, const char *key)
{
    return l->key && strcasecmp(l->key, key) == 0;
}

static bool starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Leading/trailing separators off, '/' as '\\', for comparing subdirs. */
static void norm_subdir(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    while (*in == '\\' || *in == '/' || *in == ' ')
        in++;
    for (; *in && o + 1 < cap; in++)
        out[o++] = *in == '/' ? '\\' : *in;
    while (o > 0 && (out[o - 1] == '\\' || out[o - 1] == ' '))
        o--;
    out[o] = 0;
}

/* ---- [Version] ---------------------------------------------------------------- */

static void check_version(const struct inf_file *inf, unsigned flags, struct infcheck_result *r)
{
    const struct inf_section *v = inf_section(inf, "Version");
    const struct inf_line *l;
    char buf[256];

    if (!v) {
        add(r, inf->path, 0, INF_ERR_SYNTAX, true,
            "no [Version] section: an INF needs one with Signature=\"$Windows NT$\"");
        return;
    }
    l = inf_find_key(v, "Signature");
    if (!l || (strcasecmp(fld(inf, l, 0, buf, sizeof(buf)), "$Windows NT$") != 0 &&
               strcasecmp(buf, "$Chicago$") != 0))
        add(r, inf->path, l ? l->lineno : v->lineno, INF_ERR_SYNTAX, true,
            "[Version] needs Signature=\"$Windows NT$\"");
    l = inf_find_key(v, "PnpLockdown");
    if (!l || strcmp(fld(inf, l, 0, buf, sizeof(buf)), "1") != 0)
        add(r, inf->path, l ? l->lineno : v->lineno, 1324, true,
            "PnpLockdown=1 missing from [Version]: package files must be locked down");
    l = inf_find_key(v, "Class");
    if (l && strcasecmp(fld(inf, l, 0, buf, sizeof(buf)), "Sample") == 0 &&
        !(flags & INFCHECK_SAMPLES))
        add(r, inf->path, l->lineno, 1284, true,
            "Class \"Sample\" is reserved for samples (use --samples for a sample package)");
}

/* ---- %tokens% ------------------------------------------------------------------ */

static void unresolved_tokens(const struct inf_file *inf, const char *raw, unsigned lineno,
                              struct infcheck_result *r)
{
    for (const char *p = raw; *p; ) {
        const char *close;
        if (*p != '%') {
            p++;
            continue;
        }
        close = strchr(p + 1, '%');
        if (!close)
            break;
        if (close > p + 1) {
            char key[256];
            size_t n = (size_t)(close - p - 1);
            bool digits = true;
            if (n < sizeof(key)) {
                memcpy(key, p + 1, n);
                key[n] = 0;
                for (size_t k = 0; k < n; k++)
                    digits = digits && key[k] >= '0' && key[k] <= '9';
                if (!digits && !inf_string(inf, key))
                    add(r, inf->path, lineno, 1235, true,
                        "string token %%%s%% is not defined in [Strings]", key);
            }
        }
        p = close + 1;
    }
}

static void check_strings(const struct inf_file *inf, struct infcheck_result *r)
{
    for (unsigned s = 0; s < inf->nsections; s++) {
        const struct inf_section *sec = &inf->sections[s];
        if (strcasecmp(sec->name, "Strings") == 0 || starts_with_ci(sec->name, "Strings."))
            continue;
        for (unsigned l = 0; l < sec->nlines; l++) {
            const struct inf_line *line = &sec->lines[l];
            if (line->key)
                unresolved_tokens(inf, line->key, line->lineno, r);
            for (unsigned f = 0; f < line->nfields; f++)
                unresolved_tokens(inf, line->fields[f], line->lineno, r);
        }
    }
}

/* ---- files ---------------------------------------------------------------------- */

struct dest {
    unsigned dirid;            /* 0 when unknown */
    char subdir[256];
    unsigned lineno;
};

/* Where a CopyFiles list section goes: its DestinationDirs entry, else DefaultDestDir. */
static bool dest_of(const struct inf_file *inf, const char *list, struct dest *d)
{
    const struct inf_section *dd = inf_section(inf, "DestinationDirs");
    const struct inf_line *l = list ? inf_find_key(dd, list) : NULL;
    char buf[256];

    memset(d, 0, sizeof(*d));
    if (!l)
        l = inf_find_key(dd, "DefaultDestDir");
    if (!l)
        return false;
    d->dirid = (unsigned)strtoul(fld(inf, l, 0, buf, sizeof(buf)), NULL, 0);
    if (l->nfields > 1)
        norm_subdir(fld(inf, l, 1, buf, sizeof(buf)), d->subdir, sizeof(d->subdir));
    d->lineno = l->lineno;
    return true;
}

static void check_destdirs(const struct inf_file *inf, struct infcheck_result *r)
{
    const struct inf_section *dd = inf_section(inf, "DestinationDirs");
    char buf[256];

    if (!dd)
        return;
    for (unsigned l = 0; l < dd->nlines; l++) {
        const struct inf_line *line = &dd->lines[l];
        char *end;
        unsigned long id;
        if (!line->key)
            continue;
        fld(inf, line, 0, buf, sizeof(buf));
        id = strtoul(buf, &end, 0);
        if (end == buf || id != DIRID_DRIVER_STORE)
            add(r, inf->path, line->lineno, 1322, true,
                "DestinationDirs entry '%s' uses DIRID %s; an isolated package copies only "
                "to DIRID 13 (its driver store directory)", line->key, buf);
    }
}

struct copied {
    char key[512];             /* dirid\subdir\name, for 1330 */
    char source[256];
};

struct copy_state {
    const struct inf_section **done;
    unsigned ndone;
    struct copied *files;
    unsigned nfiles;
};

static const struct inf_line *source_disks_file(const struct inf_file *inf, const char *name)
{
    const struct inf_line *l = inf_find_key(inf_section(inf, "SourceDisksFiles.amd64"), name);
    return l ? l : inf_find_key(inf_section(inf, "SourceDisksFiles"), name);
}

static void copy_one(const struct inf_file *inf, const struct dest *d, const char *dst,
                     const char *src, unsigned lineno, struct copy_state *st,
                     struct infcheck_result *r)
{
    const struct inf_line *sdf;
    char buf[256], sub[256];
    struct copied *c;

    if (strcasecmp(dst, src) != 0)
        add(r, inf->path, lineno, 1100, true,
            "CopyFiles renames '%s' to '%s': a package file keeps its name", src, dst);
    sdf = source_disks_file(inf, src);
    if (sdf && sdf->nfields > 1) {
        norm_subdir(fld(inf, sdf, 1, buf, sizeof(buf)), sub, sizeof(sub));
        if (strcasecmp(sub, d->subdir) != 0)
            add(r, inf->path, lineno, 1100, true,
                "'%s' comes from subdirectory '%s' (SourceDisksFiles line %u) but goes to "
                "'%s' (DestinationDirs): the package layout must be kept", src, sub,
                sdf->lineno, d->subdir);
    }
    for (unsigned i = 0; i < st->nfiles; i++) {
        char key[512];
        snprintf(key, sizeof(key), "%u\\%s\\%s", d->dirid, d->subdir, dst);
        if (strcasecmp(st->files[i].key, key) == 0) {
            if (strcasecmp(st->files[i].source, src) != 0)
                add(r, inf->path, lineno, 1330, true,
                    "destination file '%s' is copied from both '%s' and '%s': file names in a "
                    "package must be unique", dst, st->files[i].source, src);
            return;
        }
    }
    c = realloc(st->files, (st->nfiles + 1) * sizeof(*c));
    if (!c)
        return;
    st->files = c;
    c = &st->files[st->nfiles++];
    snprintf(c->key, sizeof(c->key), "%u\\%s\\%s", d->dirid, d->subdir, dst);
    snprintf(c->source, sizeof(c->source), "%s", src);
}

static void copy_list(const struct inf_file *inf, const char *name, unsigned lineno,
                      struct copy_state *st, struct infcheck_result *r)
{
    const struct inf_section *list;
    struct dest d;
    char dst[256], src[256];

    if (name[0] == '@') {          /* CopyFiles=@file: one file to DefaultDestDir */
        if (dest_of(inf, NULL, &d))
            copy_one(inf, &d, name + 1, name + 1, lineno, st, r);
        return;
    }
    list = inf_section(inf, name);
    if (!list || !dest_of(inf, name, &d))
        return;
    for (unsigned i = 0; i < st->ndone; i++)
        if (st->done[i] == list)
            return;
    {
        const struct inf_section **n = realloc(st->done, (st->ndone + 1) * sizeof(*n));
        if (!n)
            return;
        st->done = n;
        st->done[st->ndone++] = list;
    }
    for (unsigned l = 0; l < list->nlines; l++) {
        const struct inf_line *line = &list->lines[l];
        if (line->key)
            continue;
        fld(inf, line, 0, dst, sizeof(dst));
        if (!dst[0])
            continue;
        if (line->nfields > 1 && fld(inf, line, 1, src, sizeof(src))[0])
            copy_one(inf, &d, dst, src, line->lineno, st, r);
        else
            copy_one(inf, &d, dst, dst, line->lineno, st, r);
    }
}

static void check_copyfiles(const struct inf_file *inf, struct infcheck_result *r)
{
    struct copy_state st;
    char name[256];

    memset(&st, 0, sizeof(st));
    for (unsigned s = 0; s < inf->nsections; s++) {
        const struct inf_section *sec = &inf->sections[s];
        for (unsigned l = 0; l < sec->nlines; l++) {
            const struct inf_line *line = &sec->lines[l];
            if (!key_is(line, "CopyFiles"))
                continue;
            for (unsigned f = 0; f < line->nfields; f++)
                if (fld(inf, line, f, name, sizeof(name))[0])
                    copy_list(inf, name, line->lineno, &st, r);
        }
    }
    free(st.done);
    free(st.files);
}

/* ---- registry ------------------------------------------------------------------- */

static void check_reg_section(const struct inf_file *inf, const struct inf_section *sec,
                              bool del, struct infcheck_result *r)
{
    char root[64], sub[512], flags[64];

    for (unsigned l = 0; l < sec->nlines; l++) {
        const struct inf_line *line = &sec->lines[l];
        char *end;
        unsigned long fl;
        if (line->key || line->nfields == 0)
            continue;
        fld(inf, line, 0, root, sizeof(root));
        fld(inf, line, 1, sub, sizeof(sub));
        if ((strcasecmp(root, "HKLM") == 0 || strcasecmp(root, "HKEY_LOCAL_MACHINE") == 0) &&
            (starts_with_ci(sub, "System\\CurrentControlSet\\Services") ||
             starts_with_ci(sub, "\\System\\CurrentControlSet\\Services")))
            add(r, inf->path, line->lineno, 1321, true,
                "%s writes the service key '%s' directly: use the service-install section's "
                "AddReg with HKR", del ? "DelReg" : "AddReg", sub);
        else if (strcasecmp(root, "HKR") != 0)
            add(r, inf->path, line->lineno, 1320, true,
                "registry %s under %s is not isolated: write only relative to HKR",
                del ? "delete" : "write", root);
        if (line->nfields > 3) {
            fld(inf, line, 3, flags, sizeof(flags));
            fl = strtoul(flags, &end, 0);
            if (end != flags && !del && (fl & FLG_ADDREG_APPEND))
                add(r, inf->path, line->lineno, 1305, true,
                    "AddReg appends to a REG_MULTI_SZ value (FLG_ADDREG_APPEND): "
                    "a package owns its values whole");
            if (end != flags && del && fl == FLG_DELREG_MULTI_SZ_DELSTRING)
                add(r, inf->path, line->lineno, 1305, true,
                    "DelReg deletes a string from a REG_MULTI_SZ value "
                    "(FLG_DELREG_MULTI_SZ_DELSTRING): a package owns its values whole");
        }
    }
}

static void check_registry(const struct inf_file *inf, struct infcheck_result *r)
{
    const struct inf_section **done = NULL;
    unsigned ndone = 0;
    char name[256];

    for (unsigned s = 0; s < inf->nsections; s++) {
        const struct inf_section *sec = &inf->sections[s];
        for (unsigned l = 0; l < sec->nlines; l++) {
            const struct inf_line *line = &sec->lines[l];
            bool del = key_is(line, "DelReg");
            if (!del && !key_is(line, "AddReg"))
                continue;
            for (unsigned f = 0; f < line->nfields; f++) {
                const struct inf_section *target;
                bool seen = false;
                if (!fld(inf, line, f, name, sizeof(name))[0])
                    continue;
                target = inf_section(inf, name);
                if (!target)
                    continue;
                for (unsigned k = 0; k < ndone && !seen; k++)
                    seen = done[k] == target;
                if (seen)
                    continue;
                {
                    const struct inf_section **n = realloc(done, (ndone + 1) * sizeof(*n));
                    if (!n)
                        continue;
                    done = n;
                    done[ndone++] = target;
                }
                check_reg_section(inf, target, del, r);
            }
        }
    }
    free(done);
}

/* ---- legacy directives ----------------------------------------------------------- */

static void check_legacy(const struct inf_file *inf, struct infcheck_result *r)
{
    static const struct { const char *key; unsigned code; } legacy[] = {
        { "LogConfig", 1301 },
        { "RegisterDlls", 1302 }, { "UnregisterDlls", 1302 },
        { "UpdateInis", 1303 }, { "UpdateIniFields", 1303 }, { "Ini2Reg", 1303 },
        { "ProfileItems", 1303 },
    };
    for (unsigned s = 0; s < inf->nsections; s++) {
        const struct inf_section *sec = &inf->sections[s];
        size_t n = strlen(sec->name);
        if (n >= 13 && strcasecmp(sec->name + n - 13, ".CoInstallers") == 0)
            add(r, inf->path, sec->lineno, 1300, true,
                "[%s]: co-installers are not supported in an isolated package", sec->name);
        for (unsigned l = 0; l < sec->nlines; l++) {
            const struct inf_line *line = &sec->lines[l];
            for (unsigned k = 0; k < sizeof(legacy) / sizeof(legacy[0]); k++)
                if (key_is(line, legacy[k].key))
                    add(r, inf->path, line->lineno, legacy[k].code, true,
                        "%s is a legacy directive, not allowed in an isolated package",
                        legacy[k].key);
        }
    }
}

/* ---- models ------------------------------------------------------------------------ */

static bool service_binary_in_store(const struct inf_file *inf, const struct inf_section *services)
{
    char buf[256];
    for (unsigned l = 0; services && l < services->nlines; l++) {
        const struct inf_line *line = &services->lines[l];
        const struct inf_line *bin;
        if (!key_is(line, "AddService") || line->nfields < 3)
            continue;
        bin = inf_find_key(inf_section(inf, fld(inf, line, 2, buf, sizeof(buf))),
                           "ServiceBinary");
        if (bin && bin->nfields && strstr(bin->fields[0], "%13%"))
            return true;
    }
    return false;
}

static bool install_uses_store(const struct inf_file *inf, const struct inf_section *install,
                               const struct inf_section *services)
{
    char name[256];
    for (unsigned l = 0; l < install->nlines; l++) {
        const struct inf_line *line = &install->lines[l];
        if (!key_is(line, "CopyFiles"))
            continue;
        for (unsigned f = 0; f < line->nfields; f++) {
            struct dest d;
            if (!fld(inf, line, f, name, sizeof(name))[0])
                continue;
            if (dest_of(inf, name[0] == '@' ? NULL : name, &d) && d.dirid == DIRID_DRIVER_STORE)
                return true;
        }
    }
    return service_binary_in_store(inf, services);
}

static bool has_function_driver(const struct inf_file *inf, const struct inf_section *services)
{
    char buf[64];
    for (unsigned l = 0; l < services->nlines; l++) {
        const struct inf_line *line = &services->lines[l];
        if (key_is(line, "Needs") || key_is(line, "Include"))
            return true;     /* inherited from the included INF */
        if (key_is(line, "AddService") && line->nfields > 1 &&
            (strtoul(fld(inf, line, 1, buf, sizeof(buf)), NULL, 0) & SPSVCINST_ASSOCSERVICE))
            return true;
    }
    return false;
}

static void check_model_section(const struct inf_file *inf, const struct inf_section *models,
                                bool decorated_for_store, bool extension,
                                const struct inf_section ***reported, unsigned *nreported,
                                struct infcheck_result *r)
{
    char base[256], sname[300];
    for (unsigned l = 0; l < models->nlines; l++) {
        const struct inf_line *line = &models->lines[l];
        const struct inf_section *install, *services;
        bool seen = false;
        if (!fld(inf, line, 0, base, sizeof(base))[0])
            continue;
        install = inf_install_section(inf, base);
        if (!install)
            continue;
        snprintf(sname, sizeof(sname), "%s.Services", install->name);
        services = inf_section(inf, sname);
        if (!decorated_for_store && install_uses_store(inf, install, services))
            add(r, inf->path, line->lineno, 1199, true,
                "model section [%s] installs [%s], which uses DIRID 13: decorate the model "
                "section NTamd64.10.0...16299 or later", models->name, install->name);
        if (extension)
            continue;
        for (unsigned k = 0; k < *nreported && !seen; k++)
            seen = (*reported)[k] == install;
        if (seen)
            continue;
        {
            const struct inf_section **n = realloc(*reported, (*nreported + 1) * sizeof(*n));
            if (n) {
                *reported = n;
                n[(*nreported)++] = install;
            }
        }
        if (!services)
            add(r, inf->path, line->lineno, 1296, true,
                "[%s] has no [%s] section: a function driver needs AddService with "
                "SPSVCINST_ASSOCSERVICE (0x2)", install->name, sname);
        else if (!has_function_driver(inf, services))
            add(r, inf->path, services->lineno, 1296, true,
                "[%s] adds no service with SPSVCINST_ASSOCSERVICE (0x2): the device would "
                "have no function driver", services->name);
    }
}

static void check_models(const struct inf_file *inf, struct infcheck_result *r)
{
    const struct inf_section *mfg = inf_section(inf, "Manufacturer");
    const struct inf_section **reported = NULL;
    const struct inf_line *cls = inf_find_key(inf_section(inf, "Version"), "Class");
    unsigned nreported = 0;
    char base[256], deco[128], name[400];
    bool extension = cls && cls->nfields && strcasecmp(cls->fields[0], "Extension") == 0;

    for (unsigned l = 0; mfg && l < mfg->nlines; l++) {
        const struct inf_line *line = &mfg->lines[l];
        bool any = false;
        if (!fld(inf, line, 0, base, sizeof(base))[0])
            continue;
        for (unsigned f = 1; f < line->nfields; f++) {
            const struct inf_section *models;
            unsigned major = 0, minor = 0, build = 0;
            bool ok;
            if (!fld(inf, line, f, deco, sizeof(deco))[0])
                continue;
            any = true;
            snprintf(name, sizeof(name), "%s.%s", base, deco);
            models = inf_section(inf, name);
            if (!models)
                continue;
            ok = inf_decoration_version(deco, &major, &minor, &build) &&
                 (major > 10 || (major == 10 && (minor > 0 || build >= 16299)));
            check_model_section(inf, models, ok, extension, &reported, &nreported, r);
        }
        if (!any) {
            const struct inf_section *models = inf_section(inf, base);
            if (models)
                check_model_section(inf, models, false, extension, &reported, &nreported, r);
        }
    }
    free(reported);
}

/* ---- UMDF ------------------------------------------------------------------------- */

static void check_wudfrd(const struct inf_file *inf, struct infcheck_result *r)
{
    const char *slash = strrchr(inf->path, '/');
    char buf[64];

    if (strcasecmp(slash ? slash + 1 : inf->path, "WUDFRD.inf") == 0)
        return;   /* the reflector's own INF */
    for (unsigned s = 0; s < inf->nsections; s++) {
        const struct inf_section *sec = &inf->sections[s];
        for (unsigned l = 0; l < sec->nlines; l++) {
            const struct inf_line *line = &sec->lines[l];
            if (key_is(line, "AddService") &&
                strcasecmp(fld(inf, line, 0, buf, sizeof(buf)), "WUDFRd") == 0)
                add(r, inf->path, line->lineno, 2092, false,
                    "AddService=WUDFRd adds the reflector directly (legacy): use "
                    "Include=WUDFRD.inf with Needs=WUDFRD.NT, WUDFRD.NT.HW, WUDFRD.NT.Services");
        }
    }
}

/* ---- entry points ------------------------------------------------------------------ */

static int cmp_finding(const void *a, const void *b)
{
    const struct infcheck_finding *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->code < y->code ? -1 : x->code > y->code;
}

unsigned infcheck_set(const struct inf_set *set, unsigned flags, struct infcheck_result *r)
{
    const struct inf_file *inf;
    struct inf_error err;

    if (!set || !set->nfiles || !r)
        return 0;
    inf = set->files[0];
    check_version(inf, flags, r);
    check_strings(inf, r);
    check_destdirs(inf, r);
    check_copyfiles(inf, r);
    check_registry(inf, r);
    check_legacy(inf, r);
    check_models(inf, r);
    check_wudfrd(inf, r);
    /* every Needs= of the package must resolve (loops, missing sections) */
    for (unsigned s = 0; s < inf->nsections; s++) {
        unsigned n;
        memset(&err, 0, sizeof(err));
        if (!inf_set_needs(set, &inf->sections[s], NULL, 0, &n, &err))
            add(r, err.file, err.line, err.code, true, "%s", err.message);
    }
    if (r->n > 1)
        qsort(r->v, r->n, sizeof(*r->v), cmp_finding);
    return r->errors;
}

unsigned infcheck_file(const char *path, const char *search_path, unsigned flags,
                       struct infcheck_result *r)
{
    struct inf_error err;
    struct inf_set *set;
    unsigned e;

    memset(&err, 0, sizeof(err));
    set = inf_set_open(path, search_path, 0, &err);
    if (!set) {
        add(r, err.file, err.line, err.code ? err.code : INF_ERR_FILE, true, "%s", err.message);
        return r->errors;
    }
    e = infcheck_set(set, flags, r);
    inf_set_close(set);
    return e;
}

void infcheck_free(struct infcheck_result *r)
{
    if (!r)
        return;
    free(r->v);
    memset(r, 0, sizeof(*r));
}

const char *infcheck_search_path(void)
{
    const char *env = getenv("DDK_INF_PATH");
    if (env && *env)
        return env;
#ifdef DDK_SOURCE_DIR
    return DDK_SOURCE_DIR "/src/store/inf";
#else
    return "/usr/share/openddk/inf";
#endif
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

int store_infcheck_main(int argc, char **argv)
{
    struct infcheck_result r;
    unsigned flags = 0, nfiles = 0;
    bool json = false, first = true;
    const char *prog = argc > 0 ? argv[0] : "ddk-infcheck";

    memset(&r, 0, sizeof(r));
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--samples") == 0)
            flags |= INFCHECK_SAMPLES;
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: %s [--samples] [--json] FILE.inf...\n"
                   "Checks driver package isolation as `infverif /w` does; prints\n"
                   "file:line: error|warning CODE: message. Exit 1 on errors.\n", prog);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "%s: unknown option %s\n", prog, argv[i]);
            return 2;
        } else
            nfiles++;
    }
    if (nfiles == 0) {
        fprintf(stderr, "usage: %s [--samples] [--json] FILE.inf...\n", prog);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-' || !argv[i][1])
            infcheck_file(argv[i], infcheck_search_path(), flags, &r);
    if (json)
        putchar('[');
    for (unsigned i = 0; i < r.n; i++) {
        const struct infcheck_finding *f = &r.v[i];
        if (json) {
            printf("%s\n {\"file\": ", first ? "" : ",");
            json_string(stdout, f->file);
            printf(", \"line\": %u, \"level\": \"%s\", \"code\": %u, \"message\": ", f->line,
                   f->error ? "error" : "warning", f->code);
            json_string(stdout, f->message);
            putchar('}');
            first = false;
        } else {
            printf("%s:%u: %s %u: %s\n", f->file, f->line, f->error ? "error" : "warning",
                   f->code, f->message);
        }
    }
    if (json)
        printf("%s]\n", first ? "" : "\n");
    {
        int rc = r.errors ? 1 : 0;
        infcheck_free(&r);
        return rc;
    }
}
