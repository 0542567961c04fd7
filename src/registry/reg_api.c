/*
 * reg_api.c - the internal API of reg.h: UTF-8 names, explicit caller,
 * references instead of handles. Each call is one store operation in one
 * transaction (or a nested part of the thread's installer transaction).
 */
#define _GNU_SOURCE
#include "registry/regp.h"

#include <stdlib.h>
#include <string.h>

/* UTF-8 -> counted UTF-16 (malloc'd). NULL name -> empty. */
static NTSTATUS to_w(const char *s, WCHAR **w, size_t *cch)
{
    *w = rtl_utf8_to_wstr(s ? s : "", (size_t)-1);
    if (!*w)
        return STATUS_INSUFFICIENT_RESOURCES;
    *cch = rtl_wcslen(*w);
    return STATUS_SUCCESS;
}

static NTSTATUS begin(struct reg_ctx *cx, const struct reg_caller *c, bool write)
{
    NTSTATUS st = reg_ctx_begin(cx, write);
    if (NT_SUCCESS(st) && c)
        cx->caller = c;
    return st;
}

static NTSTATUS open_common(const struct reg_caller *c, struct reg_key *parent, const char *path,
                            ACCESS_MASK access, bool create, ULONG options, ULONG *disp,
                            struct reg_key **out)
{
    struct reg_ctx cx;
    WCHAR *w;
    size_t cch;
    uint64_t id;
    NTSTATUS st;

    if (!path || !out)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = to_w(path, &w, &cch)))
        return st;
    /* Internal callers may write '/' or '\\'; one separator inside. */
    for (size_t i = 0; i < cch; i++)
        if (w[i] == L'/')
            w[i] = L'\\';
    if (NT_SUCCESS(st = begin(&cx, c, create))) {
        st = reg_resolve(&cx, parent ? parent->id : REG_ID_NONE, w, cch, create, NULL, 0, NULL,
                         0, options & (REG_OPTION_VOLATILE | REG_CREATE_PARENTS), &id, disp);
        st = reg_ctx_end(&cx, st);
    }
    free(w);
    if (!NT_SUCCESS(st))
        return st;
    *out = reg_key_alloc(id, reg_map_access(access));
    return *out ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

NTSTATUS reg_key_open(const struct reg_caller *c, struct reg_key *parent, const char *path,
                      ACCESS_MASK access, struct reg_key **out)
{
    return open_common(c, parent, path, access, false, 0, NULL, out);
}

NTSTATUS reg_key_create(const struct reg_caller *c, struct reg_key *parent, const char *path,
                        ACCESS_MASK access, ULONG options, ULONG *disposition,
                        struct reg_key **out)
{
    return open_common(c, parent, path, access, true, options, disposition, out);
}

NTSTATUS reg_key_delete(const struct reg_caller *c, struct reg_key *key)
{
    struct reg_ctx cx;
    NTSTATUS st;

    if (!key)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = begin(&cx, c, true)))
        return st;
    return reg_ctx_end(&cx, reg_st_delete(&cx, key->id));
}

static NTSTATUS delete_tree(struct reg_ctx *cx, uint64_t id, int depth)
{
    struct reg_key tmp;
    uint64_t child;
    NTSTATUS st;

    if (depth > 512)
        return STATUS_REGISTRY_CORRUPT;
    memset(&tmp, 0, sizeof(tmp));
    tmp.id = id;
    pthread_mutex_init(&tmp.lock, NULL);
    for (;;) {
        st = reg_st_enum_key(cx, &tmp, 0, &child);
        if (st == STATUS_NO_MORE_ENTRIES)
            break;
        if (!NT_SUCCESS(st) || !NT_SUCCESS(st = delete_tree(cx, child, depth + 1)))
            goto out;
    }
    st = reg_st_delete(cx, id);
out:
    pthread_mutex_destroy(&tmp.lock);
    return st;
}

NTSTATUS reg_key_delete_tree(const struct reg_caller *c, struct reg_key *key)
{
    struct reg_ctx cx;
    NTSTATUS st;

    if (!key)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = begin(&cx, c, true)))
        return st;
    return reg_ctx_end(&cx, delete_tree(&cx, key->id, 0));
}

NTSTATUS reg_value_set(const struct reg_caller *c, struct reg_key *key, const char *name,
                       ULONG type, const void *data, ULONG size)
{
    struct reg_ctx cx;
    WCHAR *w;
    size_t cch;
    NTSTATUS st;

    if (!key)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_check_value_data(type, data, size)))
        return st;
    if (!NT_SUCCESS(st = to_w(name, &w, &cch)))
        return st;
    if (cch > REG_MAX_VALUE_NAME_CCH)
        st = STATUS_INVALID_PARAMETER;
    else if (NT_SUCCESS(st = begin(&cx, c, true)))
        st = reg_ctx_end(&cx, reg_st_set_value(&cx, key->id, w, cch, type, data, size));
    free(w);
    return st;
}

