/*
 * store/catalog.c - keys, trusted publishers, test signing and catalogs.
 *
 * The format and the rules are in catalog.h. Hashing and signatures are
 * libsodium's (SHA-256, Ed25519): hand-written crypto would be a liability.
 * Everything here is synchronous and reentrant; the registry serializes
 * the few writes (trust, test signing).
 */
#define _GNU_SOURCE
#include "store/catalog.h"
#include "store/inf.h"
#include "registry/reg.h"
#include "krnl/krnl.h"

#include <sodium.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRUST_KEY  "\\Registry\\Machine\\Software\\OpenDDK\\TrustedPublisher"
#define CI_KEY     "\\Registry\\Machine\\Software\\OpenDDK\\CodeIntegrity"
#define CATALOG_MAX (16u << 20)     /* a catalog larger than this is refused */
#define PKG_MAX_FILES 4096u

static const struct reg_caller store_caller = { REG_CALLER_INSTALLER, "driver store" };

#define REASON(...) do { if (reason) snprintf(reason, STORE_REASON_MAX, __VA_ARGS__); } while (0)

NTSTATUS store_crypto_init(void)
{
    return sodium_init() < 0 ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
}

void store_hex(const unsigned char *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = 0;
}

/* Exactly 2n lowercase or uppercase hex digits. */
static bool unhex(const char *s, size_t len, unsigned char *out, size_t n)
{
    if (len != 2 * n)
        return false;
    for (size_t i = 0; i < 2 * n; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return false;
        if (i & 1)
            out[i / 2] = (unsigned char)(out[i / 2] | v);
        else
            out[i / 2] = (unsigned char)(v << 4);
    }
    return true;
}

/* Reads a whole small file (max bytes) into a NUL-terminated buffer. */
static char *slurp_at(int dirfd, const char *name, size_t max, size_t *len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat sb;
    char *buf = NULL;
    size_t got = 0;

    if (fd < 0)
        return NULL;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > max) {
        close(fd);
        errno = EFBIG;
        return NULL;
    }
    buf = malloc((size_t)sb.st_size + 1);
    while (buf && got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            free(buf);
            buf = NULL;
            break;
        }
        got += (size_t)r;
    }
    close(fd);
    if (buf) {
        buf[got] = 0;
        *len = got;
    }
    return buf;
}

NTSTATUS store_file_sha256(int dirfd, const char *name, unsigned char out[32])
{
    crypto_hash_sha256_state h;
    unsigned char buf[65536];
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t r;

    if (fd < 0)
        return STATUS_NO_SUCH_FILE;
    crypto_hash_sha256_init(&h);
    while ((r = read(fd, buf, sizeof(buf))) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return STATUS_UNEXPECTED_IO_ERROR;
        }
        crypto_hash_sha256_update(&h, buf, (unsigned long long)r);
    }
    close(fd);
    crypto_hash_sha256_final(&h, out);
    return STATUS_SUCCESS;
}

/* ---- keys ----------------------------------------------------------- */

static NTSTATUS write_new_file(const char *path, const char *text, mode_t mode, char *reason)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    size_t len = strlen(text);

    if (fd < 0) {
        REASON("cannot create %s: %s", path, strerror(errno));
        return errno == EEXIST ? STATUS_OBJECT_NAME_COLLISION : STATUS_ACCESS_DENIED;
    }
    if (fchmod(fd, mode) || write(fd, text, len) != (ssize_t)len || fsync(fd)) {
        REASON("cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return STATUS_UNEXPECTED_IO_ERROR;
    }
    close(fd);
    return STATUS_SUCCESS;
}

