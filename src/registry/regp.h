/*
 * registry/regp.h - private to src/registry/: the store (store.c), open key
 * references and handles (key.c), the DDIs (zw_api.c, rtl_api.c) and the
 * internal API (reg_api.c). See store.c for the design.
 */
#ifndef DDK_REGP_H
#define DDK_REGP_H

#include "registry/reg.h"
#include "rtl/rtl.h"
#include "krnl/krnl.h"

#include <lmdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define REG_MAX_KEY_NAME_CCH   255     /* one path component */
#define REG_MAX_VALUE_NAME_CCH 16383
#define REG_MAX_DATA_SIZE      (16u << 20)

/* Key ids: never reused. Bit 63 says which store holds the key. */
#define REG_VOLATILE_BIT (1ULL << 63)
#define REG_ID_NONE      0ULL
#define REG_ID_REGISTRY  1ULL        /* \Registry */
#define REG_ID_MACHINE   2ULL        /* \Registry\Machine */
#define REG_ID_USER      3ULL        /* \Registry\User */
#define REG_ID_FIRST_FREE 16ULL

enum { REG_DURABLE = 0, REG_VOLATILE = 1, REG_NSTORES = 2 };
static inline int reg_store_of(uint64_t id) { return (id & REG_VOLATILE_BIT) ? REG_VOLATILE : REG_DURABLE; }

/* Key record flags. */
#define REG_KF_VOLATILE 0x1u
#define REG_KF_READONLY 0x2u   /* read-only at run time (installer may write) */

/* A key record as decoded from the store (one malloc'd block). */
struct reg_keyinfo {
    uint64_t id;
    uint64_t parent;
    int64_t last_write;        /* FILETIME units (100 ns since 1601) */
    uint32_t flags;
    uint32_t subkeys;          /* children, both stores */
    uint32_t values;
    uint32_t max_name;         /* bytes, high-water marks */
    uint32_t max_class;
    uint32_t max_vname;
    uint32_t max_vdata;
    uint32_t name_len;         /* bytes */
    uint32_t class_len;
    uint32_t sd_len;
    const WCHAR *name;         /* display case */
    const WCHAR *class_name;
    const uint8_t *sd;
};

/* Where an enumeration left off, so index i+1 after i costs one seek. */
struct reg_enum_cache {
    bool valid;
    size_t txnid[REG_NSTORES];
    ULONG index;
    size_t last_len;
    uint8_t last[512];         /* encoded name of entry `index` */
};

/* An open key: the body of a CmKeyObjectType object (refcounted by ob). */
struct reg_key {
    uint64_t id;
    ACCESS_MASK access;        /* what handles to it are opened with */
    pthread_mutex_t lock;      /* guards the two caches */
    struct reg_enum_cache subkey_cache;
    struct reg_enum_cache value_cache;
};

/* One registry operation: lazily begun transactions on the stores, or the
 * thread's installer transaction when one is open. */
struct reg_ctx {
    MDB_txn *txn[REG_NSTORES];
    bool write;
    bool in_outer;
    bool wrote;                /* changed something (see reg_ctx_end) */
    const struct reg_caller *caller;
};

NTSTATUS reg_ctx_begin(struct reg_ctx *cx, bool write);
NTSTATUS reg_ctx_txn(struct reg_ctx *cx, int store, MDB_txn **out);
/* Commits (write, st a success) or aborts; returns st or the commit error. */
NTSTATUS reg_ctx_end(struct reg_ctx *cx, NTSTATUS st);

/* Store operations (store.c). Names are counted UTF-16 (cch). */
NTSTATUS reg_st_get_key(struct reg_ctx *cx, uint64_t id, struct reg_keyinfo **out);
NTSTATUS reg_st_lookup(struct reg_ctx *cx, uint64_t parent, const WCHAR *name, size_t cch,
                       uint64_t *child);