NTSTATUS reg_value_set_string(const struct reg_caller *c, struct reg_key *key, const char *name,
                              ULONG type, const char *utf8)
{
    WCHAR *w;
    size_t cch;
    NTSTATUS st;

    if (type != REG_SZ && type != REG_EXPAND_SZ)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = to_w(utf8, &w, &cch)))
        return st;
    st = reg_value_set(c, key, name, type, w, (ULONG)((cch + 1) * sizeof(WCHAR)));
    free(w);
    return st;
}

NTSTATUS reg_value_set_dword(const struct reg_caller *c, struct reg_key *key, const char *name,
                             ULONG value)
{
    return reg_value_set(c, key, name, REG_DWORD, &value, sizeof(value));
}

NTSTATUS reg_value_query(const struct reg_caller *c, struct reg_key *key, const char *name,
                         ULONG *type, void *buf, ULONG size, ULONG *needed)
{
    struct reg_value_view v;
    struct reg_ctx cx;
    WCHAR *w;
    size_t cch;
    NTSTATUS st;

    if (!key || (!buf && size))
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = to_w(name, &w, &cch)))
        return st;
    if (NT_SUCCESS(st = begin(&cx, c, false))) {
        st = cch > REG_MAX_VALUE_NAME_CCH ? STATUS_OBJECT_NAME_NOT_FOUND
                                          : reg_st_get_value(&cx, key->id, w, cch, &v);
        if (NT_SUCCESS(st)) {
            if (type)
                *type = v.type;
            if (needed)
                *needed = v.data_len;
            if (size)
                memcpy(buf, v.data, v.data_len < size ? v.data_len : size);
            if (v.data_len > size)
                st = STATUS_BUFFER_OVERFLOW;
        }
        st = reg_ctx_end(&cx, st);
    }
    free(w);
    return st;
}

NTSTATUS reg_value_query_dword(const struct reg_caller *c, struct reg_key *key, const char *name,
                               ULONG *value)
{
    ULONG type, needed, v;
    NTSTATUS st;

    if (!value)
        return STATUS_INVALID_PARAMETER;
    st = reg_value_query(c, key, name, &type, &v, sizeof(v), &needed);
    if (st == STATUS_BUFFER_OVERFLOW || (NT_SUCCESS(st) && (type != REG_DWORD || needed != 4)))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (NT_SUCCESS(st))
        *value = v;
    return st;
}

NTSTATUS reg_value_query_string(const struct reg_caller *c, struct reg_key *key, const char *name,
                                int expand, char *buf, size_t size)
{
    ULONG type, needed = 0;
    NTSTATUS st;
    uint8_t *data;

    if (!buf || !size)
        return STATUS_INVALID_PARAMETER;
    st = reg_value_query(c, key, name, &type, NULL, 0, &needed);
    if (!NT_SUCCESS(st) && st != STATUS_BUFFER_OVERFLOW)
        return st;
    if (type != REG_SZ && type != REG_EXPAND_SZ && type != REG_MULTI_SZ)
        return STATUS_OBJECT_TYPE_MISMATCH;
    data = calloc(1, needed + 4);
    if (!data)
        return STATUS_INSUFFICIENT_RESOURCES;
    st = reg_value_query(c, key, name, &type, data, needed, &needed);
    if (!NT_SUCCESS(st)) {
        free(data);
        return st == STATUS_BUFFER_OVERFLOW ? STATUS_RETRY : st;   /* changed meanwhile */
    }
    size_t cch = needed / 2;
    const WCHAR *w = (const WCHAR *)data;
    WCHAR *exp = NULL;
    if (type != REG_MULTI_SZ) {
        cch = rtl_wcsnlen(w, cch);
        if (type == REG_EXPAND_SZ && expand) {
            st = reg_expand_string(w, cch, &exp, &cch);
            if (!NT_SUCCESS(st)) {
                free(data);
                return st;
            }
            w = exp;
        }
    } else {
        /* keep the inner NULs; make sure of the double NUL at the end */
        while (cch && w[cch - 1] == 0)
            cch--;
        cch += 2;
    }
    size_t out_len = 0;
    st = rtl_utf16_to_utf8(buf, size - 1, &out_len, w, cch);
    if (st == STATUS_BUFFER_TOO_SMALL)
        st = STATUS_BUFFER_OVERFLOW;
    else
        st = STATUS_SUCCESS;
    buf[out_len < size ? out_len : size - 1] = 0;
    free(exp);
    free(data);
    return st;
}

NTSTATUS reg_value_delete(const struct reg_caller *c, struct reg_key *key, const char *name)
{
    struct reg_ctx cx;
    WCHAR *w;
    size_t cch;
    NTSTATUS st;

    if (!key)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = to_w(name, &w, &cch)))
        return st;
    if (cch > REG_MAX_VALUE_NAME_CCH)
        st = STATUS_OBJECT_NAME_NOT_FOUND;
    else if (NT_SUCCESS(st = begin(&cx, c, true)))
        st = reg_ctx_end(&cx, reg_st_delete_value(&cx, key->id, w, cch));
    free(w);
    return st;
}