NTSTATUS store_key_new(const char *path, char *reason)
{
    unsigned char pk[STORE_PK_BYTES], sk[STORE_SK_BYTES];
    char text[200], pub[STORE_PK_TEXT + 2], pubpath[4200];
    NTSTATUS st;

    if (!NT_SUCCESS(store_crypto_init())) {
        REASON("libsodium failed to initialize");
        return STATUS_UNSUCCESSFUL;
    }
    if (snprintf(pubpath, sizeof(pubpath), "%s.pub", path) >= (int)sizeof(pubpath)) {
        REASON("path too long: %s", path);
        return STATUS_NAME_TOO_LONG;
    }
    if (access(pubpath, F_OK) == 0) {
        REASON("%s already exists", pubpath);
        return STATUS_OBJECT_NAME_COLLISION;
    }
    crypto_sign_keypair(pk, sk);
    strcpy(text, "OpenDDK-Ed25519-Secret 1\n");
    store_hex(sk, sizeof(sk), text + strlen(text));
    strcat(text, "\n");
    st = write_new_file(path, text, 0600, reason);
    sodium_memzero(sk, sizeof(sk));
    sodium_memzero(text, sizeof(text));
    if (!NT_SUCCESS(st))
        return st;
    store_pubkey_format(pk, pub);
    strcat(pub, "\n");
    st = write_new_file(pubpath, pub, 0644, reason);
    if (!NT_SUCCESS(st))
        unlink(path);
    return st;
}

/* Parses a secret key file's text into sk. */
static bool parse_secret(const char *text, unsigned char sk[STORE_SK_BYTES])
{
    static const char magic[] = "OpenDDK-Ed25519-Secret 1\n";
    const char *h;
    size_t n;

    if (strncmp(text, magic, sizeof(magic) - 1))
        return false;
    h = text + sizeof(magic) - 1;
    n = strcspn(h, "\r\n");
    return unhex(h, n, sk, STORE_SK_BYTES);
}