NTSTATUS reg_st_create(struct reg_ctx *cx, uint64_t parent, const WCHAR *name, size_t cch,
                       const WCHAR *cls, size_t cls_cch, const void *sd, ULONG sd_len,
                       ULONG options, uint64_t *out_id, ULONG *disposition);
NTSTATUS reg_st_delete(struct reg_ctx *cx, uint64_t id);
/* Renames a key in place (its subkeys follow: they refer to it by id). */
NTSTATUS reg_st_rename(struct reg_ctx *cx, uint64_t id, const WCHAR *name, size_t cch);
NTSTATUS reg_st_set_value(struct reg_ctx *cx, uint64_t id, const WCHAR *name, size_t cch,
                          ULONG type, const void *data, ULONG size);
/* On success *rec points into the transaction's memory (valid until the
 * context ends): type, name and data. */
struct reg_value_view {
    ULONG type;
    const uint8_t *name; /* display case UTF-16, possibly unaligned: memcpy */
    uint32_t name_len;   /* bytes */
    const uint8_t *data;
    uint32_t data_len;
};
NTSTATUS reg_st_get_value(struct reg_ctx *cx, uint64_t id, const WCHAR *name, size_t cch,
                          struct reg_value_view *out);
NTSTATUS reg_st_delete_value(struct reg_ctx *cx, uint64_t id, const WCHAR *name, size_t cch);
NTSTATUS reg_st_enum_value(struct reg_ctx *cx, struct reg_key *key, ULONG index,
                           struct reg_value_view *out);
/* Child number index (merged over both stores): its id. */
NTSTATUS reg_st_enum_key(struct reg_ctx *cx, struct reg_key *key, ULONG index, uint64_t *child);
NTSTATUS reg_st_set_flags(struct reg_ctx *cx, uint64_t id, uint32_t set, uint32_t clear);
NTSTATUS reg_st_set_security(struct reg_ctx *cx, uint64_t id, const void *sd, ULONG len);
NTSTATUS reg_st_set_write_time(struct reg_ctx *cx, uint64_t id, int64_t t);
/* Is the key or one of its ancestors read-only at run time? */
NTSTATUS reg_st_readonly(struct reg_ctx *cx, uint64_t id, bool *ro);
/* Full path (display case) of a key: malloc'd, *cch characters, no NUL. */
NTSTATUS reg_st_path(struct reg_ctx *cx, uint64_t id, WCHAR **out, size_t *cch);
int64_t reg_now(void);

/* Writes are refused when the caller may not change id (read-only keys). */
NTSTATUS reg_check_writable(struct reg_ctx *cx, uint64_t id);

/* Paths: resolves a counted UTF-16 path ('\'-separated) from start
 * (REG_ID_NONE: the path must be absolute, "\Registry\..."). With
 * create, the last component is created (options as reg_key_create). */
NTSTATUS reg_resolve(struct reg_ctx *cx, uint64_t start, const WCHAR *path, size_t cch,
                     bool create, const WCHAR *cls, size_t cls_cch, const void *sd,
                     ULONG sd_len, ULONG options, uint64_t *out_id, ULONG *disposition);

/* Key references and handles (key.c). */
struct reg_key *reg_key_alloc(uint64_t id, ACCESS_MASK access);
struct reg_key *reg_key_get(struct reg_key *key);
void reg_key_put(struct reg_key *key);
ACCESS_MASK reg_map_access(ACCESS_MASK desired);
/* A new handle to key (with key->access); the handle holds its own
 * reference. */
NTSTATUS reg_handle_insert(struct reg_key *key, ULONG attributes, HANDLE *out);
/* Referenced key behind a handle; checks type and granted access. */
NTSTATUS reg_handle_ref(HANDLE h, ACCESS_MASK need, struct reg_key **out);

/* Data checks shared by ZwSetValueKey and reg_value_set (zw_api.c). */
NTSTATUS reg_check_value_data(ULONG type, const void *data, ULONG size);

/* Self-relative security descriptor length (0: not a valid one). */
ULONG reg_sd_length(const void *sd, ULONG max);

#endif /* DDK_REGP_H */
