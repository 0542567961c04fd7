/*
 * store/driverstore.c - the driver store (see driverstore.h for the
 * layout and the crash-safety argument).
 *
 * Every public entry point takes the store lock (an flock on
 * ROOT/DriverStore/store.lock, so it also orders separate `ddk`
 * processes), runs recovery, then does its work; nothing here keeps state
 * between calls except the in-use hook.
 */
#define _GNU_SOURCE
#include "store/driverstore.h"
#include "store/inf.h"
#include "store/infcheck.h"
#include "registry/reg.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"

#include <sodium.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DB_KEY        "\\Registry\\Machine\\System\\DriverDatabase"
#define PACKAGES_KEY  DB_KEY "\\DriverPackages"
#define INFFILES_KEY  DB_KEY "\\DriverInfFiles"

#define REASON(...) do { if (reason) snprintf(reason, STORE_REASON_MAX, __VA_ARGS__); } while (0)

static const struct reg_caller store_caller = { REG_CALLER_INSTALLER, "driver store" };

/* Set once by the PnP manager at startup. */
static store_in_use_fn store_in_use_hook;

void store_set_in_use_hook(store_in_use_fn fn)
{
    __atomic_store_n(&store_in_use_hook, fn, __ATOMIC_RELEASE);
}

/* ---- paths and the lock -------------------------------------------- */

struct store_dirs {
    char base[4096];      /* ROOT/DriverStore */
    int basefd, repofd, tempfd, lockfd;
};

static void dirs_close(struct store_dirs *d)
{
    if (d->repofd >= 0)
        close(d->repofd);
    if (d->tempfd >= 0)
        close(d->tempfd);
    if (d->basefd >= 0)
        close(d->basefd);
    if (d->lockfd >= 0)
        close(d->lockfd);       /* releases the flock */
    d->repofd = d->tempfd = d->basefd = d->lockfd = -1;
}

