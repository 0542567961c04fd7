/*
 * store.c - the registry's database: keys and values in LMDB.
 *
 * Design. Two LMDB environments hold the registry: the durable store at
 * ROOT/registry/ (default LMDB syncing: a committed transaction survives a
 * crash of the process or of the machine) and the volatile store at
 * ROOT/run/registry-volatile/ (MDB_NOSYNC; its files are deleted by the
 * first process that opens the registry, found with an exclusive flock on
 * ROOT/run/registry.lock, so volatile keys vanish on restart). Every key has
 * a 64-bit id that is never reused; bit 63 says which store holds it, so an
 * id alone locates the key, and a handle is just an id plus granted access:
 * a deleted key is simply an id that no longer resolves (STATUS_KEY_DELETED).
 * The durable store runs with MDB_NOMETASYNC: a commit syncs the data
 * pages but not the meta page, so a crash of the process loses nothing, a
 * crash of the machine may lose the last transaction(s) but never tears
 * one, and ZwFlushKey (reg_flush) syncs everything, as Windows' lazy
 * registry flusher and ZwFlushKey behave (one fdatasync per commit instead
 * of two). Each store has the same named databases:
 *   meta   "next_id" -> u64, "version" -> u32;
 *   key    id (8 bytes BE) -> record: parent id, last write time, flags
 *          (volatile, read-only), counts of subkeys/values in this store,
 *          high-water marks of name/class/data lengths, next value
 *          sequence number, then name (display case), class and SD blob;
 *   child  parent id + encoded name -> child id. The encoded name is the
 *          upcased name as big-endian UTF-16 (memcmp order = case-insensitive
 *          code-unit order), cut at 488 bytes and then followed by a 64-bit
 *          hash of the whole folded name (LMDB keys are at most 511 bytes);
 *   value  key id + encoded value name -> type, sequence, name, data;
 *   vorder key id + sequence (4 bytes BE) -> encoded value name, which
 *          gives values in creation order as Windows enumerates them;
 *   vaux   (volatile store only) durable parent id -> count, high-water
 *          marks and write time of its volatile children.
 * A child lives in its own store, so every create/delete/set touches one
 * store and a restart leaves no dangling entry in the durable one; a
 * durable key's subkeys are the merge of both stores' child ranges. Child
 * lookup is one B-tree get, enumeration by index is a range seek from the
 * last position (cached per open key and valid while the snapshot's txn id
 * is unchanged), counts are kept in the records: nothing scans a whole
 * database, nothing is quadratic in the number of keys. Write transactions
 * are always taken durable first, then volatile (one lock order). An
 * installer transaction (reg_txn_*) holds both write transactions and the
 * calls made on its thread run inside them; every call checks before it
 * changes anything, and one that fails after a change dooms the whole
 * transaction (LMDB nested transactions would undo single calls, but
 * allocate megabytes each). Max
 * name/class/data lengths are high-water marks: they do not shrink when the
 * longest entry goes (as on Windows, callers use them to size buffers).
 * Lock: reg_state.lock (rwlock) is held shared by every operation and
 * exclusively to open/close the environments.
 */
#define _GNU_SOURCE
#include "registry/regp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REG_DB_VERSION 1u
#define REG_ENC_NAME_MAX 488u
#define REG_ENC_MAX (8u + REG_ENC_NAME_MAX + 8u)

struct reg_store {
    MDB_env *env;
    MDB_dbi meta, key, child, value, vorder, vaux;
};

static struct {
    pthread_rwlock_t lock;
    bool open;                 /* guarded by lock */
    pid_t pid;                 /* process that opened the envs */
    char root[4096];           /* krnl_root() when opened */
    int lockfd;
    struct reg_store st[REG_NSTORES];
} reg_state = { .lock = PTHREAD_RWLOCK_INITIALIZER, .lockfd = -1 };

struct reg_txn {
    MDB_txn *txn[REG_NSTORES];
    const struct reg_caller *caller;
    NTSTATUS doomed;           /* first failure after a change, else success */
};
static __thread struct reg_txn *reg_tls_txn;
static __thread const struct reg_caller *reg_tls_caller;
static const struct reg_caller reg_kernel_caller = { REG_CALLER_KERNEL, "kernel" };

/* On-disk records (native endian: the database is local to the machine). */
struct reg_krec {
    uint64_t parent;
    int64_t last_write;
    uint32_t flags, subkeys, values, max_name, max_class, max_vname, max_vdata;
    uint32_t next_seq, name_len, class_len, sd_len, pad;
};
_Static_assert(sizeof(struct reg_krec) == 64, "key record layout");

struct reg_vrec {
    uint32_t type, seq, name_len, pad;
};

struct reg_vaux {
    uint32_t subkeys, max_name, max_class, pad;
    int64_t last_write;
};

/* ---- small helpers ---------------------------------------------------- */

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint32_t umax(uint32_t a, uint32_t b) { return a > b ? a : b; }

int64_t reg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 10000000 + ts.tv_nsec / 100 + 116444736000000000LL;
}

static NTSTATUS reg_mdb_status(int rc)
{
    switch (rc) {
    case MDB_SUCCESS: return STATUS_SUCCESS;
    case MDB_NOTFOUND: return STATUS_OBJECT_NAME_NOT_FOUND;
    case MDB_MAP_FULL: case MDB_TXN_FULL: case MDB_READERS_FULL: case ENOMEM:
        return STATUS_INSUFFICIENT_RESOURCES;
    case MDB_CORRUPTED: case MDB_PAGE_NOTFOUND: case MDB_INVALID: case MDB_VERSION_MISMATCH:
        return STATUS_REGISTRY_CORRUPT;
    case EIO: case ENOSPC: return STATUS_REGISTRY_IO_FAILED;
    case EACCES: return STATUS_ACCESS_DENIED;
    default:
        krnl_log(KRNL_LOG_ERROR, "registry: lmdb: %s", mdb_strerror(rc));
        return STATUS_REGISTRY_IO_FAILED;
    }
}

/* prefix + folded name, see the design note. Returns the length. */
static size_t reg_encode(uint8_t *out, uint64_t prefix, const WCHAR *name, size_t cch)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t n = 8;

    put_be64(out, prefix);
    for (size_t i = 0; i < cch; i++) {
        WCHAR u = rtl_upcase(name[i]);
        h = (h ^ (u & 0xff)) * 0x100000001b3ULL;
        h = (h ^ (u >> 8)) * 0x100000001b3ULL;
        if (2 * i + 2 <= REG_ENC_NAME_MAX) {
            out[n++] = (uint8_t)(u >> 8);
            out[n++] = (uint8_t)u;
        }
    }
    if (cch * 2 > REG_ENC_NAME_MAX) {
        put_be64(out + n, h);
        n += 8;
    }
    return n;
}

/* Case-insensitive equality of a stored (possibly unaligned) name. */
static bool reg_name_eq(const uint8_t *stored, size_t stored_bytes, const WCHAR *name, size_t cch)
{
    if (stored_bytes != cch * 2)
        return false;
    for (size_t i = 0; i < cch; i++) {
        WCHAR c;
        memcpy(&c, stored + 2 * i, 2);
        if (rtl_upcase(c) != rtl_upcase(name[i]))
            return false;
    }
    return true;
}

/* ---- environments ----------------------------------------------------- */

static int reg_mkdirs(const char *path)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0755) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(tmp, 0755) && errno != EEXIST)
        return -1;
    return 0;
}

