/*
 * registry/reg.h - the registry's internal API for the executive's other
 * layers (PnP, the driver store/installer, the device manager).
 *
 * Paths here are UTF-8 and absolute ("\Registry\Machine\System\...") or
 * relative to an open key; names compare case-insensitively and keep the
 * case they were created with. Every call takes the caller's identity: the
 * registry stores security descriptors but leaves the access check to the
 * security layer; what it enforces itself is the read-only-at-run-time flag
 * (only REG_CALLER_INSTALLER may change such a key or anything below it).
 *
 * Transactions: reg_txn_begin() opens one write transaction per store on
 * the calling thread; until reg_txn_commit()/reg_txn_abort() every registry
 * call made by that thread (reg_* and Zw*Key alike) joins it, so several
 * changes become visible (and durable) at once or not at all. Other threads'
 * writes wait meanwhile (LMDB has one writer per environment). A call that
 * fails before changing anything (the usual case: bad name, missing key,
 * access) leaves the transaction as it was; one that fails after a partial
 * change (I/O error, reg_key_delete_tree meeting a read-only key) dooms
 * it: reg_txn_commit then aborts and returns that failure.
 *
 * Lifetimes: reg_key_open/create return a reference that the caller drops
 * with reg_key_close(). A reference to a key that is later deleted stays
 * valid memory; operations on it return STATUS_KEY_DELETED.
 */
#ifndef DDK_REG_H
#define DDK_REG_H

#include <wdm.h>
#include <stddef.h>
#include <stdint.h>

enum reg_caller_kind {
    REG_CALLER_KERNEL = 0,   /* the executive itself, kernel-mode drivers */
    REG_CALLER_DRIVER,       /* a driver in a host, through the reflector */
    REG_CALLER_INSTALLER,    /* the install engine: may write read-only keys */
};

struct reg_caller {
    enum reg_caller_kind kind;
    const char *name;        /* driver/service name for logs; may be NULL */
};

/* The identity Zw*Key calls on this thread act as (default: kernel).
 * NULL restores the default. The pointer must outlive its use. */
void reg_set_thread_caller(const struct reg_caller *caller);
const struct reg_caller *reg_thread_caller(void);

/* Opens the stores under krnl_root() (done lazily by every entry point;
 * explicit calls are for early error reporting). reg_shutdown() closes them
 * (tests use it to simulate a restart: volatile keys are gone afterwards).
 * Keys still referenced after reg_shutdown() answer STATUS_INVALID_HANDLE
 * semantics through the Zw API (stale). */
NTSTATUS reg_init(void);
void reg_shutdown(void);
/* Forces every committed change to disk (commits already are on disk
 * except for the last meta page; see store.c). ZwFlushKey calls it. */
NTSTATUS reg_flush(void);

struct reg_key;
struct reg_txn;

/* Opens path below parent (NULL: path is absolute). */
NTSTATUS reg_key_open(const struct reg_caller *c, struct reg_key *parent,
                      const char *path, ACCESS_MASK access, struct reg_key **out);

#define REG_CREATE_PARENTS 0x80000000u  /* internal: also create missing ancestors */
/* Creates (or opens) path. options: REG_OPTION_VOLATILE, REG_CREATE_PARENTS.
 * disposition (optional) receives REG_CREATED_NEW_KEY/REG_OPENED_EXISTING_KEY. */
NTSTATUS reg_key_create(const struct reg_caller *c, struct reg_key *parent,
                        const char *path, ACCESS_MASK access, ULONG options,
                        ULONG *disposition, struct reg_key **out);

/* Drops a reference (NULL is fine). */
void reg_key_close(struct reg_key *key);

/* Deletes the key (must have no subkeys: STATUS_CANNOT_DELETE). */
NTSTATUS reg_key_delete(const struct reg_caller *c, struct reg_key *key);
/* Deletes the key and everything below it, in one transaction. */
NTSTATUS reg_key_delete_tree(const struct reg_caller *c, struct reg_key *key);

/* Values. name NULL or "" is the default (unnamed) value. */
NTSTATUS reg_value_set(const struct reg_caller *c, struct reg_key *key, const char *name,
                       ULONG type, const void *data, ULONG size);
