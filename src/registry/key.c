/*
 * key.c - open key references, key handles and path resolution.
 *
 * A struct reg_key is what a key handle refers to: a key id and the access
 * the opener was granted. It holds no lock on the key; every operation
 * revalidates the id inside its transaction, so a deleted key answers
 * STATUS_KEY_DELETED and nothing dangles.
 *
 * Handles: until the object manager (src/ob) provides typed handles for
 * CmKeyObjectType, key handles come from a small private table here. Its
 * values have bit 31 set and the low two bits clear (like Windows kernel
 * handles) and carry a generation, so a closed handle answers
 * STATUS_INVALID_HANDLE rather than reaching a newer key. ZwClose is
 * defined weak so that the object manager's definition replaces it.
 */
#define _GNU_SOURCE
#include "registry/regp.h"

#include <stdlib.h>
#include <string.h>

struct reg_key *reg_key_alloc(uint64_t id, ACCESS_MASK access)
{
    struct reg_key *k = calloc(1, sizeof(*k));

    if (!k)
        return NULL;
    k->id = id;
    k->access = access;
    k->refs = 1;
    pthread_mutex_init(&k->lock, NULL);
    return k;
}

struct reg_key *reg_key_get(struct reg_key *key)
{
    if (key)
        __atomic_add_fetch(&key->refs, 1, __ATOMIC_RELAXED);
    return key;
}

void reg_key_put(struct reg_key *key)
{
    if (key && __atomic_sub_fetch(&key->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        pthread_mutex_destroy(&key->lock);
        free(key);
    }
}

void reg_key_close(struct reg_key *key) { reg_key_put(key); }

ACCESS_MASK reg_map_access(ACCESS_MASK desired)
{
    ACCESS_MASK a = desired & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL |
                                MAXIMUM_ALLOWED);

    if (desired & GENERIC_READ)
        a |= KEY_READ;
    if (desired & GENERIC_WRITE)
        a |= KEY_WRITE;
    if (desired & GENERIC_EXECUTE)
        a |= KEY_EXECUTE;
    if (desired & (GENERIC_ALL | MAXIMUM_ALLOWED))
        a |= KEY_ALL_ACCESS;
    return a;
}

/* ---- the private handle table ----------------------------------------- */

#define REG_HANDLE_MAX 65536u

struct reg_handle_slot {
    struct reg_key *key;       /* NULL: free */
    uint16_t gen;
};

static struct {
    pthread_mutex_t lock;
    struct reg_handle_slot *slots;   /* guarded by lock */
    uint32_t count, cap, free_hint;
} reg_handles = { .lock = PTHREAD_MUTEX_INITIALIZER };

static HANDLE reg_handle_value(uint32_t index, uint16_t gen)
{
    return (HANDLE)(uintptr_t)(0x80000000u | ((uint32_t)(gen & 0x3fff) << 17) | ((index + 1) << 2));
}

static bool reg_handle_decode(HANDLE h, uint32_t *index, uint16_t *gen)
{
    uintptr_t v = (uintptr_t)h;

    if ((v >> 32) || !(v & 0x80000000u) || (v & 3))
        return false;
    uint32_t i = (uint32_t)((v >> 2) & 0x7fff);
    if (i == 0)
        return false;
    *index = i - 1;
    *gen = (uint16_t)((v >> 17) & 0x3fff);
    return true;
}