static int reg_open_env(struct reg_store *s, const char *dir, unsigned flags, size_t mapsize)
{
    MDB_txn *txn;
    int rc;

    if ((rc = mdb_env_create(&s->env)))
        return rc;
    mdb_env_set_maxdbs(s->env, 8);
    mdb_env_set_mapsize(s->env, mapsize);
    mdb_env_set_maxreaders(s->env, 254);
    if ((rc = mdb_env_open(s->env, dir, flags | MDB_NOTLS, 0644)))
        goto fail;
    if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)))
        goto fail;
    if ((rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &s->meta)) ||
        (rc = mdb_dbi_open(txn, "key", MDB_CREATE, &s->key)) ||
        (rc = mdb_dbi_open(txn, "child", MDB_CREATE, &s->child)) ||
        (rc = mdb_dbi_open(txn, "value", MDB_CREATE, &s->value)) ||
        (rc = mdb_dbi_open(txn, "vorder", MDB_CREATE, &s->vorder)) ||
        (rc = mdb_dbi_open(txn, "vaux", MDB_CREATE, &s->vaux))) {
        mdb_txn_abort(txn);
        goto fail;
    }
    if ((rc = mdb_txn_commit(txn)))
        goto fail;
    return 0;
fail:
    mdb_env_close(s->env);
    s->env = NULL;
    return rc;
}

/* Puts a root-level key record with a fixed id if absent. */
static int reg_put_fixed_key(struct reg_store *s, MDB_txn *txn, uint64_t id, uint64_t parent,
                             const char *name)
{
    uint8_t kb[8], buf[sizeof(struct reg_krec) + 64];
    struct reg_krec r = { 0 };
    MDB_val k = { 8, kb }, v;
    size_t n = strlen(name);

    put_be64(kb, id);
    if (mdb_get(txn, s->key, &k, &v) == 0)
        return 0;
    r.parent = parent;
    r.last_write = reg_now();
    r.name_len = (uint32_t)(2 * n);
    memcpy(buf, &r, sizeof(r));
    for (size_t i = 0; i < n; i++) {
        WCHAR c = (WCHAR)name[i];
        memcpy(buf + sizeof(r) + 2 * i, &c, 2);
    }
    v.mv_size = sizeof(r) + 2 * n;
    v.mv_data = buf;
    return mdb_put(txn, s->key, &k, &v, 0);
}

static int reg_init_durable(struct reg_store *s)
{
    MDB_txn *txn;
    MDB_val k = { 7, "version" }, v;
    uint32_t ver = REG_DB_VERSION;
    int rc;

    if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)))
        return rc;
    rc = mdb_get(txn, s->meta, &k, &v);
    if (rc == 0 && (v.mv_size != 4 || memcmp(v.mv_data, &ver, 4))) {
        krnl_log(KRNL_LOG_ERROR, "registry: database version mismatch");
        mdb_txn_abort(txn);
        return MDB_VERSION_MISMATCH;
    }
    if (rc == MDB_NOTFOUND) {
        uint64_t next = REG_ID_FIRST_FREE;
        MDB_val nk = { 7, "next_id" }, nv = { 8, &next };
        v.mv_size = 4;
        v.mv_data = &ver;
        if ((rc = mdb_put(txn, s->meta, &k, &v, 0)) || (rc = mdb_put(txn, s->meta, &nk, &nv, 0)))
            goto out;
    }
    rc = reg_put_fixed_key(s, txn, REG_ID_REGISTRY, REG_ID_NONE, "REGISTRY");
    if (!rc)
        rc = reg_put_fixed_key(s, txn, REG_ID_MACHINE, REG_ID_REGISTRY, "MACHINE");
    if (!rc)
        rc = reg_put_fixed_key(s, txn, REG_ID_USER, REG_ID_REGISTRY, "USER");
    /* The children entries and counts of the three fixed keys. */
    if (!rc) {
        static const struct { uint64_t parent, id; const char *name; } links[] = {
            { REG_ID_REGISTRY, REG_ID_MACHINE, "MACHINE" },
            { REG_ID_REGISTRY, REG_ID_USER, "USER" },
        };
        for (size_t i = 0; i < 2 && !rc; i++) {
            WCHAR w[16];
            uint8_t kb[REG_ENC_MAX], idb[8];
            size_t n = strlen(links[i].name);
            for (size_t j = 0; j < n; j++)
                w[j] = (WCHAR)links[i].name[j];
            MDB_val ck = { reg_encode(kb, links[i].parent, w, n), kb }, cv = { 8, idb };
            put_be64(idb, links[i].id);
            rc = mdb_put(txn, s->child, &ck, &cv, MDB_NOOVERWRITE);
            if (rc == MDB_KEYEXIST) {
                rc = 0;
                continue;
            }
            if (!rc) {
                uint8_t pk[8];
                MDB_val pkv = { 8, pk }, pv;
                put_be64(pk, links[i].parent);
                rc = mdb_get(txn, s->key, &pkv, &pv);
                if (!rc) {
                    uint8_t buf[256];
                    struct reg_krec r;
                    memcpy(buf, pv.mv_data, pv.mv_size);
                    memcpy(&r, buf, sizeof(r));
                    r.subkeys++;
                    r.max_name = umax(r.max_name, (uint32_t)(2 * n));
                    memcpy(buf, &r, sizeof(r));
                    pv.mv_data = buf;
                    rc = mdb_put(txn, s->key, &pkv, &pv, 0);
                }
            }
        }
    }
out:
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    return mdb_txn_commit(txn);
}

static int reg_init_volatile(struct reg_store *s)
{
    MDB_txn *txn;
    MDB_val k = { 7, "next_id" }, v;
    int rc;

    if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)))
        return rc;
    rc = mdb_get(txn, s->meta, &k, &v);
    if (rc == MDB_NOTFOUND) {
        /* Seeded from the clock so that ids differ from one boot to the
         * next: a stale reference can never name a new volatile key. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t next = REG_VOLATILE_BIT |
                        (((uint64_t)ts.tv_sec << 24) ^ ((uint64_t)ts.tv_nsec >> 6)) << 8;
        v.mv_size = 8;
        v.mv_data = &next;
        rc = mdb_put(txn, s->meta, &k, &v, 0);
    }
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    return mdb_txn_commit(txn);
}

static void reg_close_locked(void)
{
    if (!reg_state.open)
        return;
    if (reg_state.pid == getpid()) {
        for (int i = 0; i < REG_NSTORES; i++)
            if (reg_state.st[i].env)
                mdb_env_close(reg_state.st[i].env);
        if (reg_state.lockfd >= 0)
            close(reg_state.lockfd);
    }
    /* In a forked child the parent's environments must not be touched
     * (LMDB forbids it): they are forgotten, not closed. */
    memset(reg_state.st, 0, sizeof(reg_state.st));
    reg_state.lockfd = -1;
    reg_state.open = false;
}

static NTSTATUS reg_standard_keys(void);

static NTSTATUS reg_open_locked(void)
{
    const char *root = krnl_root();
    char dur[4200], vol[4200], lockp[4200], f[4300];
    int rc;
    bool first;

    snprintf(dur, sizeof(dur), "%s/registry", root);
    snprintf(vol, sizeof(vol), "%s/run/registry-volatile", root);
    snprintf(lockp, sizeof(lockp), "%s/run/registry.lock", root);
    if (reg_mkdirs(dur) || reg_mkdirs(vol)) {
        krnl_log(KRNL_LOG_ERROR, "registry: cannot create %s: %s", dur, strerror(errno));
        return STATUS_REGISTRY_IO_FAILED;
    }
    reg_state.lockfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (reg_state.lockfd < 0)
        return STATUS_REGISTRY_IO_FAILED;
    first = flock(reg_state.lockfd, LOCK_EX | LOCK_NB) == 0;
    if (first) {
        snprintf(f, sizeof(f), "%s/data.mdb", vol);
        unlink(f);
        snprintf(f, sizeof(f), "%s/lock.mdb", vol);
        unlink(f);
    }
    if ((rc = reg_open_env(&reg_state.st[REG_DURABLE], dur, MDB_NOMETASYNC, (size_t)1 << 32)) ||
        (rc = reg_init_durable(&reg_state.st[REG_DURABLE])) ||
        (rc = reg_open_env(&reg_state.st[REG_VOLATILE], vol, MDB_NOSYNC | MDB_NOMETASYNC,
                           (size_t)1 << 30)) ||
        (rc = reg_init_volatile(&reg_state.st[REG_VOLATILE]))) {
        krnl_log(KRNL_LOG_ERROR, "registry: cannot open the store under %s: %s", root,
                 mdb_strerror(rc));
        reg_state.pid = getpid();
        reg_state.open = true;
        reg_close_locked();
        return reg_mdb_status(rc);
    }
    reg_state.pid = getpid();
    snprintf(reg_state.root, sizeof(reg_state.root), "%s", root);
    reg_state.open = true;
    NTSTATUS st = reg_standard_keys();
    /* First opener: let others in now that the volatile store is fresh. */
    flock(reg_state.lockfd, LOCK_SH);
    if (!NT_SUCCESS(st))
        reg_close_locked();
    return st;
}

