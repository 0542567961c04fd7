/*
 * key.c - key objects, key handles and path resolution.
 *
 * A struct reg_key is the body of an object-manager object of type
 * CmKeyObjectType: a key id and the access its opener asked for. It holds
 * no lock on the key; every operation revalidates the id inside its
 * transaction, so a deleted key answers STATUS_KEY_DELETED and nothing
 * dangles. Handles, their generations (stale handles) and types (handles
 * of other objects) are the object manager's; ZwClose is its.
 */
#define _GNU_SOURCE
#include "registry/regp.h"
#include "ob/ob.h"

#include <stdlib.h>
#include <string.h>

/* Key objects are object-manager objects of type CmKeyObjectType; the
 * delete procedure releases what the body owns. */
static void reg_key_delete_proc(void *body)
{
    struct reg_key *k = body;
    pthread_mutex_destroy(&k->lock);
}

static pthread_once_t reg_key_type_once = PTHREAD_ONCE_INIT;

static void reg_key_type_init(void)
{
    static const struct ob_type_procs procs = { .delete_proc = reg_key_delete_proc };
    ob_type_set_procedures(*CmKeyObjectType, &procs);
}

struct reg_key *reg_key_alloc(uint64_t id, ACCESS_MASK access)
{
    struct reg_key *k;

    pthread_once(&reg_key_type_once, reg_key_type_init);
    if (!NT_SUCCESS(ob_create_object(*CmKeyObjectType, sizeof(*k), 0, NULL, (void **)&k)))
        return NULL;
    k->id = id;
    k->access = access;
    pthread_mutex_init(&k->lock, NULL);
    return k;
}

struct reg_key *reg_key_get(struct reg_key *key)
{
    return key ? ob_reference(key) : NULL;
}

void reg_key_put(struct reg_key *key)
{
    ob_dereference(key);
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

/* The handle holds its own reference; the caller keeps (and drops) its. */
NTSTATUS reg_handle_insert(struct reg_key *key, ULONG attributes, HANDLE *out)
{
    return ob_open_handle(key, key->access, attributes & (OBJ_KERNEL_HANDLE | OBJ_INHERIT), out);
}

/* Zw calls come from kernel mode, where ob checks no access; the registry
 * still holds each handle to the rights it was opened with (a driver that
 * writes through a KEY_READ handle has a bug that user mode would hit). */
NTSTATUS reg_handle_ref(HANDLE h, ACCESS_MASK need, struct reg_key **out)
{
    OBJECT_HANDLE_INFORMATION info = { 0 };
    void *body;
    NTSTATUS st;

    st = ob_reference_by_handle(h, 0, *CmKeyObjectType, KernelMode, &body, &info);
    if (!NT_SUCCESS(st))
        return st;
    if ((info.GrantedAccess & need) != need) {
        ob_dereference(body);
        return STATUS_ACCESS_DENIED;
    }
    *out = body;
    return STATUS_SUCCESS;
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
        /* A relative open/create of "" opens the root key itself, if it
         * still exists. */
        struct reg_keyinfo *ki;
        if (!NT_SUCCESS(st = reg_st_get_key(cx, cur, &ki)))
            return st;
        free(ki);
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