static NTSTATUS name_out(const void *name, size_t bytes, char *buf, size_t size)
{
    WCHAR *w = malloc(bytes + 2);
    size_t n = 0;
    NTSTATUS st;

    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(w, name, bytes);
    st = rtl_utf16_to_utf8(buf, size - 1, &n, w, bytes / 2);
    buf[n < size ? n : size - 1] = 0;
    free(w);
    return st == STATUS_BUFFER_TOO_SMALL ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSTATUS reg_key_enum(const struct reg_caller *c, struct reg_key *key, ULONG index, char *name,
                      size_t name_size)
{
    struct reg_keyinfo *ki;
    struct reg_ctx cx;
    uint64_t child;
    NTSTATUS st;

    if (!key || !name || !name_size)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = begin(&cx, c, false)))
        return st;
    st = reg_st_enum_key(&cx, key, index, &child);
    if (NT_SUCCESS(st) && NT_SUCCESS(st = reg_st_get_key(&cx, child, &ki))) {
        st = name_out(ki->name, ki->name_len, name, name_size);
        free(ki);
    }
    return reg_ctx_end(&cx, st);
}

NTSTATUS reg_value_enum(const struct reg_caller *c, struct reg_key *key, ULONG index, char *name,
                        size_t name_size, ULONG *type, void *buf, ULONG size, ULONG *needed)
{
    struct reg_value_view v;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!key || (!buf && size))
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = begin(&cx, c, false)))
        return st;
    st = reg_st_enum_value(&cx, key, index, &v);
    if (NT_SUCCESS(st)) {
        if (name && name_size)
            st = name_out(v.name, v.name_len, name, name_size);
        if (type)
            *type = v.type;
        if (needed)
            *needed = v.data_len;
        if (size)
            memcpy(buf, v.data, v.data_len < size ? v.data_len : size);
        if (NT_SUCCESS(st) && v.data_len > size)
            st = STATUS_BUFFER_OVERFLOW;
    }
    return reg_ctx_end(&cx, st);
}

NTSTATUS reg_key_counts(struct reg_key *key, ULONG *subkeys, ULONG *values)
{
    struct reg_keyinfo *ki;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!key)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_ctx_begin(&cx, false)))
        return st;
    if (NT_SUCCESS(st = reg_st_get_key(&cx, key->id, &ki))) {
        if (subkeys)
            *subkeys = ki->subkeys;
        if (values)
            *values = ki->values;
        free(ki);
    }
    return reg_ctx_end(&cx, st);
}

NTSTATUS reg_key_path(struct reg_key *key, char *buf, size_t size)
{
    struct reg_ctx cx;
    WCHAR *p;
    size_t cch;
    NTSTATUS st;

    if (!key || !buf || !size)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_ctx_begin(&cx, false)))
        return st;
    if (NT_SUCCESS(st = reg_st_path(&cx, key->id, &p, &cch))) {
        st = name_out(p, cch * 2, buf, size);
        free(p);
    }
    return reg_ctx_end(&cx, st);
}

NTSTATUS reg_key_set_readonly(const struct reg_caller *c, struct reg_key *key, BOOLEAN readonly)
{
    struct reg_ctx cx;
    NTSTATUS st;

    if (!key)
        return STATUS_INVALID_PARAMETER;
    if (!c || c->kind != REG_CALLER_INSTALLER)
        return STATUS_ACCESS_DENIED;
    if (!NT_SUCCESS(st = begin(&cx, c, true)))
        return st;
    return reg_ctx_end(&cx, reg_st_set_flags(&cx, key->id, readonly ? REG_KF_READONLY : 0,
                                             readonly ? 0 : REG_KF_READONLY));
}

BOOLEAN reg_key_is_readonly(struct reg_key *key)
{
    struct reg_ctx cx;
    bool ro = false;

    if (!key || !NT_SUCCESS(reg_ctx_begin(&cx, false)))
        return FALSE;
    reg_ctx_end(&cx, reg_st_readonly(&cx, key->id, &ro));
    return ro;
}

NTSTATUS reg_key_set_security(const struct reg_caller *c, struct reg_key *key, const void *sd,
                              ULONG len)
{
    struct reg_ctx cx;
    NTSTATUS st;

    if (!key || (sd && reg_sd_length(sd, len) == 0))
        return STATUS_INVALID_SECURITY_DESCR;
    if (!NT_SUCCESS(st = begin(&cx, c, true)))
        return st;
    st = reg_check_writable(&cx, key->id);
    if (NT_SUCCESS(st))
        st = reg_st_set_security(&cx, key->id, sd, sd ? reg_sd_length(sd, len) : 0);
    return reg_ctx_end(&cx, st);
}

NTSTATUS reg_key_get_security(struct reg_key *key, void *buf, ULONG size, ULONG *needed)
{
    struct reg_keyinfo *ki;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!key || (!buf && size))
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_ctx_begin(&cx, false)))
        return st;
    if (NT_SUCCESS(st = reg_st_get_key(&cx, key->id, &ki))) {
        if (needed)
            *needed = ki->sd_len;
        if (ki->sd_len > size)
            st = STATUS_BUFFER_TOO_SMALL;
        else if (ki->sd_len)
            memcpy(buf, ki->sd, ki->sd_len);
        free(ki);
    }
    return reg_ctx_end(&cx, st);
}