static bool reg_usable(void)
{
    return reg_state.open && reg_state.pid == getpid() &&
           strcmp(reg_state.root, krnl_root()) == 0;
}

NTSTATUS reg_init(void)
{
    NTSTATUS st = STATUS_SUCCESS;

    pthread_rwlock_rdlock(&reg_state.lock);
    if (reg_usable()) {
        pthread_rwlock_unlock(&reg_state.lock);
        return STATUS_SUCCESS;
    }
    pthread_rwlock_unlock(&reg_state.lock);
    pthread_rwlock_wrlock(&reg_state.lock);
    if (!reg_usable()) {
        reg_close_locked();
        st = reg_open_locked();
    }
    pthread_rwlock_unlock(&reg_state.lock);
    return st;
}

NTSTATUS reg_flush(void)
{
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = reg_init()))
        return st;
    pthread_rwlock_rdlock(&reg_state.lock);
    rc = reg_usable() ? mdb_env_sync(reg_state.st[REG_DURABLE].env, 1) : 0;
    pthread_rwlock_unlock(&reg_state.lock);
    return reg_mdb_status(rc);
}

void reg_shutdown(void)
{
    pthread_rwlock_wrlock(&reg_state.lock);
    reg_close_locked();
    pthread_rwlock_unlock(&reg_state.lock);
}

/* ---- operation contexts and installer transactions -------------------- */

void reg_set_thread_caller(const struct reg_caller *caller) { reg_tls_caller = caller; }

const struct reg_caller *reg_thread_caller(void)
{
    return reg_tls_caller ? reg_tls_caller : &reg_kernel_caller;
}

static NTSTATUS reg_ctx_begin_locked(struct reg_ctx *cx, bool write)
{
    memset(cx, 0, sizeof(*cx));
    cx->write = write;
    cx->in_outer = reg_tls_txn != NULL;
    cx->caller = cx->in_outer && reg_tls_txn->caller ? reg_tls_txn->caller : reg_thread_caller();
    if (cx->in_outer)
        cx->write = true;
    return STATUS_SUCCESS;
}

NTSTATUS reg_ctx_begin(struct reg_ctx *cx, bool write)
{
    NTSTATUS st;

    if (reg_tls_txn)        /* the outer transaction holds the lock */
        return reg_ctx_begin_locked(cx, write);
    for (;;) {
        if (!NT_SUCCESS(st = reg_init()))
            return st;
        pthread_rwlock_rdlock(&reg_state.lock);
        if (reg_usable())
            break;
        pthread_rwlock_unlock(&reg_state.lock);
    }
    return reg_ctx_begin_locked(cx, write);
}

NTSTATUS reg_ctx_txn(struct reg_ctx *cx, int store, MDB_txn **out)
{
    int rc;

    if (!cx->txn[store]) {
        /* Lock order: durable before volatile. */
        if (cx->write && store == REG_VOLATILE && !cx->txn[REG_DURABLE]) {
            MDB_txn *t;
            NTSTATUS st = reg_ctx_txn(cx, REG_DURABLE, &t);
            if (!NT_SUCCESS(st))
                return st;
        }
        if (cx->in_outer) {
            /* The installer's transaction itself, not a nested one: LMDB
             * allocates megabytes of page lists per nested transaction. */
            *out = reg_tls_txn->txn[store];
            return STATUS_SUCCESS;
        }
        rc = mdb_txn_begin(reg_state.st[store].env, NULL, cx->write ? 0 : MDB_RDONLY,
                           &cx->txn[store]);
        if (rc) {
            cx->txn[store] = NULL;
            return reg_mdb_status(rc);
        }
    }
    *out = cx->txn[store];
    return STATUS_SUCCESS;
}

NTSTATUS reg_ctx_end(struct reg_ctx *cx, NTSTATUS st)
{
    bool commit = cx->write && NT_SUCCESS(st);

    if (cx->in_outer) {
        /* Operations check before they change anything, so a failure
         * normally leaves the installer's transaction untouched. One that
         * failed after a change (an I/O error, a read-only key deep in a
         * tree being deleted) cannot be undone alone: the whole
         * transaction is doomed and its commit fails with this status. */
        if (!NT_SUCCESS(st) && cx->wrote && NT_SUCCESS(reg_tls_txn->doomed))
            reg_tls_txn->doomed = st;
        return st;
    }

    /* Volatile first on commit: if the durable commit then fails, the only
     * loss is in the store that does not survive a restart anyway. */
    for (int i = REG_NSTORES - 1; i >= 0; i--) {
        if (!cx->txn[i])
            continue;
        if (commit) {
            int rc = mdb_txn_commit(cx->txn[i]);
            if (rc) {
                st = reg_mdb_status(rc);
                commit = false;
            }
        } else {
            mdb_txn_abort(cx->txn[i]);
        }
        cx->txn[i] = NULL;
    }
    if (!cx->in_outer)
        pthread_rwlock_unlock(&reg_state.lock);
    return st;
}

NTSTATUS reg_txn_begin(const struct reg_caller *c, struct reg_txn **out)
{
    struct reg_txn *t;
    NTSTATUS st;
    int rc;

    if (!out)
        return STATUS_INVALID_PARAMETER;
    if (reg_tls_txn)
        return STATUS_INVALID_DEVICE_STATE;
    t = calloc(1, sizeof(*t));
    if (!t)
        return STATUS_INSUFFICIENT_RESOURCES;
    t->caller = c;
    for (;;) {
        if (!NT_SUCCESS(st = reg_init())) {
            free(t);
            return st;
        }
        pthread_rwlock_rdlock(&reg_state.lock);
        if (reg_usable())
            break;
        pthread_rwlock_unlock(&reg_state.lock);
    }
    for (int i = 0; i < REG_NSTORES; i++) {
        rc = mdb_txn_begin(reg_state.st[i].env, NULL, 0, &t->txn[i]);
        if (rc) {
            if (i)
                mdb_txn_abort(t->txn[0]);
            pthread_rwlock_unlock(&reg_state.lock);
            free(t);
            return reg_mdb_status(rc);
        }
    }
    reg_tls_txn = t;
    *out = t;
    return STATUS_SUCCESS;
}

NTSTATUS reg_txn_commit(struct reg_txn *t)
{
    NTSTATUS st = STATUS_SUCCESS;
    int rc;

    if (!t || t != reg_tls_txn)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(t->doomed)) {
        st = t->doomed;
        reg_txn_abort(t);
        return st;
    }
    /* Durable first here: the installer's changes are what must hold; a
     * failure there aborts the volatile half too. */
    rc = mdb_txn_commit(t->txn[REG_DURABLE]);
    if (rc) {
        st = reg_mdb_status(rc);
        mdb_txn_abort(t->txn[REG_VOLATILE]);
    } else if ((rc = mdb_txn_commit(t->txn[REG_VOLATILE]))) {
        st = reg_mdb_status(rc);
    }
    reg_tls_txn = NULL;
    pthread_rwlock_unlock(&reg_state.lock);
    free(t);
    return st;
}