static NTSTATUS dirs_open(struct store_dirs *d, char *reason)
{
    NTSTATUS st;

    d->basefd = d->repofd = d->tempfd = d->lockfd = -1;
    st = krnl_state_dir("DriverStore", d->base, sizeof(d->base));
    if (!NT_SUCCESS(st)) {
        REASON("cannot create the driver store under %s", krnl_root());
        return st;
    }
    d->basefd = open(d->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (d->basefd < 0)
        goto fail;
    (void)mkdirat(d->basefd, "FileRepository", 0755);
    (void)mkdirat(d->basefd, "Temp", 0700);
    d->repofd = openat(d->basefd, "FileRepository", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    d->tempfd = openat(d->basefd, "Temp", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    d->lockfd = openat(d->basefd, "store.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (d->repofd < 0 || d->tempfd < 0 || d->lockfd < 0)
        goto fail;
    while (flock(d->lockfd, LOCK_EX)) {
        if (errno != EINTR)
            goto fail;
    }
    return STATUS_SUCCESS;
fail:
    REASON("cannot open the driver store %s: %s", d->base, strerror(errno));
    dirs_close(d);
    return STATUS_ACCESS_DENIED;
}

/* The kill test's hook: a pause between steps. */
static void step_pause(void)
{
    static long us = -1;
    if (us < 0) {
        const char *e = getenv("DDK_STORE_TEST_PAUSE_US");
        us = e ? atol(e) : 0;
    }
    if (us > 0)
        usleep((useconds_t)us);
}

/* ---- file system helpers -------------------------------------------- */

/* Removes name below parentfd whatever its modes (read-only packages). */
static int rm_tree_at(int parentfd, const char *name)
{
    struct stat sb;
    int fd, rc = 0;
    DIR *d;
    struct dirent *e;

    if (fstatat(parentfd, name, &sb, AT_SYMLINK_NOFOLLOW))
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode))
        return unlinkat(parentfd, name, 0);
    (void)fchmodat(parentfd, name, 0700, 0);
    fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || !(d = fdopendir(fd))) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            rc |= rm_tree_at(dirfd(d), e->d_name);
    closedir(d);
    return rc | unlinkat(parentfd, name, AT_REMOVEDIR);
}

static int mkdirs_at(int dirfd, const char *rel)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", rel);
    for (char *p = buf; (p = strchr(p, '/')); p++) {
        *p = 0;
        if (mkdirat(dirfd, buf, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

static bool fsync_at(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    bool ok = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* ---- registry helpers ----------------------------------------------- */

static NTSTATUS key_open(const char *path, struct reg_key **k)
{
    return reg_key_open(&store_caller, NULL, path, KEY_ALL_ACCESS, k);
}

static bool not_found(NTSTATUS st)
{
    return st == STATUS_OBJECT_NAME_NOT_FOUND || st == STATUS_OBJECT_PATH_NOT_FOUND;
}

static void get_str(struct reg_key *k, const char *name, char *buf, size_t cap)
{
    if (!NT_SUCCESS(reg_value_query_string(&store_caller, k, name, 0, buf, cap)))
        buf[0] = 0;
}

/* Is pkgid recorded? STATUS_SUCCESS yes, STATUS_NOT_FOUND no, anything
 * else: the registry could not tell (recovery then removes nothing). */
static NTSTATUS package_record(const char *pkgid)
{
    char path[512];
    struct reg_key *k;
    NTSTATUS st;

    snprintf(path, sizeof(path), PACKAGES_KEY "\\%s", pkgid);
    st = key_open(path, &k);
    if (NT_SUCCESS(st)) {
        reg_key_close(k);
        return STATUS_SUCCESS;
    }
    return not_found(st) ? STATUS_NOT_FOUND : st;
}

static bool package_recorded(const char *pkgid)
{
    return NT_SUCCESS(package_record(pkgid));
}

static NTSTATUS read_info(const char *pkgid, struct store_pkg_info *info)
{
    char path[512];
    struct reg_key *k;
    NTSTATUS st;

    memset(info, 0, sizeof(*info));
    snprintf(path, sizeof(path), PACKAGES_KEY "\\%s", pkgid);
    st = key_open(path, &k);
    if (!NT_SUCCESS(st))
        return st;
    snprintf(info->pkgid, sizeof(info->pkgid), "%s", pkgid);
    get_str(k, "PublishedName", info->published, sizeof(info->published));
    get_str(k, "InfName", info->inf_name, sizeof(info->inf_name));
    get_str(k, "Provider", info->provider, sizeof(info->provider));
    get_str(k, "Class", info->class_name, sizeof(info->class_name));
    get_str(k, "ClassGuid", info->class_guid, sizeof(info->class_guid));
    get_str(k, "DriverVer", info->driver_ver, sizeof(info->driver_ver));
    get_str(k, "CatalogFile", info->catalog, sizeof(info->catalog));
    get_str(k, "Signer", info->signer, sizeof(info->signer));
    get_str(k, "SignatureState", info->signature, sizeof(info->signature));
    get_str(k, "Directory", info->dir, sizeof(info->dir));
    reg_key_close(k);
    return STATUS_SUCCESS;
}

/* ---- recovery ------------------------------------------------------- */

static unsigned temp_seq;

/* Moves FileRepository/name into Temp (atomically) and removes it. */
static int discard_repo_dir(struct store_dirs *d, const char *name)
{
    char tmp[512];

    snprintf(tmp, sizeof(tmp), "del-%d-%u", (int)getpid(),
             __atomic_fetch_add(&temp_seq, 1, __ATOMIC_RELAXED));
    /* a directory moved to another parent needs write access to itself
     * (its ".." changes) when we are not root */
    (void)fchmodat(d->repofd, name, 0700, 0);
    if (renameat(d->repofd, name, d->tempfd, tmp))
        return -1;
    fsync(d->repofd);
    return rm_tree_at(d->tempfd, tmp);
}

static NTSTATUS recover_locked(struct store_dirs *d)
{
    DIR *dir;
    struct dirent *e;
    int fd;
    bool registry_ok = NT_SUCCESS(reg_init());

    /* Temp: everything there is an interrupted add or delete */
    fd = dup(d->tempfd);
    if (fd >= 0 && (dir = fdopendir(fd))) {
        while ((e = readdir(dir)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                if (rm_tree_at(d->tempfd, e->d_name))
                    krnl_log(KRNL_LOG_WARN, "driver store: cannot remove %s/Temp/%s",
                             d->base, e->d_name);
            }
        closedir(dir);
    } else if (fd >= 0) {
        close(fd);
    }
    /* FileRepository: a directory without a record was renamed in by an
     * add killed before its registry commit */
    fd = registry_ok ? dup(d->repofd) : -1;
    if (fd >= 0 && (dir = fdopendir(fd))) {
        char **orphans = NULL;
        unsigned n = 0, cap = 0;
        while ((e = readdir(dir))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            /* only a package the registry says it does not know goes:
             * a registry that cannot answer must not empty the store */
            if (package_record(e->d_name) != STATUS_NOT_FOUND)
                continue;
            if (n == cap) {
                char **nv = realloc(orphans, (cap = cap ? cap * 2 : 8) * sizeof(*nv));
                if (!nv)
                    break;
                orphans = nv;
            }
            if (!(orphans[n] = strdup(e->d_name)))
                break;
            n++;
        }
        closedir(dir);
        for (unsigned i = 0; i < n; i++) {
            krnl_log(KRNL_LOG_INFO, "driver store: removing unpublished %s", orphans[i]);
            if (discard_repo_dir(d, orphans[i]))
                krnl_log(KRNL_LOG_WARN, "driver store: cannot remove %s/FileRepository/%s",
                         d->base, orphans[i]);
            free(orphans[i]);
        }
        free(orphans);
    } else if (fd >= 0) {
        close(fd);
    }
    return STATUS_SUCCESS;
}

NTSTATUS store_recover(void)
{
    struct store_dirs d;
    NTSTATUS st = dirs_open(&d, NULL);

    if (!NT_SUCCESS(st))
        return st;
    st = recover_locked(&d);
    dirs_close(&d);
    return st;
}

/* ---- add ------------------------------------------------------------ */

/* [Version] fields and the package's own checks. */
static NTSTATUS check_inf(const struct store_package *pkg, unsigned flags, store_note_fn note,
                          void *ctx, struct store_pkg_info *info, char *reason)
{
    char path[4400];
    struct inf_error err;
    struct inf_file *inf;
    const struct inf_section *s;
    static const struct { const char *key; size_t off, cap; } fields[] = {
        { "Provider", offsetof(struct store_pkg_info, provider), sizeof(info->provider) },
        { "Class", offsetof(struct store_pkg_info, class_name), sizeof(info->class_name) },
        { "ClassGuid", offsetof(struct store_pkg_info, class_guid), sizeof(info->class_guid) },
    };
    NTSTATUS st = STATUS_SUCCESS;

    snprintf(path, sizeof(path), "%s/%s", pkg->dir, pkg->inf_name);
    memset(&err, 0, sizeof(err));
    inf = inf_open(path, 0, &err);
    if (!inf) {
        REASON("%s:%u: error %u: %s", err.file, err.line, err.code, err.message);
        return STATUS_INVALID_PARAMETER;
    }
    /* the package isolation checks (infverif /w): errors refuse the
     * package, warnings are passed on */
    struct infcheck_result res;
    memset(&res, 0, sizeof(res));
    infcheck_file(path, infcheck_search_path(),
                  (flags & STORE_ADD_SAMPLES) ? INFCHECK_SAMPLES : 0, &res);
    for (unsigned i = 0; i < res.n; i++) {
        const struct infcheck_finding *fd = &res.v[i];
        char line[1200];
        snprintf(line, sizeof(line), "%s:%u: %s %u: %s", fd->file, fd->line,
                 fd->error ? "error" : "warning", fd->code, fd->message);
        if (fd->error && NT_SUCCESS(st)) {
            if (res.errors > 1)
                REASON("%s (and %u more error%s: ddk infcheck lists them)", line,
                       res.errors - 1, res.errors > 2 ? "s" : "");
            else
                REASON("%s", line);
            st = STATUS_INVALID_PARAMETER;
        } else if (!fd->error && note) {
            note(ctx, line);
        }
    }
    infcheck_free(&res);
    if (!NT_SUCCESS(st))
        goto out;
    s = inf_section(inf, "Version");
    if (!s) {
        REASON("%s: no [Version] section", path);
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const struct inf_line *l = inf_find_key(s, fields[i].key);
        char *dst = (char *)info + fields[i].off;
        if (!l || !inf_field(inf, l, 0, dst, fields[i].cap, NULL))
            dst[0] = 0;
    }
    const struct inf_line *dv = inf_find_key(s, "DriverVer");
    if (dv) {
        char a[64] = "", b[64] = "";
        inf_field(inf, dv, 0, a, sizeof(a), NULL);
        inf_field(inf, dv, 1, b, sizeof(b), NULL);
        snprintf(info->driver_ver, sizeof(info->driver_ver), "%s%s%s", a, *b ? "," : "", b);
    }
    /* every file [SourceDisksFiles] names must be in the package */
    const char *sdf[] = { "SourceDisksFiles.amd64", "SourceDisksFiles" };
    for (unsigned k = 0; k < 2 && NT_SUCCESS(st); k++) {
        if (!(s = inf_section(inf, sdf[k])))
            continue;
        for (unsigned i = 0; i < s->nlines && NT_SUCCESS(st); i++) {
            const struct inf_line *l = &s->lines[i];
            char name[512], sub[512] = "", rel[1100];
            bool found = false;
            if (!l->key || !inf_key(inf, l, name, sizeof(name), NULL))
                continue;
            inf_field(inf, l, 1, sub, sizeof(sub), NULL);
            for (char *p = sub; *p; p++)
                if (*p == '\\')
                    *p = '/';
            snprintf(rel, sizeof(rel), "%s%s%s", sub + strspn(sub, "/"),
                     sub[strspn(sub, "/")] ? "/" : "", name);
            for (unsigned j = 0; j < pkg->nfiles && !found; j++)
                found = !strcasecmp(pkg->files[j].name, rel);
            if (!found) {
                REASON("%s:%u: %s named in [%s] is not in the package", path, l->lineno, rel,
                       s->name);
                st = STATUS_NO_SUCH_FILE;
            }
        }
    }
out:
    inf_close(inf);
    return st;
}

static int longer_first(const void *a, const void *b)
{
    size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
    return x > y ? -1 : x < y;
}

/* Copies the package into Temp/<tmpname>/ and fsyncs it; the copy's
 * hashes must be the ones verified (the source may change meanwhile). */
static NTSTATUS copy_package(struct store_dirs *d, const struct store_package *pkg,
                             const struct store_verdict *v, const char *tmpname, char *reason)
{
    int src = -1, dst = -1;
    NTSTATUS st = STATUS_SUCCESS;
    unsigned n = pkg->nfiles + 1;
    char **subdirs = NULL;
    unsigned nsub = 0, nsubcap = 4096;

    if (mkdirat(d->tempfd, tmpname, 0755)) {
        REASON("cannot create %s/Temp/%s: %s", d->base, tmpname, strerror(errno));
        return STATUS_ACCESS_DENIED;
    }
    src = open(pkg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    dst = openat(d->tempfd, tmpname, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    subdirs = calloc(nsubcap, sizeof(*subdirs));
    if (src < 0 || dst < 0 || !subdirs) {
        REASON("cannot copy %s: %s", pkg->dir, strerror(errno));
        st = STATUS_ACCESS_DENIED;
        goto out;
    }
    for (unsigned i = 0; i < n && NT_SUCCESS(st); i++) {
        const char *name = i < pkg->nfiles ? pkg->files[i].name : pkg->catalog_name;
        const unsigned char *want = i < pkg->nfiles ? pkg->files[i].sha256 : v->catalog_sha256;
        crypto_hash_sha256_state h;
        unsigned char buf[65536], got[32];
        int in = -1, out = -1;
        ssize_t r = 0;

        if (strchr(name, '/')) {
            if (mkdirs_at(dst, name)) {
                st = STATUS_ACCESS_DENIED;
                break;
            }
            /* remember every ancestor directory once */
            for (const char *p = strchr(name, '/'); p; p = strchr(p + 1, '/')) {
                bool seen = false;
                for (unsigned j = 0; j < nsub && !seen; j++)
                    seen = strlen(subdirs[j]) == (size_t)(p - name) &&
                           !strncmp(subdirs[j], name, (size_t)(p - name));
                if (!seen && nsub < nsubcap && (subdirs[nsub] = strndup(name, (size_t)(p - name))))
                    nsub++;
            }
        }
        in = openat(src, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        crypto_hash_sha256_init(&h);
        while (in >= 0 && out >= 0 && (r = read(in, buf, sizeof(buf))) > 0) {
            crypto_hash_sha256_update(&h, buf, (unsigned long long)r);
            if (write(out, buf, (size_t)r) != r) {
                r = -1;
                break;
            }
        }
        crypto_hash_sha256_final(&h, got);
        if (in < 0 || out < 0 || r < 0 || fchmod(out, 0444) || fsync(out)) {
            REASON("cannot copy %s: %s", name, strerror(errno));
            st = STATUS_UNEXPECTED_IO_ERROR;
        } else if (memcmp(got, want, 32)) {
            REASON("hash mismatch: %s changed while it was being added", name);
            st = STATUS_INVALID_IMAGE_HASH;
        }
        if (in >= 0)
            close(in);
        if (out >= 0 && close(out) && NT_SUCCESS(st)) {
            REASON("cannot write %s: %s", name, strerror(errno));
            st = STATUS_UNEXPECTED_IO_ERROR;
        }
        step_pause();
    }
    /* subdirectories read-only, deepest first */
    qsort(subdirs, nsub, sizeof(*subdirs), longer_first);
    for (unsigned i = 0; NT_SUCCESS(st) && i < nsub; i++)
        if (fchmodat(dst, subdirs[i], 0555, 0) || !fsync_at(dst, subdirs[i])) {
            REASON("cannot sync %s: %s", subdirs[i], strerror(errno));
            st = STATUS_UNEXPECTED_IO_ERROR;
        }
    if (NT_SUCCESS(st) && fsync(dst)) {
        REASON("cannot sync the copy: %s", strerror(errno));
        st = STATUS_UNEXPECTED_IO_ERROR;
    }
out:
    for (unsigned i = 0; i < nsub; i++)
        free(subdirs[i]);
    free(subdirs);
    if (src >= 0)
        close(src);
    if (dst >= 0)
        close(dst);
    return st;
}

/* The lowest N such that oemN.inf is not published (inside the txn). */
static unsigned next_oem(void)
{
    struct reg_key *k;
    unsigned char used[1024];
    unsigned n = 0;
    char name[64];

    memset(used, 0, sizeof(used));
    if (NT_SUCCESS(key_open(INFFILES_KEY, &k))) {
        for (ULONG i = 0; NT_SUCCESS(reg_key_enum(&store_caller, k, i, name, sizeof(name))); i++) {
            unsigned v;
            char tail[8];
            if (sscanf(name, "oem%u.%7s", &v, tail) == 2 && !strcasecmp(tail, "inf") &&
                v < sizeof(used) * 8)
                used[v / 8] |= (unsigned char)(1u << (v % 8));
        }
        reg_key_close(k);
    }
    while (n < sizeof(used) * 8 && (used[n / 8] & (1u << (n % 8))))
        n++;
    return n;
}

static NTSTATUS set_multi_sz(struct reg_key *k, const char *name, const char *utf8)
{
    WCHAR *w = rtl_utf8_to_wstr(utf8, (size_t)-1);
    size_t len = 0;
    NTSTATUS st;

    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    while (w[len])
        len++;
    WCHAR *buf = calloc(len + 2, sizeof(WCHAR));
    if (!buf) {
        free(w);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memcpy(buf, w, len * sizeof(WCHAR));
    st = reg_value_set(&store_caller, k, name, REG_MULTI_SZ, buf, (ULONG)((len + 2) * sizeof(WCHAR)));
    free(buf);
    free(w);
    return st;
}

/* One transaction: the package record and its oemN.inf. */
static NTSTATUS publish(struct store_pkg_info *info, char *reason)
{
    struct reg_txn *txn;
    struct reg_key *pk = NULL, *ik = NULL;
    char path[512];
    NTSTATUS st = reg_txn_begin(&store_caller, &txn);
    static const struct { const char *name; size_t off; } vals[] = {
        { "InfName", offsetof(struct store_pkg_info, inf_name) },
        { "PublishedName", offsetof(struct store_pkg_info, published) },
        { "Provider", offsetof(struct store_pkg_info, provider) },
        { "Class", offsetof(struct store_pkg_info, class_name) },
        { "ClassGuid", offsetof(struct store_pkg_info, class_guid) },
        { "DriverVer", offsetof(struct store_pkg_info, driver_ver) },
        { "CatalogFile", offsetof(struct store_pkg_info, catalog) },
        { "Signer", offsetof(struct store_pkg_info, signer) },
        { "SignatureState", offsetof(struct store_pkg_info, signature) },
        { "Directory", offsetof(struct store_pkg_info, dir) },
    };

    if (!NT_SUCCESS(st)) {
        REASON("cannot open a registry transaction (0x%08x)", (unsigned)st);
        return st;
    }
    snprintf(info->published, sizeof(info->published), "oem%u.inf", next_oem());
    snprintf(path, sizeof(path), PACKAGES_KEY "\\%s", info->pkgid);
    st = reg_key_create(&store_caller, NULL, path, KEY_ALL_ACCESS, REG_CREATE_PARENTS, NULL, &pk);
    for (size_t i = 0; NT_SUCCESS(st) && i < sizeof(vals) / sizeof(vals[0]); i++)
        st = reg_value_set_string(&store_caller, pk, vals[i].name, REG_SZ,
                                  (const char *)info + vals[i].off);
    if (NT_SUCCESS(st)) {
        snprintf(path, sizeof(path), INFFILES_KEY "\\%s", info->published);
        st = reg_key_create(&store_caller, NULL, path, KEY_ALL_ACCESS, REG_CREATE_PARENTS, NULL,
                            &ik);
    }
    if (NT_SUCCESS(st))
        st = set_multi_sz(ik, NULL, info->pkgid);
    if (NT_SUCCESS(st))
        st = reg_value_set_string(&store_caller, ik, "Active", REG_SZ, info->pkgid);
    reg_key_close(pk);
    reg_key_close(ik);
    if (!NT_SUCCESS(st)) {
        reg_txn_abort(txn);
        REASON("cannot record the package in the registry (0x%08x)", (unsigned)st);
        return st;
    }
    step_pause();
    st = reg_txn_commit(txn);
    if (!NT_SUCCESS(st))
        REASON("cannot commit the registry transaction (0x%08x)", (unsigned)st);
    return st;
}

NTSTATUS store_driver_add(const char *path, unsigned flags, store_note_fn note, void *ctx,
                          struct store_pkg_info *info, bool *existed, char *reason)
{
    struct store_dirs d;
    struct store_package pkg;
    struct store_verdict v;
    char hex[65], tmpname[400];
    NTSTATUS st;

    memset(info, 0, sizeof(*info));
    *existed = false;
    st = dirs_open(&d, reason);
    if (!NT_SUCCESS(st))
        return st;
    recover_locked(&d);
    st = store_package_read(path, &pkg, reason);
    if (!NT_SUCCESS(st))
        goto out_dirs;
    st = check_inf(&pkg, flags, note, ctx, info, reason);
    if (!NT_SUCCESS(st))
        goto out;
    st = store_catalog_verify(&pkg, store_testsigning_get(), &v, reason);
    if (!NT_SUCCESS(st))
        goto out;
    step_pause();

    /* <inf lower case>_amd64_<16 hex of the catalog's hash> */
    store_hex(v.catalog_sha256, 8, hex);
    snprintf(info->pkgid, sizeof(info->pkgid), "%s_amd64_%s", pkg.inf_name, hex);
    for (char *p = info->pkgid; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    snprintf(info->inf_name, sizeof(info->inf_name), "%s", pkg.inf_name);
    snprintf(info->catalog, sizeof(info->catalog), "%s", pkg.catalog_name);
    store_pubkey_format(v.pk, info->signer);
    strcpy(info->signature, v.signer == STORE_SIGNER_TRUSTED ? "trusted" : "test");
    snprintf(info->dir, sizeof(info->dir), "%s/FileRepository/%s", d.base, info->pkgid);

    if (package_recorded(info->pkgid)) {
        /* identical package already published (recovery made sure its
         * directory is there): a no-op */
        struct store_pkg_info old;
        if (NT_SUCCESS(read_info(info->pkgid, &old)) && old.published[0]) {
            *info = old;
            *existed = true;
            goto out;
        }
    }

    snprintf(tmpname, sizeof(tmpname), "add-%d-%u", (int)getpid(),
             __atomic_fetch_add(&temp_seq, 1, __ATOMIC_RELAXED));
    st = copy_package(&d, &pkg, &v, tmpname, reason);
    if (NT_SUCCESS(st)) {
        step_pause();
        /* into place, then read-only (a directory moved to another parent
         * must be writable by a non-root owner: its ".." changes) */
        if (renameat(d.tempfd, tmpname, d.repofd, info->pkgid) ||
            fchmodat(d.repofd, info->pkgid, 0555, 0) || fsync(d.repofd) || fsync(d.tempfd)) {
            REASON("cannot move the package into %s/FileRepository: %s", d.base, strerror(errno));
            st = STATUS_UNEXPECTED_IO_ERROR;
        }
    }
    if (!NT_SUCCESS(st)) {
        rm_tree_at(d.tempfd, tmpname);
        goto out;
    }
    step_pause();
    st = publish(info, reason);
    if (!NT_SUCCESS(st))
        discard_repo_dir(&d, info->pkgid);
out:
    store_package_free(&pkg);
out_dirs:
    dirs_close(&d);
    return st;
}

/* ---- list, find, delete --------------------------------------------- */

static unsigned oem_number(const char *published)
{
    unsigned v = ~0u;
    sscanf(published, "oem%u", &v);
    return v;
}

static int info_cmp(const void *a, const void *b)
{
    unsigned x = oem_number(((const struct store_pkg_info *)a)->published);
    unsigned y = oem_number(((const struct store_pkg_info *)b)->published);
    return x < y ? -1 : x > y;
}

static NTSTATUS list_locked(struct store_pkg_info **out, unsigned *n)
{
    struct reg_key *k;
    struct store_pkg_info *v = NULL;
    unsigned cap = 0;
    char name[300];
    NTSTATUS st;

    *out = NULL;
    *n = 0;
    st = key_open(PACKAGES_KEY, &k);
    if (not_found(st))
        return STATUS_SUCCESS;
    if (!NT_SUCCESS(st))
        return st;
    for (ULONG i = 0; NT_SUCCESS(reg_key_enum(&store_caller, k, i, name, sizeof(name))); i++) {
        if (*n == cap) {
            struct store_pkg_info *nv = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof(*nv));
            if (!nv) {
                st = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            v = nv;
        }
        if (NT_SUCCESS(read_info(name, &v[*n])) && v[*n].published[0])
            (*n)++;
    }
    reg_key_close(k);
    if (!NT_SUCCESS(st)) {
        free(v);
        *n = 0;
        return st;
    }
    if (*n)
        qsort(v, *n, sizeof(*v), info_cmp);
    *out = v;
    return STATUS_SUCCESS;
}

NTSTATUS store_driver_list(struct store_pkg_info **out, unsigned *n)
{
    struct store_dirs d;
    NTSTATUS st = dirs_open(&d, NULL);

    *out = NULL;
    *n = 0;
    if (!NT_SUCCESS(st))
        return st;
    recover_locked(&d);
    st = list_locked(out, n);
    dirs_close(&d);
    return st;
}

static NTSTATUS find_locked(const char *published, struct store_pkg_info *info)
{
    char path[512], pkgid[300];
    struct reg_key *k;
    NTSTATUS st;
    unsigned v;
    char tail[8];

    if (strlen(published) > 20 || sscanf(published, "%*[oOeEmM]%u.%7s", &v, tail) != 2 ||
        strncasecmp(published, "oem", 3) || strcasecmp(tail, "inf"))
        return STATUS_OBJECT_NAME_INVALID;
    snprintf(path, sizeof(path), INFFILES_KEY "\\%s", published);
    st = key_open(path, &k);
    if (!NT_SUCCESS(st))
        return not_found(st) ? STATUS_NOT_FOUND : st;
    get_str(k, "Active", pkgid, sizeof(pkgid));
    reg_key_close(k);
    if (!pkgid[0] || strchr(pkgid, '\\'))
        return STATUS_NOT_FOUND;
    st = read_info(pkgid, info);
    return not_found(st) ? STATUS_NOT_FOUND : st;
}

NTSTATUS store_driver_find(const char *published, struct store_pkg_info *info)
{
    struct store_dirs d;
    NTSTATUS st = dirs_open(&d, NULL);

    if (!NT_SUCCESS(st))
        return st;
    recover_locked(&d);
    st = find_locked(published, info);
    dirs_close(&d);
    return st;
}

NTSTATUS store_driver_delete(const char *published, bool force, char *reason)
{
    struct store_dirs d;
    struct store_pkg_info info;
    struct reg_txn *txn = NULL;
    struct reg_key *k;
    char path[512];
    store_in_use_fn hook = __atomic_load_n(&store_in_use_hook, __ATOMIC_ACQUIRE);
    NTSTATUS st = dirs_open(&d, reason);

    if (!NT_SUCCESS(st))
        return st;
    recover_locked(&d);
    st = find_locked(published, &info);
    if (st == STATUS_OBJECT_NAME_INVALID) {
        REASON("%s is not a published name (oemN.inf)", published);
        goto out;
    }
    if (!NT_SUCCESS(st)) {
        REASON("%s is not in the driver store", published);
        goto out;
    }
    /* devices using the package (the PnP manager's hook; none without it) */
    unsigned users = hook ? hook(info.pkgid, false) : 0;
    if (users && !force) {
        REASON("%s is in use by %u device%s (--force removes them)", published, users,
               users == 1 ? "" : "s");
        st = STATUS_DEVICE_BUSY;
        goto out;
    }
    if (users && hook(info.pkgid, true)) {
        REASON("%s: devices using it could not be removed", published);
        st = STATUS_DEVICE_BUSY;
        goto out;
    }
    st = reg_txn_begin(&store_caller, &txn);
    if (NT_SUCCESS(st)) {
        snprintf(path, sizeof(path), PACKAGES_KEY "\\%s", info.pkgid);
        st = key_open(path, &k);
        if (NT_SUCCESS(st)) {
            st = reg_key_delete_tree(&store_caller, k);
            reg_key_close(k);
        }
    }
    if (NT_SUCCESS(st)) {
        snprintf(path, sizeof(path), INFFILES_KEY "\\%s", info.published);
        st = key_open(path, &k);
        if (NT_SUCCESS(st)) {
            st = reg_key_delete_tree(&store_caller, k);
            reg_key_close(k);
        }
    }
    if (txn)
        st = NT_SUCCESS(st) ? reg_txn_commit(txn) : (reg_txn_abort(txn), st);
    if (!NT_SUCCESS(st)) {
        REASON("cannot remove %s from the registry (0x%08x)", published, (unsigned)st);
        goto out;
    }
    /* unpublished: the files go (recovery would remove them anyway) */
    if (discard_repo_dir(&d, info.pkgid) && errno != ENOENT)
        krnl_log(KRNL_LOG_WARN, "driver store: cannot remove %s: %s", info.dir, strerror(errno));
out:
    dirs_close(&d);
    return st;
}

/* ---- the loader's re-check ------------------------------------------ */

NTSTATUS store_verify_image(const char *path, bool *in_store, char *reason)
{
    char repo[4200], real[4096], base[4096], pkgdir[4400];
    struct store_package pkg;
    struct store_verdict v;
    const char *rest, *slash;
    size_t n;
    NTSTATUS st;

    *in_store = false;
    if (!realpath(path, real))
        return STATUS_SUCCESS;          /* the loader reports a missing file itself */
    snprintf(repo, sizeof(repo), "%s/DriverStore/FileRepository", krnl_root());
    if (!realpath(repo, base))
        return STATUS_SUCCESS;          /* no store: nothing can be in it */
    n = strlen(base);
    if (strncmp(real, base, n) || real[n] != '/')
        return STATUS_SUCCESS;
    *in_store = true;
    rest = real + n + 1;
    slash = strchr(rest, '/');
    if (!slash) {
        REASON("%s is not a file of a driver package", path);
        return STATUS_INVALID_IMAGE_HASH;
    }
    snprintf(pkgdir, sizeof(pkgdir), "%.*s", (int)(slash - real), real);
    st = store_package_read(pkgdir, &pkg, reason);
    if (!NT_SUCCESS(st))
        return STATUS_INVALID_IMAGE_HASH;
    st = store_catalog_verify(&pkg, store_testsigning_get(), &v, reason);
    store_package_free(&pkg);
    return st;
}