/* Convenience: REG_SZ/REG_EXPAND_SZ from UTF-8 (stored as UTF-16 with NUL). */
NTSTATUS reg_value_set_string(const struct reg_caller *c, struct reg_key *key,
                              const char *name, ULONG type, const char *utf8);
NTSTATUS reg_value_set_dword(const struct reg_caller *c, struct reg_key *key,
                             const char *name, ULONG value);
/* Reads a value: *type (optional) and data into buf of size bytes. *needed
 * (optional) receives the data size. STATUS_BUFFER_OVERFLOW when the data is
 * larger than size (buf then holds the first size bytes). */
NTSTATUS reg_value_query(const struct reg_caller *c, struct reg_key *key, const char *name,
                         ULONG *type, void *buf, ULONG size, ULONG *needed);
/* REG_DWORD read (STATUS_OBJECT_TYPE_MISMATCH when not a 4-byte DWORD). */
NTSTATUS reg_value_query_dword(const struct reg_caller *c, struct reg_key *key,
                               const char *name, ULONG *value);
/* REG_SZ/REG_EXPAND_SZ/REG_MULTI_SZ read as UTF-8 (MULTI_SZ: NULs between
 * strings, double NUL at the end). expand: expand %Variables% (see
 * reg_expand_string). STATUS_BUFFER_OVERFLOW when it does not fit. */
NTSTATUS reg_value_query_string(const struct reg_caller *c, struct reg_key *key,
                                const char *name, int expand, char *buf, size_t size);
NTSTATUS reg_value_delete(const struct reg_caller *c, struct reg_key *key, const char *name);

/* Enumeration by index (subkeys in case-insensitive name order, values in
 * creation order, as on Windows). STATUS_NO_MORE_ENTRIES past the end.
 * Sequential indexes cost O(log n) each. */
NTSTATUS reg_key_enum(const struct reg_caller *c, struct reg_key *key, ULONG index,
                      char *name, size_t name_size);
NTSTATUS reg_value_enum(const struct reg_caller *c, struct reg_key *key, ULONG index,
                        char *name, size_t name_size, ULONG *type,
                        void *buf, ULONG size, ULONG *needed);

/* Counts (subkeys including volatile ones). */
NTSTATUS reg_key_counts(struct reg_key *key, ULONG *subkeys, ULONG *values);
/* The key's full path in display case (UTF-8). */
NTSTATUS reg_key_path(struct reg_key *key, char *buf, size_t size);

/* Read-only-at-run-time flag (installer only). */
NTSTATUS reg_key_set_readonly(const struct reg_caller *c, struct reg_key *key, BOOLEAN readonly);
BOOLEAN reg_key_is_readonly(struct reg_key *key);   /* itself or an ancestor */

/* The key's security descriptor, an opaque self-relative blob produced and
 * checked by the security layer. get: STATUS_BUFFER_TOO_SMALL with *needed. */
NTSTATUS reg_key_set_security(const struct reg_caller *c, struct reg_key *key,
                              const void *sd, ULONG len);
NTSTATUS reg_key_get_security(struct reg_key *key, void *buf, ULONG size, ULONG *needed);

/* A handle from ZwOpenKey/ZwCreateKey to a new key reference (for layers
 * that receive handles from drivers). access: rights the handle must have. */
NTSTATUS reg_key_from_handle(HANDLE handle, ACCESS_MASK access, struct reg_key **out);

/* Installer transactions (see above). Nesting is not supported
 * (STATUS_INVALID_DEVICE_STATE). commit/abort free txn. */
NTSTATUS reg_txn_begin(const struct reg_caller *c, struct reg_txn **out);
NTSTATUS reg_txn_commit(struct reg_txn *txn);
void reg_txn_abort(struct reg_txn *txn);

/* Expands %DriverData%, %ProgramData%, %SystemRoot%, %SystemDrive% (ROOT/...
 * directories; SystemDrive is ROOT itself) in a UTF-16 string of len
 * characters; unknown variables stay as written. *out is malloc'ed, NUL
 * terminated, *out_len characters without the NUL. */
NTSTATUS reg_expand_string(const WCHAR *in, size_t len, WCHAR **out, size_t *out_len);

#endif /* DDK_REG_H */