void reg_txn_abort(struct reg_txn *t)
{
    if (!t || t != reg_tls_txn)
        return;
    mdb_txn_abort(t->txn[REG_VOLATILE]);
    mdb_txn_abort(t->txn[REG_DURABLE]);
    reg_tls_txn = NULL;
    pthread_rwlock_unlock(&reg_state.lock);
    free(t);
}

/* ---- key records ------------------------------------------------------ */

/* Every change goes through these, so that an operation that fails after
 * changing something inside an installer transaction is known (the
 * transaction is then doomed: see reg_ctx_end). */
static int cx_put(struct reg_ctx *cx, MDB_txn *txn, MDB_dbi dbi, MDB_val *k, MDB_val *v,
                  unsigned flags)
{
    cx->wrote = true;
    return mdb_put(txn, dbi, k, v, flags);
}

static int cx_del(struct reg_ctx *cx, MDB_txn *txn, MDB_dbi dbi, MDB_val *k, MDB_val *v)
{
    cx->wrote = true;
    return mdb_del(txn, dbi, k, v);
}

struct reg_krec_buf {
    struct reg_krec r;
    uint8_t *tail;             /* name, class, sd as stored */
    size_t tail_len;
};

static NTSTATUS krec_get(struct reg_ctx *cx, uint64_t id, struct reg_krec_buf *b)
{
    int s = reg_store_of(id);
    MDB_txn *txn;
    uint8_t kb[8];
    MDB_val k = { 8, kb }, v;
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    put_be64(kb, id);
    rc = mdb_get(txn, reg_state.st[s].key, &k, &v);
    if (rc == MDB_NOTFOUND)
        return STATUS_KEY_DELETED;
    if (rc)
        return reg_mdb_status(rc);
    if (v.mv_size < sizeof(struct reg_krec))
        return STATUS_REGISTRY_CORRUPT;
    memcpy(&b->r, v.mv_data, sizeof(b->r));
    b->tail_len = v.mv_size - sizeof(b->r);
    b->tail = (uint8_t *)v.mv_data + sizeof(b->r);
    if ((size_t)b->r.name_len + b->r.class_len + b->r.sd_len != b->tail_len)
        return STATUS_REGISTRY_CORRUPT;
    return STATUS_SUCCESS;
}

/* Writes a record: header from b->r, tail (name, class, sd) from the
 * given pieces. */
static NTSTATUS krec_put3(struct reg_ctx *cx, uint64_t id, struct reg_krec *r,
                          const void *name, const void *cls, const void *sd)
{
    int s = reg_store_of(id);
    MDB_txn *txn;
    uint8_t kb[8];
    size_t len = sizeof(*r) + r->name_len + r->class_len + r->sd_len;
    MDB_val k = { 8, kb }, v = { len, NULL };
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    put_be64(kb, id);
    rc = cx_put(cx, txn, reg_state.st[s].key, &k, &v, MDB_RESERVE);
    if (rc)
        return reg_mdb_status(rc);
    uint8_t *p = v.mv_data;
    memcpy(p, r, sizeof(*r));
    p += sizeof(*r);
    /* The pieces may point into the old record, which MDB_RESERVE may have
     * replaced: callers pass copies (krec_update does). */
    if (r->name_len)
        memcpy(p, name, r->name_len);
    p += r->name_len;
    if (r->class_len)
        memcpy(p, cls, r->class_len);
    p += r->class_len;
    if (r->sd_len)
        memcpy(p, sd, r->sd_len);
    return STATUS_SUCCESS;
}

/* Rewrites a record whose header changed (tail unchanged). */
static NTSTATUS krec_update(struct reg_ctx *cx, uint64_t id, struct reg_krec_buf *b)
{
    uint8_t stackbuf[1024];
    uint8_t *copy = b->tail_len <= sizeof(stackbuf) ? stackbuf : malloc(b->tail_len);
    NTSTATUS st;

    if (!copy)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(copy, b->tail, b->tail_len);
    st = krec_put3(cx, id, &b->r, copy, copy + b->r.name_len,
                   copy + b->r.name_len + b->r.class_len);
    if (copy != stackbuf)
        free(copy);
    return st;
}

static NTSTATUS vaux_get(struct reg_ctx *cx, uint64_t parent, struct reg_vaux *a)
{
    MDB_txn *txn;
    uint8_t kb[8];
    MDB_val k = { 8, kb }, v;
    NTSTATUS st;
    int rc;

    memset(a, 0, sizeof(*a));
    if (!NT_SUCCESS(st = reg_ctx_txn(cx, REG_VOLATILE, &txn)))
        return st;
    put_be64(kb, parent);
    rc = mdb_get(txn, reg_state.st[REG_VOLATILE].vaux, &k, &v);
    if (rc == MDB_NOTFOUND)
        return STATUS_SUCCESS;
    if (rc)
        return reg_mdb_status(rc);
    if (v.mv_size != sizeof(*a))
        return STATUS_REGISTRY_CORRUPT;
    memcpy(a, v.mv_data, sizeof(*a));
    return STATUS_SUCCESS;
}

static NTSTATUS vaux_put(struct reg_ctx *cx, uint64_t parent, const struct reg_vaux *a)
{
    MDB_txn *txn;
    uint8_t kb[8];
    MDB_val k = { 8, kb }, v = { sizeof(*a), (void *)a };
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = reg_ctx_txn(cx, REG_VOLATILE, &txn)))
        return st;
    put_be64(kb, parent);
    if (a->subkeys == 0)
        rc = cx_del(cx, txn, reg_state.st[REG_VOLATILE].vaux, &k, NULL);
    else
        rc = cx_put(cx, txn, reg_state.st[REG_VOLATILE].vaux, &k, &v, 0);
    if (rc == MDB_NOTFOUND)
        rc = 0;
    return reg_mdb_status(rc);
}

NTSTATUS reg_st_get_key(struct reg_ctx *cx, uint64_t id, struct reg_keyinfo **out)
{
    struct reg_krec_buf b;
    struct reg_keyinfo *ki;
    NTSTATUS st;

    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    ki = malloc(sizeof(*ki) + b.tail_len + 2);
    if (!ki)
        return STATUS_INSUFFICIENT_RESOURCES;
    uint8_t *tail = (uint8_t *)(ki + 1);
    memcpy(tail, b.tail, b.tail_len);
    ki->id = id;
    ki->parent = b.r.parent;
    ki->last_write = b.r.last_write;
    ki->flags = b.r.flags;
    ki->subkeys = b.r.subkeys;
    ki->values = b.r.values;
    ki->max_name = b.r.max_name;
    ki->max_class = b.r.max_class;
    ki->max_vname = b.r.max_vname;
    ki->max_vdata = b.r.max_vdata;
    ki->name_len = b.r.name_len;
    ki->class_len = b.r.class_len;
    ki->sd_len = b.r.sd_len;
    ki->name = (const WCHAR *)tail;
    ki->class_name = (const WCHAR *)(tail + b.r.name_len);
    ki->sd = tail + b.r.name_len + b.r.class_len;
    if (reg_store_of(id) == REG_DURABLE) {
        struct reg_vaux a;
        if (!NT_SUCCESS(st = vaux_get(cx, id, &a))) {
            free(ki);
            return st;
        }
        ki->subkeys += a.subkeys;
        ki->max_name = umax(ki->max_name, a.max_name);
        ki->max_class = umax(ki->max_class, a.max_class);
        if (a.last_write > ki->last_write)
            ki->last_write = a.last_write;
    }
    *out = ki;
    return STATUS_SUCCESS;
}

static NTSTATUS reg_next_id(struct reg_ctx *cx, int s, uint64_t *id)
{
    MDB_txn *txn;
    MDB_val k = { 7, "next_id" }, v;
    uint64_t next;
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    if ((rc = mdb_get(txn, reg_state.st[s].meta, &k, &v)))
        return reg_mdb_status(rc);
    if (v.mv_size != 8)
        return STATUS_REGISTRY_CORRUPT;
    memcpy(&next, v.mv_data, 8);
    *id = next++;
    v.mv_data = &next;
    v.mv_size = 8;
    return reg_mdb_status(cx_put(cx, txn, reg_state.st[s].meta, &k, &v, 0));
}