NTSTATUS reg_handle_insert(struct reg_key *key, ULONG attributes, HANDLE *out)
{
    (void)attributes;
    pthread_mutex_lock(&reg_handles.lock);
    uint32_t i;
    for (i = 0; i < reg_handles.cap; i++) {
        uint32_t j = (reg_handles.free_hint + i) % reg_handles.cap;
        if (!reg_handles.slots[j].key) {
            i = j;
            goto found;
        }
    }
    if (reg_handles.cap >= 32767) {
        pthread_mutex_unlock(&reg_handles.lock);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    {
        uint32_t ncap = reg_handles.cap ? reg_handles.cap * 2 : 64;
        if (ncap > 32767)
            ncap = 32767;
        struct reg_handle_slot *n = realloc(reg_handles.slots, ncap * sizeof(*n));
        if (!n) {
            pthread_mutex_unlock(&reg_handles.lock);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        memset(n + reg_handles.cap, 0, (ncap - reg_handles.cap) * sizeof(*n));
        i = reg_handles.cap;
        reg_handles.slots = n;
        reg_handles.cap = ncap;
    }
found:
    reg_handles.slots[i].key = key;
    reg_handles.slots[i].gen++;
    reg_handles.free_hint = i + 1;
    reg_handles.count++;
    *out = reg_handle_value(i, reg_handles.slots[i].gen);
    pthread_mutex_unlock(&reg_handles.lock);
    return STATUS_SUCCESS;
}

NTSTATUS reg_handle_ref(HANDLE h, ACCESS_MASK need, struct reg_key **out)
{
    uint32_t i;
    uint16_t gen;
    struct reg_key *k = NULL;

    if (!reg_handle_decode(h, &i, &gen))
        return STATUS_INVALID_HANDLE;
    pthread_mutex_lock(&reg_handles.lock);
    if (i < reg_handles.cap && reg_handles.slots[i].key &&
        (reg_handles.slots[i].gen & 0x3fff) == gen)
        k = reg_key_get(reg_handles.slots[i].key);
    pthread_mutex_unlock(&reg_handles.lock);
    if (!k)
        return STATUS_INVALID_HANDLE;
    if ((k->access & need) != need) {
        reg_key_put(k);
        return STATUS_ACCESS_DENIED;
    }
    *out = k;
    return STATUS_SUCCESS;
}

static NTSTATUS reg_handle_close(HANDLE h)
{
    uint32_t i;
    uint16_t gen;
    struct reg_key *k = NULL;

    if (!reg_handle_decode(h, &i, &gen))
        return STATUS_INVALID_HANDLE;
    pthread_mutex_lock(&reg_handles.lock);
    if (i < reg_handles.cap && reg_handles.slots[i].key &&
        (reg_handles.slots[i].gen & 0x3fff) == gen) {
        k = reg_handles.slots[i].key;
        reg_handles.slots[i].key = NULL;
        reg_handles.count--;
    }
    pthread_mutex_unlock(&reg_handles.lock);
    if (!k)
        return STATUS_INVALID_HANDLE;
    reg_key_put(k);
    return STATUS_SUCCESS;
}

/* Replaced by the object manager's ZwClose once src/ob provides it. */
__attribute__((weak)) NTSYSAPI NTSTATUS NTAPI ZwClose(HANDLE Handle);
__attribute__((weak)) NTSYSAPI NTSTATUS NTAPI ZwClose(HANDLE Handle)
{
    return reg_handle_close(Handle);
}

NTSTATUS reg_key_from_handle(HANDLE handle, ACCESS_MASK access, struct reg_key **out)
{
    if (!out)
        return STATUS_INVALID_PARAMETER;
    return reg_handle_ref(handle, access, out);
}

/* ---- paths ------------------------------------------------------------ */

static bool reg_comp_eq_ascii(const WCHAR *w, size_t n, const char *a)
{
    size_t m = strlen(a);
    if (m != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (rtl_upcase(w[i]) != rtl_upcase((WCHAR)(unsigned char)a[i]))
            return false;
    return true;
}

NTSTATUS reg_resolve(struct reg_ctx *cx, uint64_t start, const WCHAR *path, size_t cch,
                     bool create, const WCHAR *cls, size_t cls_cch, const void *sd,
                     ULONG sd_len, ULONG options, uint64_t *out_id, ULONG *disposition)
{
    uint64_t cur = start;
    size_t i = 0;
    NTSTATUS st;

    if (start == REG_ID_NONE) {
        if (cch == 0 || path[0] != L'\\')
            return STATUS_OBJECT_PATH_SYNTAX_BAD;
        i = 1;
        size_t j = i;
        while (j < cch && path[j] != L'\\')
            j++;
        if (!reg_comp_eq_ascii(path + i, j - i, "REGISTRY"))
            return STATUS_OBJECT_NAME_NOT_FOUND;
        cur = REG_ID_REGISTRY;
        i = j < cch ? j + 1 : j;
        if (j == cch || i == cch) {
            /* "\Registry" itself */
            if (create && disposition)
                *disposition = REG_OPENED_EXISTING_KEY;
            *out_id = cur;
            return STATUS_SUCCESS;
        }
    } else if (cch && path[0] == L'\\') {
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    }
    if (cch && path[cch - 1] == L'\\' && cch - 1 > i)
        cch--;                      /* one trailing separator is tolerated */
    if (i == cch) {                 /* empty relative name: the start key */
        /* A relative create of "" opens the root key itself. */
        if (disposition)
            *disposition = REG_OPENED_EXISTING_KEY;
        *out_id = cur;
        return STATUS_SUCCESS;
    }
    /* Syntax first: an empty component anywhere makes the name invalid
     * whether or not the part before it exists. */
    for (size_t j = i; j + 1 < cch; j++)
        if (path[j] == L'\\' && path[j + 1] == L'\\')
            return STATUS_OBJECT_NAME_INVALID;
    while (i <= cch) {
        size_t j = i;
        while (j < cch && path[j] != L'\\')
            j++;
        size_t n = j - i;
        bool last = j >= cch;
        if (n == 0)
            return STATUS_OBJECT_NAME_INVALID;
        if (n > REG_MAX_KEY_NAME_CCH)
            return create && last ? STATUS_INVALID_PARAMETER :
                   last ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_OBJECT_NAME_INVALID;
        uint64_t next;
        if (last && create) {
            st = reg_st_create(cx, cur, path + i, n, cls, cls_cch, sd, sd_len,
                               options & ~REG_CREATE_PARENTS, &next, disposition);
        } else {
            st = reg_st_lookup(cx, cur, path + i, n, &next);
            if (st == STATUS_OBJECT_NAME_NOT_FOUND && create && (options & REG_CREATE_PARENTS))
                st = reg_st_create(cx, cur, path + i, n, NULL, 0, NULL, 0,
                                   options & ~REG_CREATE_PARENTS, &next, NULL);
            else if (NT_SUCCESS(st) || st != STATUS_OBJECT_NAME_NOT_FOUND) {
                /* a lookup under a deleted start key */
            }
        }
        if (st == STATUS_OBJECT_NAME_NOT_FOUND && cur == start && start != REG_ID_NONE) {
            /* Distinguish "start was deleted" from "no such child". */
            struct reg_keyinfo *ki;
            NTSTATUS s2 = reg_st_get_key(cx, start, &ki);
            if (!NT_SUCCESS(s2))
                return s2;
            free(ki);
        }
        if (!NT_SUCCESS(st))
            return st;
        cur = next;
        if (last)
            break;
        i = j + 1;
    }
    *out_id = cur;
    return STATUS_SUCCESS;
}

/* ---- security descriptor blobs ---------------------------------------- */

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* Length of a self-relative SECURITY_DESCRIPTOR (revision 1): the end of
 * its furthest part. 0 when it is not one or does not fit in max. */
ULONG reg_sd_length(const void *sdv, ULONG max)
{
    const uint8_t *sd = sdv;
    ULONG end = 20;

    if (!sd || max < 20 || sd[0] != 1 || !(rd16(sd + 2) & 0x8000))
        return 0;
    for (int part = 0; part < 4; part++) {
        uint32_t off = rd32(sd + 4 + 4 * part);
        uint32_t len;
        if (!off)
            continue;
        if (off < 20 || off + 8 > max)
            return 0;
        if (part < 2)       /* owner, group: SIDs */
            len = 8 + 4u * sd[off + 1];
        else                /* sacl, dacl: AclSize */
            len = rd16(sd + off + 2);
        if (len < 8 || off + len > max)
            return 0;
        if (off + len > end)
            end = off + len;
    }
    return end;
}