NTSTATUS store_key_load_secret(const char *path, unsigned char sk[STORE_SK_BYTES], char *reason)
{
    size_t len;
    char *text = slurp_at(AT_FDCWD, path, 4096, &len);
    bool ok;

    if (!text) {
        REASON("cannot read key %s: %s", path, strerror(errno));
        return STATUS_NO_SUCH_FILE;
    }
    ok = parse_secret(text, sk);
    sodium_memzero(text, len);
    free(text);
    if (!ok) {
        REASON("%s is not an OpenDDK secret key file", path);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

static bool parse_pub_text(const char *s, unsigned char pk[STORE_PK_BYTES])
{
    size_t n;

    if (strncasecmp(s, "ed25519:", 8))
        return false;
    s += 8;
    n = strcspn(s, "\r\n");
    return unhex(s, n, pk, STORE_PK_BYTES) && (s[n] == 0 || s[n + strspn(s + n, "\r\n")] == 0);
}

NTSTATUS store_pubkey_parse(const char *arg, unsigned char pk[STORE_PK_BYTES], char *reason)
{
    unsigned char sk[STORE_SK_BYTES];
    size_t len;
    char *text;
    bool ok;

    if (parse_pub_text(arg, pk))
        return STATUS_SUCCESS;
    text = slurp_at(AT_FDCWD, arg, 4096, &len);
    if (!text) {
        REASON("%s is neither a public key (ed25519:<64 hex>) nor a readable key file", arg);
        return STATUS_INVALID_PARAMETER;
    }
    ok = parse_pub_text(text, pk);
    if (!ok && parse_secret(text, sk)) {
        memcpy(pk, sk + 32, STORE_PK_BYTES);    /* libsodium: seed, then public key */
        ok = true;
    }
    sodium_memzero(sk, sizeof(sk));
    sodium_memzero(text, len);
    free(text);
    if (!ok) {
        REASON("%s holds no OpenDDK public key", arg);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

void store_pubkey_format(const unsigned char pk[STORE_PK_BYTES], char out[STORE_PK_TEXT])
{
    memcpy(out, "ed25519:", 8);
    store_hex(pk, STORE_PK_BYTES, out + 8);
}

/* ---- trust and test signing ----------------------------------------- */

static NTSTATUS open_key(const char *path, bool create, struct reg_key **k)
{
    if (create)
        return reg_key_create(&store_caller, NULL, path, KEY_ALL_ACCESS, REG_CREATE_PARENTS,
                              NULL, k);
    return reg_key_open(&store_caller, NULL, path, KEY_READ, k);
}

NTSTATUS store_trust_add(const unsigned char pk[STORE_PK_BYTES])
{
    char path[256], hex[65];
    struct reg_key *k;
    NTSTATUS st;

    store_hex(pk, STORE_PK_BYTES, hex);
    snprintf(path, sizeof(path), TRUST_KEY "\\%s", hex);
    st = open_key(path, true, &k);
    if (!NT_SUCCESS(st))
        return st;
    st = reg_value_set(&store_caller, k, "PublicKey", REG_BINARY, pk, STORE_PK_BYTES);
    reg_key_close(k);
    return st;
}

NTSTATUS store_trust_remove(const unsigned char pk[STORE_PK_BYTES])
{
    char path[256], hex[65];
    struct reg_key *k;
    NTSTATUS st;

    store_hex(pk, STORE_PK_BYTES, hex);
    snprintf(path, sizeof(path), TRUST_KEY "\\%s", hex);
    st = open_key(path, false, &k);
    if (st == STATUS_OBJECT_NAME_NOT_FOUND || st == STATUS_OBJECT_PATH_NOT_FOUND)
        return STATUS_NOT_FOUND;
    if (!NT_SUCCESS(st))
        return st;
    st = reg_key_delete_tree(&store_caller, k);
    reg_key_close(k);
    return st;
}

bool store_trust_is_trusted(const unsigned char pk[STORE_PK_BYTES])
{
    char path[256], hex[65];
    unsigned char data[STORE_PK_BYTES];
    struct reg_key *k;
    ULONG type = 0, needed = 0;
    bool ok;

    store_hex(pk, STORE_PK_BYTES, hex);
    snprintf(path, sizeof(path), TRUST_KEY "\\%s", hex);
    if (!NT_SUCCESS(open_key(path, false, &k)))
        return false;
    ok = NT_SUCCESS(reg_value_query(&store_caller, k, "PublicKey", &type, data, sizeof(data),
                                    &needed)) &&
         type == REG_BINARY && needed == STORE_PK_BYTES && !memcmp(data, pk, STORE_PK_BYTES);
    reg_key_close(k);
    return ok;
}

NTSTATUS store_trust_enum(unsigned index, unsigned char pk[STORE_PK_BYTES])
{
    struct reg_key *k;
    char name[256];
    NTSTATUS st = open_key(TRUST_KEY, false, &k);

    if (st == STATUS_OBJECT_NAME_NOT_FOUND || st == STATUS_OBJECT_PATH_NOT_FOUND)
        return STATUS_NO_MORE_ENTRIES;
    if (!NT_SUCCESS(st))
        return st;
    st = reg_key_enum(&store_caller, k, index, name, sizeof(name));
    reg_key_close(k);
    if (NT_SUCCESS(st) && !unhex(name, strlen(name), pk, STORE_PK_BYTES))
        st = STATUS_DATA_ERROR;
    return st;
}

NTSTATUS store_testsigning_set(bool on)
{
    struct reg_key *k;
    NTSTATUS st = open_key(CI_KEY, true, &k);

    if (!NT_SUCCESS(st))
        return st;
    st = reg_value_set_dword(&store_caller, k, "TestSigning", on ? 1 : 0);
    reg_key_close(k);
    return st;
}

bool store_testsigning_get(void)
{
    struct reg_key *k;
    ULONG v = 0;

    if (!NT_SUCCESS(open_key(CI_KEY, false, &k)))
        return false;
    if (!NT_SUCCESS(reg_value_query_dword(&store_caller, k, "TestSigning", &v)))
        v = 0;
    reg_key_close(k);
    return v != 0;
}

/* ---- packages ------------------------------------------------------- */

static bool name_ok(const char *n)
{
    const unsigned char *p = (const unsigned char *)n;

    if (!*p || *p == '/')
        return false;
    for (; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return false;
    /* no "." or ".." component, no empty component */
    for (const char *c = n; c;) {
        const char *e = strchr(c, '/');
        size_t l = e ? (size_t)(e - c) : strlen(c);
        if (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        c = e ? e + 1 : NULL;
    }
    return true;
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const struct store_file *)a)->name, ((const struct store_file *)b)->name);
}

/* Walks dirfd (prefix is its path relative to the package) and appends
 * every regular file. */
static NTSTATUS walk(struct store_package *pkg, int dirfd, const char *prefix, unsigned depth,
                     unsigned *cap, char *reason)
{
    DIR *d;
    struct dirent *e;
    NTSTATUS st = STATUS_SUCCESS;
    int fd2 = dup(dirfd);

    if (fd2 < 0 || !(d = fdopendir(fd2))) {
        if (fd2 >= 0)
            close(fd2);
        REASON("cannot read package directory %s/%s", pkg->dir, prefix);
        return STATUS_ACCESS_DENIED;
    }
    while (NT_SUCCESS(st) && (e = readdir(d))) {
        char rel[4096];
        struct stat sb;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!*prefix && !strcmp(e->d_name, pkg->catalog_name))
            continue;
        if (snprintf(rel, sizeof(rel), "%s%s%s", prefix, *prefix ? "/" : "", e->d_name) >=
                (int)sizeof(rel) || !name_ok(rel)) {
            REASON("package file name not allowed: %s", e->d_name);
            st = STATUS_OBJECT_NAME_INVALID;
            break;
        }
        if (fstatat(dirfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW)) {
            REASON("cannot stat %s: %s", rel, strerror(errno));
            st = STATUS_ACCESS_DENIED;
        } else if (S_ISDIR(sb.st_mode)) {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || depth > 16) {
                REASON("cannot open directory %s", rel);
                st = STATUS_ACCESS_DENIED;
            } else {
                st = walk(pkg, sub, rel, depth + 1, cap, reason);
            }
            if (sub >= 0)
                close(sub);
        } else if (!S_ISREG(sb.st_mode)) {
            REASON("%s is not a regular file (links and special files are refused)", rel);
            st = STATUS_OBJECT_TYPE_MISMATCH;
        } else if (pkg->nfiles >= PKG_MAX_FILES) {
            REASON("package has more than %u files", PKG_MAX_FILES);
            st = STATUS_INVALID_PARAMETER;
        } else {
            if (pkg->nfiles == *cap) {
                unsigned nc = *cap ? *cap * 2 : 16;
                struct store_file *nv = realloc(pkg->files, nc * sizeof(*nv));
                if (!nv) {
                    st = STATUS_INSUFFICIENT_RESOURCES;
                    break;
                }
                pkg->files = nv;
                *cap = nc;
            }
            struct store_file *f = &pkg->files[pkg->nfiles];
            if (!(f->name = strdup(rel))) {
                st = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            pkg->nfiles++;
            if (!NT_SUCCESS(store_file_sha256(dirfd, e->d_name, f->sha256))) {
                REASON("cannot read %s", rel);
                st = STATUS_ACCESS_DENIED;
            }
        }
    }
    closedir(d);
    return st;
}

void store_package_free(struct store_package *pkg)
{
    for (unsigned i = 0; i < pkg->nfiles; i++)
        free(pkg->files[i].name);
    free(pkg->files);
    pkg->files = NULL;
    pkg->nfiles = 0;
}

static bool ends_with_inf(const char *n)
{
    size_t l = strlen(n);
    return l > 4 && !strcasecmp(n + l - 4, ".inf");
}

/* CatalogFile.NTamd64, else CatalogFile, from [Version]. */
static NTSTATUS read_catalog_name(struct store_package *pkg, char *reason)
{
    char path[4400];
    struct inf_error err;
    struct inf_file *inf;
    const struct inf_section *v;
    const struct inf_line *l = NULL;

    snprintf(path, sizeof(path), "%s/%s", pkg->dir, pkg->inf_name);
    memset(&err, 0, sizeof(err));
    inf = inf_open(path, 0, &err);
    if (!inf) {
        REASON("%s:%u: %s", err.file, err.line, err.message);
        return STATUS_INVALID_PARAMETER;
    }
    v = inf_section(inf, "Version");
    if (v) {
        l = inf_find_key(v, "CatalogFile.NTamd64");
        if (!l)
            l = inf_find_key(v, "CatalogFile");
    }
    pkg->catalog_name[0] = 0;
    if (l && !inf_field(inf, l, 0, pkg->catalog_name, sizeof(pkg->catalog_name), NULL))
        pkg->catalog_name[0] = 0;
    inf_close(inf);
    if (pkg->catalog_name[0] && (strchr(pkg->catalog_name, '/') ||
                                 strchr(pkg->catalog_name, '\\') ||
                                 !name_ok(pkg->catalog_name))) {
        REASON("%s: CatalogFile=%s is not a plain file name", pkg->inf_name, pkg->catalog_name);
        return STATUS_OBJECT_NAME_INVALID;
    }
    return STATUS_SUCCESS;
}

NTSTATUS store_package_read(const char *path, struct store_package *pkg, char *reason)
{
    struct stat sb;
    unsigned cap = 0;
    int dfd;
    NTSTATUS st;

    memset(pkg, 0, sizeof(*pkg));
    if (!NT_SUCCESS(store_crypto_init())) {
        REASON("libsodium failed to initialize");
        return STATUS_UNSUCCESSFUL;
    }
    if (stat(path, &sb)) {
        REASON("%s: %s", path, strerror(errno));
        return STATUS_NO_SUCH_FILE;
    }
    if (S_ISDIR(sb.st_mode)) {
        DIR *d;
        struct dirent *e;
        unsigned n = 0;

        if (!realpath(path, pkg->dir) || !(d = opendir(pkg->dir))) {
            REASON("cannot read %s: %s", path, strerror(errno));
            return STATUS_ACCESS_DENIED;
        }
        while ((e = readdir(d)))
            if (ends_with_inf(e->d_name) && strlen(e->d_name) < sizeof(pkg->inf_name) &&
                n++ == 0)
                strcpy(pkg->inf_name, e->d_name);
        closedir(d);
        if (n != 1) {
            REASON(n ? "%s holds %u INF files: name the one to use" :
                       "%s holds no INF file", path, n);
            return STATUS_INVALID_PARAMETER;
        }
    } else {
        char tmp[4096];
        const char *slash;

        if (!ends_with_inf(path) || !realpath(path, tmp)) {
            REASON("%s is neither a package directory nor an INF file", path);
            return STATUS_INVALID_PARAMETER;
        }
        slash = strrchr(tmp, '/');
        if (strlen(slash + 1) >= sizeof(pkg->inf_name)) {
            REASON("INF name too long");
            return STATUS_NAME_TOO_LONG;
        }
        strcpy(pkg->inf_name, slash + 1);
        snprintf(pkg->dir, sizeof(pkg->dir), "%.*s", slash == tmp ? 1 : (int)(slash - tmp), tmp);
    }
    st = read_catalog_name(pkg, reason);
    if (!NT_SUCCESS(st))
        return st;
    dfd = open(pkg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        REASON("cannot open %s: %s", pkg->dir, strerror(errno));
        return STATUS_ACCESS_DENIED;
    }
    st = walk(pkg, dfd, "", 0, &cap, reason);
    close(dfd);
    if (!NT_SUCCESS(st)) {
        store_package_free(pkg);
        return st;
    }
    qsort(pkg->files, pkg->nfiles, sizeof(*pkg->files), file_cmp);
    return STATUS_SUCCESS;
}

/* ---- catalogs ------------------------------------------------------- */

/* The signed part of pkg's catalog for signer pk (malloc'd). */
static char *catalog_body(const struct store_package *pkg, const unsigned char pk[32])
{
    size_t cap = 256 + (size_t)pkg->nfiles * 80, len;
    char *b, pub[STORE_PK_TEXT];

    for (unsigned i = 0; i < pkg->nfiles; i++)
        cap += strlen(pkg->files[i].name);
    if (!(b = malloc(cap)))
        return NULL;
    store_pubkey_format(pk, pub);
    len = (size_t)snprintf(b, cap, STORE_CATALOG_MAGIC "\ninf %s\nsigner %s\n", pkg->inf_name,
                           pub);
    for (unsigned i = 0; i < pkg->nfiles; i++) {
        char h[65];
        store_hex(pkg->files[i].sha256, 32, h);
        len += (size_t)snprintf(b + len, cap - len, "file %s %s\n", h, pkg->files[i].name);
    }
    return b;
}

NTSTATUS store_catalog_sign(const struct store_package *pkg,
                            const unsigned char sk[STORE_SK_BYTES], char *reason)
{
    unsigned char sig[crypto_sign_BYTES];
    char sighex[2 * crypto_sign_BYTES + 1], tmp[4400], final[4400];
    char *body;
    int fd;
    size_t len;
    bool ok;

    if (!pkg->catalog_name[0]) {
        REASON("%s names no catalog (CatalogFile= in [Version])", pkg->inf_name);
        return STATUS_INVALID_PARAMETER;
    }
    if (!(body = catalog_body(pkg, sk + 32)))
        return STATUS_INSUFFICIENT_RESOURCES;
    len = strlen(body);
    crypto_sign_detached(sig, NULL, (const unsigned char *)body, len, sk);
    store_hex(sig, sizeof(sig), sighex);
    snprintf(final, sizeof(final), "%s/%s", pkg->dir, pkg->catalog_name);
    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp%d", pkg->dir, pkg->catalog_name, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        REASON("cannot write %s: %s", final, strerror(errno));
        free(body);
        return STATUS_ACCESS_DENIED;
    }
    ok = write(fd, body, len) == (ssize_t)len &&
         dprintf(fd, "signature ed25519:%s\n", sighex) > 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    free(body);
    if (!ok || rename(tmp, final)) {
        REASON("cannot write %s: %s", final, strerror(errno));
        unlink(tmp);
        return STATUS_UNEXPECTED_IO_ERROR;
    }
    return STATUS_SUCCESS;
}

NTSTATUS store_catalog_verify(const struct store_package *pkg, bool testsigning,
                              struct store_verdict *v, char *reason)
{
    char *text, *p, *sigline, *work = NULL, *end;
    size_t len;
    int dfd;
    unsigned char sig[crypto_sign_BYTES];
    unsigned nlisted = 0;
    NTSTATUS st = STATUS_INVALID_IMAGE_HASH;
    struct store_file *listed = NULL;

    memset(v, 0, sizeof(*v));
    if (!pkg->catalog_name[0]) {
        REASON("%s names no catalog (CatalogFile= in [Version]): the package is unsigned",
               pkg->inf_name);
        return STATUS_INVALID_IMAGE_HASH;
    }
    dfd = open(pkg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    text = dfd >= 0 ? slurp_at(dfd, pkg->catalog_name, CATALOG_MAX, &len) : NULL;
    if (dfd >= 0)
        close(dfd);
    if (!text) {
        REASON("catalog %s is missing: the package is unsigned", pkg->catalog_name);
        return STATUS_INVALID_IMAGE_HASH;
    }
    crypto_hash_sha256(v->catalog_sha256, (const unsigned char *)text, len);
    /* header */
    if (strlen(text) != len || strncmp(text, STORE_CATALOG_MAGIC "\n",
                                       sizeof(STORE_CATALOG_MAGIC))) {
        REASON("catalog %s is not an OpenDDK catalog", pkg->catalog_name);
        goto out;
    }
    sigline = strstr(text, "\nsignature ");
    if (!sigline) {
        REASON("catalog %s is not signed", pkg->catalog_name);
        goto out;
    }
    sigline++;
    if (strncmp(sigline, "signature ed25519:", 18) ||
        !unhex(sigline + 18, strcspn(sigline + 18, "\n"), sig, sizeof(sig)) ||
        strcmp(sigline + 18 + 2 * sizeof(sig), "\n")) {
        REASON("catalog %s: malformed signature line", pkg->catalog_name);
        goto out;
    }
    /* records between the header and the signature, parsed in a copy
     * (names point into it) so that the signed bytes stay as they are */
    bool have_inf = false, have_signer = false;
    listed = calloc(PKG_MAX_FILES, sizeof(*listed));
    work = strndup(text, (size_t)(sigline - text));
    if (!listed || !work) {
        st = STATUS_INSUFFICIENT_RESOURCES;
        goto out;
    }
    p = work + sizeof(STORE_CATALOG_MAGIC);
    end = work + (sigline - text);
    while (p < end) {
        char *nl = strchr(p, '\n');
        *nl = 0;
        if (!strncmp(p, "inf ", 4) && !have_inf) {
            have_inf = true;
            if (strcmp(p + 4, pkg->inf_name)) {
                REASON("catalog %s was made for %s, not %s", pkg->catalog_name, p + 4,
                       pkg->inf_name);
                goto out;
            }
        } else if (!strncmp(p, "signer ", 7) && !have_signer && parse_pub_text(p + 7, v->pk)) {
            have_signer = true;
        } else if (!strncmp(p, "file ", 5) && nlisted < PKG_MAX_FILES &&
                   unhex(p + 5, 64, listed[nlisted].sha256, 32) && p[69] == ' ' &&
                   name_ok(p + 70) &&
                   (nlisted == 0 || strcmp(listed[nlisted - 1].name, p + 70) < 0)) {
            listed[nlisted++].name = p + 70;
        } else {
            REASON("catalog %s: malformed record \"%.60s\"", pkg->catalog_name, p);
            goto out;
        }
        p = nl + 1;
    }
    if (!have_inf || !have_signer) {
        REASON("catalog %s: no %s record", pkg->catalog_name, have_inf ? "signer" : "inf");
        goto out;
    }
    if (crypto_sign_verify_detached(sig, (const unsigned char *)text,
                                    (unsigned long long)(sigline - text), v->pk)) {
        REASON("catalog %s: the signature does not verify (the catalog was altered)",
               pkg->catalog_name);
        goto out;
    }
    /* both lists are sorted by name: merge */
    for (unsigned i = 0, j = 0; i < nlisted || j < pkg->nfiles;) {
        int c = i == nlisted ? 1 : j == pkg->nfiles ? -1 :
                strcmp(listed[i].name, pkg->files[j].name);
        if (c < 0) {
            REASON("file %s listed in catalog %s is missing", listed[i].name, pkg->catalog_name);
            goto out;
        }
        if (c > 0) {
            REASON("file %s is not in catalog %s", pkg->files[j].name, pkg->catalog_name);
            goto out;
        }
        if (memcmp(listed[i].sha256, pkg->files[j].sha256, 32)) {
            REASON("hash mismatch: %s is not the file catalog %s signed", listed[i].name,
                   pkg->catalog_name);
            goto out;
        }
        i++, j++;
    }
    if (store_trust_is_trusted(v->pk)) {
        v->signer = STORE_SIGNER_TRUSTED;
    } else if (testsigning) {
        v->signer = STORE_SIGNER_TEST;
    } else {
        char pub[STORE_PK_TEXT];
        store_pubkey_format(v->pk, pub);
        REASON("catalog %s is signed by %s, which is not a trusted publisher "
               "(ddk trust add, or ddk config set testsigning on)", pkg->catalog_name, pub);
        goto out;
    }
    st = STATUS_SUCCESS;
out:
    free(listed);
    free(work);
    free(text);
    return st;
}