static NTSTATUS child_get(struct reg_ctx *cx, int s, uint64_t parent, const WCHAR *name,
                          size_t cch, uint64_t *child)
{
    uint8_t kb[REG_ENC_MAX];
    MDB_val k = { reg_encode(kb, parent, name, cch), kb }, v;
    MDB_txn *txn;
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    rc = mdb_get(txn, reg_state.st[s].child, &k, &v);
    if (rc)
        return reg_mdb_status(rc);
    if (v.mv_size != 8)
        return STATUS_REGISTRY_CORRUPT;
    *child = get_be64(v.mv_data);
    return STATUS_SUCCESS;
}

NTSTATUS reg_st_lookup(struct reg_ctx *cx, uint64_t parent, const WCHAR *name, size_t cch,
                       uint64_t *child)
{
    NTSTATUS st;

    if (reg_store_of(parent) == REG_DURABLE) {
        st = child_get(cx, REG_DURABLE, parent, name, cch, child);
        if (st != STATUS_OBJECT_NAME_NOT_FOUND)
            return st;
    }
    return child_get(cx, REG_VOLATILE, parent, name, cch, child);
}

NTSTATUS reg_st_create(struct reg_ctx *cx, uint64_t parent, const WCHAR *name, size_t cch,
                       const WCHAR *cls, size_t cls_cch, const void *sd, ULONG sd_len,
                       ULONG options, uint64_t *out_id, ULONG *disposition)
{
    struct reg_krec_buf pb;
    struct reg_krec r = { 0 };
    bool vol = (options & REG_OPTION_VOLATILE) != 0;
    int s = vol ? REG_VOLATILE : REG_DURABLE;
    uint64_t id;
    NTSTATUS st;
    int rc;

    st = reg_st_lookup(cx, parent, name, cch, &id);
    if (NT_SUCCESS(st)) {
        *out_id = id;
        if (disposition)
            *disposition = REG_OPENED_EXISTING_KEY;
        return STATUS_SUCCESS;
    }
    if (st != STATUS_OBJECT_NAME_NOT_FOUND)
        return st;
    if (!NT_SUCCESS(st = krec_get(cx, parent, &pb)))
        return st;
    if ((pb.r.flags & REG_KF_VOLATILE) && !vol)
        return STATUS_CHILD_MUST_BE_VOLATILE;
    if (!NT_SUCCESS(st = reg_check_writable(cx, parent)))
        return st;
    if (!NT_SUCCESS(st = krec_get(cx, parent, &pb)))   /* reload: pointer may be stale */
        return st;
    if (!NT_SUCCESS(st = reg_next_id(cx, s, &id)))
        return st;

    /* Parent bookkeeping: in the parent's record when it shares the new
     * key's store, in the volatile store's vaux otherwise. */
    int64_t now = reg_now();
    if (reg_store_of(parent) == s) {
        if (!NT_SUCCESS(st = krec_get(cx, parent, &pb)))
            return st;
        pb.r.subkeys++;
        pb.r.max_name = umax(pb.r.max_name, (uint32_t)(2 * cch));
        pb.r.max_class = umax(pb.r.max_class, (uint32_t)(2 * cls_cch));
        pb.r.last_write = now;
        if (!NT_SUCCESS(st = krec_update(cx, parent, &pb)))
            return st;
    } else {
        struct reg_vaux a;
        if (!NT_SUCCESS(st = vaux_get(cx, parent, &a)))
            return st;
        a.subkeys++;
        a.max_name = umax(a.max_name, (uint32_t)(2 * cch));
        a.max_class = umax(a.max_class, (uint32_t)(2 * cls_cch));
        a.last_write = now;
        if (!NT_SUCCESS(st = vaux_put(cx, parent, &a)))
            return st;
    }

    r.parent = parent;
    r.last_write = now;
    r.flags = vol ? REG_KF_VOLATILE : 0;
    r.name_len = (uint32_t)(2 * cch);
    r.class_len = (uint32_t)(2 * cls_cch);
    r.sd_len = sd ? sd_len : 0;
    if (!NT_SUCCESS(st = krec_put3(cx, id, &r, name, cls, sd)))
        return st;

    uint8_t kb[REG_ENC_MAX], idb[8];
    MDB_val ck = { reg_encode(kb, parent, name, cch), kb }, cv = { 8, idb };
    MDB_txn *txn;
    put_be64(idb, id);
    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    rc = cx_put(cx, txn, reg_state.st[s].child, &ck, &cv, MDB_NOOVERWRITE);
    if (rc)
        return rc == MDB_KEYEXIST ? STATUS_OBJECT_NAME_COLLISION : reg_mdb_status(rc);
    *out_id = id;
    if (disposition)
        *disposition = REG_CREATED_NEW_KEY;
    return STATUS_SUCCESS;
}

/* Deletes every entry of dbi whose key starts with the 8-byte prefix. */
static NTSTATUS del_prefix(struct reg_ctx *cx, MDB_txn *txn, MDB_dbi dbi, uint64_t prefix)
{
    uint8_t kb[8];
    MDB_val k = { 8, kb }, v;
    MDB_cursor *c;
    int rc;

    cx->wrote = true;
    if ((rc = mdb_cursor_open(txn, dbi, &c)))
        return reg_mdb_status(rc);
    /* Re-seek after every delete: simple and O(log n) per entry. */
    for (;;) {
        put_be64(kb, prefix);
        k.mv_size = 8;
        k.mv_data = kb;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
        if (rc)
            break;
        if (k.mv_size < 8 || get_be64(k.mv_data) != prefix) {
            rc = MDB_NOTFOUND;
            break;
        }
        if ((rc = mdb_cursor_del(c, 0)))
            break;
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? STATUS_SUCCESS : reg_mdb_status(rc);
}

NTSTATUS reg_st_delete(struct reg_ctx *cx, uint64_t id)
{
    struct reg_keyinfo *ki;
    struct reg_krec_buf pb;
    int s = reg_store_of(id);
    MDB_txn *txn;
    NTSTATUS st;
    int rc;

    if (id == REG_ID_REGISTRY || id == REG_ID_MACHINE || id == REG_ID_USER)
        return STATUS_CANNOT_DELETE;
    if (!NT_SUCCESS(st = reg_st_get_key(cx, id, &ki)))
        return st;
    uint64_t parent = ki->parent;
    bool has_children = ki->subkeys != 0;
    WCHAR *name = rtl_wcsndup(ki->name, ki->name_len / 2);
    size_t cch = ki->name_len / 2;
    free(ki);
    if (!name)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (has_children) {
        st = STATUS_CANNOT_DELETE;
        goto out;
    }
    if (!NT_SUCCESS(st = reg_check_writable(cx, id)))
        goto out;
    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        goto out;
    uint8_t kb[REG_ENC_MAX];
    MDB_val k = { reg_encode(kb, parent, name, cch), kb };
    if ((rc = cx_del(cx, txn, reg_state.st[s].child, &k, NULL))) {
        st = reg_mdb_status(rc);
        goto out;
    }
    put_be64(kb, id);
    k.mv_size = 8;
    if ((rc = cx_del(cx, txn, reg_state.st[s].key, &k, NULL))) {
        st = reg_mdb_status(rc);
        goto out;
    }
    if (!NT_SUCCESS(st = del_prefix(cx, txn, reg_state.st[s].value, id)) ||
        !NT_SUCCESS(st = del_prefix(cx, txn, reg_state.st[s].vorder, id)))
        goto out;
    if (reg_store_of(parent) == s) {
        if (!NT_SUCCESS(st = krec_get(cx, parent, &pb)))
            goto out;
        if (pb.r.subkeys)
            pb.r.subkeys--;
        pb.r.last_write = reg_now();
        st = krec_update(cx, parent, &pb);
    } else {
        struct reg_vaux a;
        if (NT_SUCCESS(st = vaux_get(cx, parent, &a))) {
            if (a.subkeys)
                a.subkeys--;
            a.last_write = reg_now();
            st = vaux_put(cx, parent, &a);
        }
    }
out:
    free(name);
    return st;
}

NTSTATUS reg_st_rename(struct reg_ctx *cx, uint64_t id, const WCHAR *name, size_t cch)
{
    struct reg_krec_buf b;
    int s = reg_store_of(id);
    uint64_t other;
    MDB_txn *txn;
    NTSTATUS st;
    int rc;

    if (id == REG_ID_REGISTRY || id == REG_ID_MACHINE || id == REG_ID_USER)
        return STATUS_ACCESS_DENIED;
    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    uint64_t parent = b.r.parent;
    if (!NT_SUCCESS(st = reg_check_writable(cx, id)) ||
        !NT_SUCCESS(st = reg_check_writable(cx, parent)))
        return st;
    /* A sibling of that name already: refused (as Windows does, with this
     * status). The key's own name in another case is a plain rename. */
    st = reg_st_lookup(cx, parent, name, cch, &other);
    if (NT_SUCCESS(st) && other != id)
        return STATUS_CANNOT_DELETE;
    if (!NT_SUCCESS(st) && st != STATUS_OBJECT_NAME_NOT_FOUND)
        return st;
    /* Children refer to the key by id: only its own name moves. */
    if (!NT_SUCCESS(st = krec_get(cx, id, &b)) || !NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    uint8_t kb[REG_ENC_MAX], idb[8];
    WCHAR *old = malloc(b.r.name_len + 2);
    if (!old)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(old, b.tail, b.r.name_len);
    MDB_val k = { reg_encode(kb, parent, old, b.r.name_len / 2), kb };
    free(old);
    if ((rc = cx_del(cx, txn, reg_state.st[s].child, &k, NULL)))
        return reg_mdb_status(rc);
    k.mv_size = reg_encode(kb, parent, name, cch);
    MDB_val v = { 8, idb };
    put_be64(idb, id);
    if ((rc = cx_put(cx, txn, reg_state.st[s].child, &k, &v, MDB_NOOVERWRITE)))
        return reg_mdb_status(rc);
    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    uint8_t *copy = malloc(b.tail_len + 1);
    if (!copy)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(copy, b.tail, b.tail_len);
    struct reg_krec r = b.r;
    r.name_len = (uint32_t)(2 * cch);
    r.last_write = reg_now();
    st = krec_put3(cx, id, &r, name, copy + b.r.name_len, copy + b.r.name_len + b.r.class_len);
    free(copy);
    if (!NT_SUCCESS(st))
        return st;
    /* The parent's high-water mark of name lengths. */
    if (reg_store_of(parent) == s) {
        struct reg_krec_buf pb;
        if (!NT_SUCCESS(st = krec_get(cx, parent, &pb)))
            return st;
        pb.r.max_name = umax(pb.r.max_name, (uint32_t)(2 * cch));
        pb.r.last_write = reg_now();
        return krec_update(cx, parent, &pb);
    } else {
        struct reg_vaux a;
        if (!NT_SUCCESS(st = vaux_get(cx, parent, &a)))
            return st;
        a.max_name = umax(a.max_name, (uint32_t)(2 * cch));
        a.last_write = reg_now();
        return vaux_put(cx, parent, &a);
    }
}

NTSTATUS reg_st_readonly(struct reg_ctx *cx, uint64_t id, bool *ro)
{
    struct reg_krec_buf b;
    NTSTATUS st;

    *ro = false;
    for (int depth = 0; id != REG_ID_NONE && depth < 512; depth++) {
        if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
            return st;
        if (b.r.flags & REG_KF_READONLY) {
            *ro = true;
            return STATUS_SUCCESS;
        }
        id = b.r.parent;
    }
    return STATUS_SUCCESS;
}

NTSTATUS reg_check_writable(struct reg_ctx *cx, uint64_t id)
{
    bool ro;
    NTSTATUS st;

    if (cx->caller && cx->caller->kind == REG_CALLER_INSTALLER)
        return STATUS_SUCCESS;
    if (!NT_SUCCESS(st = reg_st_readonly(cx, id, &ro)))
        return st;
    return ro ? STATUS_ACCESS_DENIED : STATUS_SUCCESS;
}

NTSTATUS reg_st_set_flags(struct reg_ctx *cx, uint64_t id, uint32_t set, uint32_t clear)
{
    struct reg_krec_buf b;
    NTSTATUS st;

    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    b.r.flags = (b.r.flags | set) & ~clear;
    return krec_update(cx, id, &b);
}

NTSTATUS reg_st_set_write_time(struct reg_ctx *cx, uint64_t id, int64_t t)
{
    struct reg_krec_buf b;
    NTSTATUS st;

    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    b.r.last_write = t;
    return krec_update(cx, id, &b);
}

NTSTATUS reg_st_set_security(struct reg_ctx *cx, uint64_t id, const void *sd, ULONG len)
{
    struct reg_krec_buf b;
    NTSTATUS st;
    uint8_t *copy;

    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    copy = malloc(b.r.name_len + b.r.class_len + 1);
    if (!copy)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(copy, b.tail, b.r.name_len + b.r.class_len);
    b.r.sd_len = sd ? len : 0;
    st = krec_put3(cx, id, &b.r, copy, copy + b.r.name_len, sd);
    free(copy);
    return st;
}

NTSTATUS reg_st_path(struct reg_ctx *cx, uint64_t id, WCHAR **out, size_t *cch)
{
    uint64_t chain[512];
    int depth = 0;
    size_t total = 0;
    struct reg_krec_buf b;
    NTSTATUS st;

    for (uint64_t cur = id; cur != REG_ID_NONE; ) {
        if (depth == 512)
            return STATUS_REGISTRY_CORRUPT;
        if (!NT_SUCCESS(st = krec_get(cx, cur, &b)))
            return st;
        chain[depth++] = cur;
        total += 1 + b.r.name_len / 2;
        cur = b.r.parent;
    }
    WCHAR *p = malloc((total + 1) * sizeof(WCHAR));
    if (!p)
        return STATUS_INSUFFICIENT_RESOURCES;
    size_t n = 0;
    for (int i = depth - 1; i >= 0; i--) {
        if (!NT_SUCCESS(st = krec_get(cx, chain[i], &b))) {
            free(p);
            return st;
        }
        p[n++] = L'\\';
        memcpy(p + n, b.tail, b.r.name_len);
        n += b.r.name_len / 2;
    }
    p[n] = 0;
    *out = p;
    *cch = n;
    return STATUS_SUCCESS;
}

/* ---- values ----------------------------------------------------------- */

static NTSTATUS value_view(const MDB_val *v, struct reg_value_view *out)
{
    struct reg_vrec vr;

    if (v->mv_size < sizeof(vr))
        return STATUS_REGISTRY_CORRUPT;
    memcpy(&vr, v->mv_data, sizeof(vr));
    if (sizeof(vr) + (size_t)vr.name_len > v->mv_size)
        return STATUS_REGISTRY_CORRUPT;
    out->type = vr.type;
    out->name = (const uint8_t *)v->mv_data + sizeof(vr);
    out->name_len = vr.name_len;
    out->data = out->name + vr.name_len;
    out->data_len = (uint32_t)(v->mv_size - sizeof(vr) - vr.name_len);
    return STATUS_SUCCESS;
}

NTSTATUS reg_st_get_value(struct reg_ctx *cx, uint64_t id, const WCHAR *name, size_t cch,
                          struct reg_value_view *out)
{
    int s = reg_store_of(id);
    uint8_t kb[REG_ENC_MAX];
    MDB_val k = { reg_encode(kb, id, name, cch), kb }, v;
    struct reg_krec_buf b;
    MDB_txn *txn;
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    rc = mdb_get(txn, reg_state.st[s].value, &k, &v);
    if (rc)
        return reg_mdb_status(rc);
    if (!NT_SUCCESS(st = value_view(&v, out)))
        return st;
    if (!reg_name_eq(out->name, out->name_len, name, cch))
        return STATUS_OBJECT_NAME_NOT_FOUND;   /* 64-bit hash collision */
    return STATUS_SUCCESS;
}

NTSTATUS reg_st_set_value(struct reg_ctx *cx, uint64_t id, const WCHAR *name, size_t cch,
                          ULONG type, const void *data, ULONG size)
{
    int s = reg_store_of(id);
    uint8_t kb[REG_ENC_MAX];
    size_t klen = reg_encode(kb, id, name, cch);
    MDB_val k = { klen, kb }, v;
    struct reg_krec_buf b;
    struct reg_vrec vr = { type, 0, (uint32_t)(2 * cch), 0 };
    MDB_txn *txn;
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    if (!NT_SUCCESS(st = reg_check_writable(cx, id)))
        return st;
    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    rc = mdb_get(txn, reg_state.st[s].value, &k, &v);
    WCHAR *kept = NULL;
    if (rc == 0) {
        struct reg_vrec old;
        memcpy(&old, v.mv_data, sizeof(old));
        vr.seq = old.seq;          /* keeps its place in the enumeration */
        /* ... and the name it was created with, as Windows does */
        if (old.name_len == 2 * cch && sizeof(old) + old.name_len <= v.mv_size) {
            kept = malloc(old.name_len + 2);
            if (!kept)
                return STATUS_INSUFFICIENT_RESOURCES;
            memcpy(kept, (uint8_t *)v.mv_data + sizeof(old), old.name_len);
            name = kept;
        }
    } else if (rc == MDB_NOTFOUND) {
        uint8_t ok[12];
        MDB_val okv = { 12, ok }, ov = { klen - 8, kb + 8 };
        vr.seq = b.r.next_seq++;
        b.r.values++;
        put_be64(ok, id);
        put_be32(ok + 8, vr.seq);
        if ((rc = cx_put(cx, txn, reg_state.st[s].vorder, &okv, &ov, 0)))
            return reg_mdb_status(rc);
    } else {
        return reg_mdb_status(rc);
    }
    v.mv_size = sizeof(vr) + 2 * cch + size;
    if ((rc = cx_put(cx, txn, reg_state.st[s].value, &k, &v, MDB_RESERVE))) {
        free(kept);
        return reg_mdb_status(rc);
    }
    memcpy(v.mv_data, &vr, sizeof(vr));
    memcpy((uint8_t *)v.mv_data + sizeof(vr), name, 2 * cch);
    free(kept);
    if (size)
        memcpy((uint8_t *)v.mv_data + sizeof(vr) + 2 * cch, data, size);
    b.r.max_vname = umax(b.r.max_vname, (uint32_t)(2 * cch));
    b.r.max_vdata = umax(b.r.max_vdata, size);
    b.r.last_write = reg_now();
    return krec_update(cx, id, &b);
}

NTSTATUS reg_st_delete_value(struct reg_ctx *cx, uint64_t id, const WCHAR *name, size_t cch)
{
    int s = reg_store_of(id);
    uint8_t kb[REG_ENC_MAX];
    MDB_val k = { reg_encode(kb, id, name, cch), kb }, v;
    struct reg_krec_buf b;
    struct reg_vrec vr;
    MDB_txn *txn;
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    if (!NT_SUCCESS(st = reg_check_writable(cx, id)))
        return st;
    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    if ((rc = mdb_get(txn, reg_state.st[s].value, &k, &v)))
        return reg_mdb_status(rc);
    memcpy(&vr, v.mv_data, sizeof(vr));
    if ((rc = cx_del(cx, txn, reg_state.st[s].value, &k, NULL)))
        return reg_mdb_status(rc);
    uint8_t ok[12];
    MDB_val okv = { 12, ok };
    put_be64(ok, id);
    put_be32(ok + 8, vr.seq);
    if ((rc = cx_del(cx, txn, reg_state.st[s].vorder, &okv, NULL)) && rc != MDB_NOTFOUND)
        return reg_mdb_status(rc);
    if (!NT_SUCCESS(st = krec_get(cx, id, &b)))
        return st;
    if (b.r.values)
        b.r.values--;
    b.r.last_write = reg_now();
    return krec_update(cx, id, &b);
}

/* ---- enumeration ------------------------------------------------------ */

static bool cache_usable(struct reg_enum_cache *c, struct reg_ctx *cx, ULONG index, int nstores)
{
    if (!c->valid || cx->write || index != c->index + 1)
        return false;
    for (int i = 0; i < nstores; i++)
        if (!cx->txn[i] || mdb_txn_id(cx->txn[i]) != c->txnid[i])
            return false;
    return true;
}

/* Smallest entry of dbi with 8-byte prefix whose key is > after (or >=
 * the prefix start when after is NULL). */
static int seek_after(MDB_cursor *c, uint64_t prefix, const uint8_t *after, size_t after_len,
                      MDB_val *k, MDB_val *v)
{
    uint8_t kb[8];
    int rc;

    if (after) {
        k->mv_size = after_len;
        k->mv_data = (void *)after;
    } else {
        put_be64(kb, prefix);
        k->mv_size = 8;
        k->mv_data = kb;
    }
    rc = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
    if (rc == 0 && after && k->mv_size == after_len && !memcmp(k->mv_data, after, after_len))
        rc = mdb_cursor_get(c, k, v, MDB_NEXT);
    if (rc == 0 && (k->mv_size < 8 || get_be64(k->mv_data) != prefix))
        rc = MDB_NOTFOUND;
    return rc;
}

static int cmp_keys(const MDB_val *a, const MDB_val *b)
{
    size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
    int r = memcmp(a->mv_data, b->mv_data, n);
    if (r)
        return r;
    return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

NTSTATUS reg_st_enum_key(struct reg_ctx *cx, struct reg_key *key, ULONG index, uint64_t *child)
{
    int nst = reg_store_of(key->id) == REG_DURABLE ? 2 : 1;
    int first = nst == 2 ? REG_DURABLE : REG_VOLATILE;
    MDB_cursor *cur[REG_NSTORES] = { 0 };
    struct reg_enum_cache *c = &key->subkey_cache;
    struct reg_krec_buf b;
    NTSTATUS st;
    ULONG pos;
    const uint8_t *after = NULL;
    size_t after_len = 0;
    int rc;

    if (!NT_SUCCESS(st = krec_get(cx, key->id, &b)))
        return st;
    for (int s = first; s < REG_NSTORES; s++) {
        MDB_txn *txn;
        if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
            return st;
        if ((rc = mdb_cursor_open(txn, reg_state.st[s].child, &cur[s]))) {
            st = reg_mdb_status(rc);
            goto out;
        }
    }
    pthread_mutex_lock(&key->lock);
    if (cache_usable(c, cx, index, REG_NSTORES) || (c->valid && !cx->write && index == c->index &&
                                                   cache_usable(c, cx, index + 1, REG_NSTORES))) {
        if (index == c->index) {
            /* Same index again: re-read the cached entry itself. */
            pos = index;
            after = NULL;
        } else {
            pos = c->index + 1;
            after = c->last;
            after_len = c->last_len;
        }
    } else {
        pos = 0;
    }
    uint8_t lastbuf[512];
    if (after) {
        memcpy(lastbuf, after, after_len);
        after = lastbuf;
    }
    pthread_mutex_unlock(&key->lock);

    /* pos == index with no `after` and a valid cache means: re-find the
     * exact cached entry. Handle by seeking >= cached key. */
    bool exact = false;
    if (!after && pos == index && pos != 0) {
        pthread_mutex_lock(&key->lock);
        memcpy(lastbuf, c->last, c->last_len);
        after_len = c->last_len;
        pthread_mutex_unlock(&key->lock);
        exact = true;
    }

    for (;;) {
        MDB_val k[REG_NSTORES], v[REG_NSTORES];
        int found[REG_NSTORES] = { MDB_NOTFOUND, MDB_NOTFOUND };
        for (int s = first; s < REG_NSTORES; s++) {
            if (exact) {
                k[s].mv_size = after_len;
                k[s].mv_data = lastbuf;
                found[s] = mdb_cursor_get(cur[s], &k[s], &v[s], MDB_SET_RANGE);
                if (found[s] == 0 && (k[s].mv_size < 8 || get_be64(k[s].mv_data) != key->id))
                    found[s] = MDB_NOTFOUND;
            } else {
                found[s] = seek_after(cur[s], key->id, after, after_len, &k[s], &v[s]);
            }
            if (found[s] && found[s] != MDB_NOTFOUND) {
                st = reg_mdb_status(found[s]);
                goto out;
            }
        }
        exact = false;
        int pick = -1;
        for (int s = first; s < REG_NSTORES; s++)
            if (found[s] == 0 && (pick < 0 || cmp_keys(&k[s], &k[pick]) < 0))
                pick = s;
        if (pick < 0) {
            st = STATUS_NO_MORE_ENTRIES;
            goto out;
        }
        if (k[pick].mv_size > sizeof(lastbuf) || v[pick].mv_size != 8) {
            st = STATUS_REGISTRY_CORRUPT;
            goto out;
        }
        memcpy(lastbuf, k[pick].mv_data, k[pick].mv_size);
        after = lastbuf;
        after_len = k[pick].mv_size;
        if (pos == index) {
            *child = get_be64(v[pick].mv_data);
            break;
        }
        pos++;
    }
    if (!cx->write) {
        pthread_mutex_lock(&key->lock);
        c->valid = true;
        c->index = index;
        c->last_len = after_len;
        memcpy(c->last, lastbuf, after_len);
        for (int s = 0; s < REG_NSTORES; s++)
            c->txnid[s] = cx->txn[s] ? mdb_txn_id(cx->txn[s]) : 0;
        pthread_mutex_unlock(&key->lock);
    }
    st = STATUS_SUCCESS;
out:
    for (int s = 0; s < REG_NSTORES; s++)
        if (cur[s])
            mdb_cursor_close(cur[s]);
    return st;
}

NTSTATUS reg_st_enum_value(struct reg_ctx *cx, struct reg_key *key, ULONG index,
                           struct reg_value_view *out)
{
    int s = reg_store_of(key->id);
    struct reg_enum_cache *c = &key->value_cache;
    struct reg_krec_buf b;
    MDB_cursor *cur = NULL;
    MDB_txn *txn;
    MDB_val k, v;
    uint8_t lastbuf[16];
    const uint8_t *after = NULL;
    size_t after_len = 0;
    ULONG pos = 0;
    NTSTATUS st;
    int rc;

    if (!NT_SUCCESS(st = krec_get(cx, key->id, &b)))
        return st;
    if (index >= b.r.values)
        return STATUS_NO_MORE_ENTRIES;
    if (!NT_SUCCESS(st = reg_ctx_txn(cx, s, &txn)))
        return st;
    if ((rc = mdb_cursor_open(txn, reg_state.st[s].vorder, &cur)))
        return reg_mdb_status(rc);
    pthread_mutex_lock(&key->lock);
    if (c->valid && !cx->write && c->txnid[s] == mdb_txn_id(txn) && c->last_len == 12 &&
        (index == c->index + 1 || index == c->index)) {
        memcpy(lastbuf, c->last, 12);
        after_len = 12;
        if (index == c->index) {
            /* step back one so that the loop lands on the cached entry */
            uint32_t seq = ((uint32_t)lastbuf[8] << 24) | ((uint32_t)lastbuf[9] << 16) |
                           ((uint32_t)lastbuf[10] << 8) | lastbuf[11];
            if (seq == 0) {
                after_len = 0;
            } else {
                put_be32(lastbuf + 8, seq - 1);
                pos = index;
                after = lastbuf;
            }
        } else {
            pos = index;
            after = lastbuf;
        }
    }
    pthread_mutex_unlock(&key->lock);
    if (!after)
        pos = 0;
    for (;;) {
        rc = seek_after(cur, key->id, after, after_len, &k, &v);
        if (rc == MDB_NOTFOUND) {
            st = STATUS_NO_MORE_ENTRIES;
            goto out;
        }
        if (rc) {
            st = reg_mdb_status(rc);
            goto out;
        }
        if (k.mv_size != 12) {
            st = STATUS_REGISTRY_CORRUPT;
            goto out;
        }
        memcpy(lastbuf, k.mv_data, 12);
        after = lastbuf;
        after_len = 12;
        if (pos == index)
            break;
        pos++;
    }
    /* v holds the encoded value name: fetch the value itself. */
    {
        uint8_t kb[REG_ENC_MAX];
        MDB_val vk = { 8 + v.mv_size, kb }, vv;
        if (v.mv_size > REG_ENC_MAX - 8) {
            st = STATUS_REGISTRY_CORRUPT;
            goto out;
        }
        put_be64(kb, key->id);
        memcpy(kb + 8, v.mv_data, v.mv_size);
        if ((rc = mdb_get(txn, reg_state.st[s].value, &vk, &vv))) {
            st = rc == MDB_NOTFOUND ? STATUS_REGISTRY_CORRUPT : reg_mdb_status(rc);
            goto out;
        }
        if (!NT_SUCCESS(st = value_view(&vv, out)))
            goto out;
    }
    if (!cx->write) {
        pthread_mutex_lock(&key->lock);
        c->valid = true;
        c->index = index;
        c->last_len = 12;
        memcpy(c->last, lastbuf, 12);
        c->txnid[s] = mdb_txn_id(txn);
        pthread_mutex_unlock(&key->lock);
    }
    st = STATUS_SUCCESS;
out:
    mdb_cursor_close(cur);
    return st;
}

/* ---- standard keys ----------------------------------------------------- */

static NTSTATUS reg_standard_keys(void)
{
    static const struct { const char *path; ULONG options; } keys[] = {
        { "\\Registry\\Machine\\System\\CurrentControlSet\\Services", 0 },
        { "\\Registry\\Machine\\System\\CurrentControlSet\\Control", 0 },
        { "\\Registry\\Machine\\Software\\Microsoft\\Windows NT\\CurrentVersion", 0 },
        { "\\Registry\\User\\.Default", 0 },
        { "\\Registry\\Machine\\HARDWARE\\DEVICEMAP", REG_OPTION_VOLATILE },
        { "\\Registry\\Machine\\HARDWARE\\DESCRIPTION", REG_OPTION_VOLATILE },
    };
    struct reg_ctx cx;
    NTSTATUS st = STATUS_SUCCESS;

    reg_ctx_begin_locked(&cx, true);
    cx.in_outer = false;
    cx.caller = &reg_kernel_caller;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && NT_SUCCESS(st); i++) {
        WCHAR w[128];
        size_t n = strlen(keys[i].path);
        uint64_t id;
        for (size_t j = 0; j < n; j++)
            w[j] = (WCHAR)keys[i].path[j];
        st = reg_resolve(&cx, REG_ID_NONE, w, n, true, NULL, 0, NULL, 0,
                         keys[i].options | REG_CREATE_PARENTS, &id, NULL);
    }
    /* reg_ctx_end would drop the shared lock, which the opener does not
     * hold (it holds the exclusive one): finish by hand. */
    for (int i = REG_NSTORES - 1; i >= 0; i--) {
        if (!cx.txn[i])
            continue;
        if (NT_SUCCESS(st)) {
            int rc = mdb_txn_commit(cx.txn[i]);
            if (rc)
                st = reg_mdb_status(rc);
        } else {
            mdb_txn_abort(cx.txn[i]);
        }
    }
    return st;
}
