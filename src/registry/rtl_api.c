/*
 * rtl_api.c - the Rtl registry helpers (RtlQueryRegistryValues and
 * friends) and REG_EXPAND_SZ expansion.
 *
 * RtlQueryRegistryValues never holds a database transaction while it calls
 * a driver's QueryRoutine: each value is copied out in its own short read
 * transaction, so a routine may itself use the registry.
 *
 * Expansion knows the variables that make sense for a driver here, all
 * under the state root: %DriverData% (ROOT/DriverData), %ProgramData%
 * (ROOT/ProgramData), %SystemRoot% (ROOT/Windows) and %SystemDrive% (ROOT,
 * the "C:" of this system). Unknown variables stay as written, as Windows
 * leaves them. The Environment argument of RtlQueryRegistryValues is not
 * consulted.
 */
#define _GNU_SOURCE
#include "registry/regp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- expansion --------------------------------------------------------- */

static const struct { const char *name; const char *suffix; } reg_vars[] = {
    { "DriverData", "/DriverData" },
    { "ProgramData", "/ProgramData" },
    { "SystemRoot", "/Windows" },
    { "SystemDrive", "" },
};

static bool var_eq(const WCHAR *w, size_t n, const char *a)
{
    if (strlen(a) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (rtl_upcase(w[i]) != rtl_upcase((WCHAR)(unsigned char)a[i]))
            return false;
    return true;
}

NTSTATUS reg_expand_string(const WCHAR *in, size_t len, WCHAR **out, size_t *out_len)
{
    WCHAR *vals[4] = { 0 };
    size_t vlen[4] = { 0 };
    size_t cap = len + 1, n = 0;
    WCHAR *res;
    NTSTATUS st = STATUS_SUCCESS;

    if (!out || (!in && len))
        return STATUS_INVALID_PARAMETER;
    res = malloc(cap * sizeof(WCHAR));
    if (!res)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (size_t i = 0; i < len; ) {
        const WCHAR *rep = NULL;
        size_t rep_len = 0, consumed = 1;
        if (in[i] == L'%') {
            size_t j = i + 1;
            while (j < len && in[j] != L'%')
                j++;
            if (j < len) {
                for (size_t v = 0; v < sizeof(reg_vars) / sizeof(reg_vars[0]); v++) {
                    if (!var_eq(in + i + 1, j - i - 1, reg_vars[v].name))
                        continue;
                    if (!vals[v]) {
                        char buf[4200];
                        snprintf(buf, sizeof(buf), "%s%s", krnl_root(), reg_vars[v].suffix);
                        vals[v] = rtl_utf8_to_wstr(buf, (size_t)-1);
                        if (!vals[v]) {
                            st = STATUS_INSUFFICIENT_RESOURCES;
                            goto out;
                        }
                        vlen[v] = rtl_wcslen(vals[v]);
                    }
                    rep = vals[v];
                    rep_len = vlen[v];
                    consumed = j - i + 1;
                    break;
                }
                if (!rep) {
                    /* unknown: copy "%name" and continue at the closing
                     * '%', which may open the next variable */
                    rep = in + i;
                    rep_len = j - i;
                    consumed = j - i;
                }
            }
        }
        if (!rep) {
            rep = in + i;
            rep_len = 1;
        }
        if (n + rep_len + 1 > cap) {
            cap = (n + rep_len + 1) * 2;
            WCHAR *r2 = realloc(res, cap * sizeof(WCHAR));
            if (!r2) {
                st = STATUS_INSUFFICIENT_RESOURCES;
                goto out;
            }
            res = r2;
        }
        memcpy(res + n, rep, rep_len * sizeof(WCHAR));
        n += rep_len;
        i += consumed;
    }
    res[n] = 0;
out:
    for (int v = 0; v < 4; v++)
        free(vals[v]);
    if (!NT_SUCCESS(st)) {
        free(res);
        return st;
    }
    *out = res;
    if (out_len)
        *out_len = n;
    return STATUS_SUCCESS;
}

/* ---- opening by RelativeTo --------------------------------------------- */

static const char *const rtl_bases[RTL_REGISTRY_MAXIMUM] = {
    [RTL_REGISTRY_ABSOLUTE] = "",
    [RTL_REGISTRY_SERVICES] = "\\Registry\\Machine\\System\\CurrentControlSet\\Services",
    [RTL_REGISTRY_CONTROL] = "\\Registry\\Machine\\System\\CurrentControlSet\\Control",
    [RTL_REGISTRY_WINDOWS_NT] = "\\Registry\\Machine\\Software\\Microsoft\\Windows NT\\CurrentVersion",
    [RTL_REGISTRY_DEVICEMAP] = "\\Registry\\Machine\\Hardware\\DeviceMap",
    [RTL_REGISTRY_USER] = "\\Registry\\User\\.Default",
};

static NTSTATUS rtl_open(ULONG RelativeTo, PCWSTR Path, bool create, struct reg_key **out)
{
    ULONG rel = RelativeTo & ~(ULONG)(RTL_REGISTRY_OPTIONAL | RTL_REGISTRY_HANDLE);
    struct reg_ctx cx;
    WCHAR *full;
    size_t n = 0, plen;
    uint64_t id;
    NTSTATUS st;

    if (RelativeTo & RTL_REGISTRY_HANDLE)
        return reg_handle_ref((HANDLE)Path, 0, out);
    if (rel >= RTL_REGISTRY_MAXIMUM)
        return STATUS_INVALID_PARAMETER;
    if (rel == RTL_REGISTRY_ABSOLUTE && !Path)
        return STATUS_INVALID_PARAMETER;
    plen = Path ? rtl_wcsnlen(Path, UNICODE_STRING_MAX_CHARS + 1) : 0;
    if (plen > UNICODE_STRING_MAX_CHARS)
        return STATUS_NAME_TOO_LONG;
    const char *base = (Path && Path[0] == L'\\') ? "" : rtl_bases[rel];
    size_t blen = strlen(base);
    full = malloc((blen + 1 + plen + 1) * sizeof(WCHAR));
    if (!full)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (size_t i = 0; i < blen; i++)
        full[n++] = (WCHAR)base[i];
    if (blen && plen)
        full[n++] = L'\\';
    if (plen)
        memcpy(full + n, Path, plen * sizeof(WCHAR));
    n += plen;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, create))) {
        st = reg_resolve(&cx, REG_ID_NONE, full, n, create, NULL, 0, NULL, 0, 0, &id, NULL);
        st = reg_ctx_end(&cx, st);
    }
    free(full);
    if (!NT_SUCCESS(st))
        return st;
    *out = reg_key_alloc(id, KEY_ALL_ACCESS);
    return *out ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

NTSYSAPI NTSTATUS NTAPI RtlCreateRegistryKey(ULONG RelativeTo, PWSTR Path)
{
    struct reg_key *k;
    NTSTATUS st;

    if (RelativeTo & RTL_REGISTRY_HANDLE)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = rtl_open(RelativeTo, Path, true, &k)))
        return st;
    reg_key_put(k);
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI RtlCheckRegistryKey(ULONG RelativeTo, PWSTR Path)
{
    struct reg_key *k;
    NTSTATUS st;

    if (!NT_SUCCESS(st = rtl_open(RelativeTo, Path, false, &k)))
        return st;
    reg_key_put(k);
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI RtlWriteRegistryValue(ULONG RelativeTo, PCWSTR Path, PCWSTR ValueName,
                                              ULONG ValueType, PVOID ValueData,
                                              ULONG ValueLength)
{
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!ValueName)
        return STATUS_INVALID_PARAMETER;
    size_t n = rtl_wcsnlen(ValueName, REG_MAX_VALUE_NAME_CCH + 1);
    if (n > REG_MAX_VALUE_NAME_CCH)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_check_value_data(ValueType, ValueData, ValueLength)))
        return st;
    if (!NT_SUCCESS(st = rtl_open(RelativeTo, Path, false, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, true)))
        st = reg_ctx_end(&cx, reg_st_set_value(&cx, k->id, ValueName, n, ValueType, ValueData,
                                               ValueLength));
    reg_key_put(k);
    return st;
}

NTSYSAPI NTSTATUS NTAPI RtlDeleteRegistryValue(ULONG RelativeTo, PCWSTR Path, PCWSTR ValueName)
{
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!ValueName)
        return STATUS_INVALID_PARAMETER;
    size_t n = rtl_wcsnlen(ValueName, REG_MAX_VALUE_NAME_CCH + 1);
    if (n > REG_MAX_VALUE_NAME_CCH)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (!NT_SUCCESS(st = rtl_open(RelativeTo, Path, false, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, true)))
        st = reg_ctx_end(&cx, reg_st_delete_value(&cx, k->id, ValueName, n));
    reg_key_put(k);
    return st;
}

/* ---- RtlQueryRegistryValues ---------------------------------------------- */

/* A value copied out of the store: NUL-terminated name and data with two
 * spare NUL bytes after it (so string data is always terminated). */
struct rtl_val {
    WCHAR *name;
    ULONG type;
    uint8_t *data;
    ULONG len;
};

static void rtl_val_free(struct rtl_val *v)
{
    free(v->name);
    free(v->data);
    memset(v, 0, sizeof(*v));
}

static NTSTATUS rtl_val_copy(const struct reg_value_view *vv, struct rtl_val *v)
{
    v->name = malloc(vv->name_len + 2);
    v->data = malloc(vv->data_len + 4);
    if (!v->name || !v->data) {
        rtl_val_free(v);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memcpy(v->name, vv->name, vv->name_len);
    v->name[vv->name_len / 2] = 0;
    memcpy(v->data, vv->data, vv->data_len);
    memset(v->data + vv->data_len, 0, 4);
    v->type = vv->type;
    v->len = vv->data_len;
    return STATUS_SUCCESS;
}

/* Reads value `name` (NULL: by index) of key into v. */
static NTSTATUS rtl_read(struct reg_key *k, const WCHAR *name, ULONG index, struct rtl_val *v)
{
    struct reg_value_view vv;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!NT_SUCCESS(st = reg_ctx_begin(&cx, false)))
        return st;
    if (name) {
        size_t n = rtl_wcsnlen(name, REG_MAX_VALUE_NAME_CCH + 1);
        st = n > REG_MAX_VALUE_NAME_CCH ? STATUS_OBJECT_NAME_NOT_FOUND
                                        : reg_st_get_value(&cx, k->id, name, n, &vv);
    } else {
        st = reg_st_enum_value(&cx, k, index, &vv);
    }
    if (NT_SUCCESS(st))
        st = rtl_val_copy(&vv, v);
    return reg_ctx_end(&cx, st);
}

static bool is_string_type(ULONG t)
{
    return t == REG_SZ || t == REG_EXPAND_SZ || t == REG_MULTI_SZ;
}

/* Delivers one value to a table entry (DIRECT or the QueryRoutine). */
static NTSTATUS rtl_deliver(PRTL_QUERY_REGISTRY_TABLE e, PWSTR name, ULONG type,
                            const void *data, ULONG len, bool spare, PVOID Context)
{
    WCHAR *expanded = NULL;
    NTSTATUS st = STATUS_SUCCESS;

    /* String data handed on always carries its terminator. */
    if (is_string_type(type) && len >= 2 && spare) {
        WCHAR last;
        memcpy(&last, (const uint8_t *)data + (len & ~1u) - 2, 2);
        len &= ~1u;
        if (last != 0)
            len += 2;      /* the copy has spare NULs after the data */
    }
    if (type == REG_EXPAND_SZ && !(e->Flags & RTL_QUERY_REGISTRY_NOEXPAND)) {
        size_t n;
        ULONG cch = len / 2;
        if (cch && ((const WCHAR *)data)[cch - 1] == 0)
            cch--;
        if (!NT_SUCCESS(st = reg_expand_string(data, cch, &expanded, &n)))
            return st;
        data = expanded;
        len = (ULONG)((n + 1) * sizeof(WCHAR));
        type = REG_SZ;
    }
    if (e->Flags & RTL_QUERY_REGISTRY_DIRECT) {
        if (!e->EntryContext) {
            st = STATUS_INVALID_PARAMETER;
        } else if (is_string_type(type)) {
            PUNICODE_STRING us = e->EntryContext;
            ULONG need = len < 2 ? 2 : len;
            if (need > UNICODE_STRING_MAX_BYTES) {
                st = STATUS_BUFFER_TOO_SMALL;
            } else if (!us->Buffer) {
                us->Buffer = rtl_pool_alloc(need, 'gRdD');
                if (!us->Buffer) {
                    st = STATUS_INSUFFICIENT_RESOURCES;
                } else {
                    us->MaximumLength = (USHORT)need;
                }
            } else if (us->MaximumLength < need) {
                st = STATUS_BUFFER_TOO_SMALL;
            }
            if (NT_SUCCESS(st)) {
                if (len >= 2)
                    memcpy(us->Buffer, data, len);
                else
                    us->Buffer[0] = 0;
                us->Length = (USHORT)(need - 2);
            }
        } else if (len <= sizeof(ULONG)) {
            memcpy(e->EntryContext, data, len);
        } else {
            LONG size;
            memcpy(&size, e->EntryContext, sizeof(size));
            if (size < 0) {
                if ((ULONG)-(int64_t)size < len)
                    st = STATUS_BUFFER_TOO_SMALL;
                else
                    memcpy(e->EntryContext, data, len);
            } else {
                if ((ULONG)size < len + 2 * sizeof(ULONG)) {
                    st = STATUS_BUFFER_TOO_SMALL;
                } else {
                    ULONG hdr[2] = { len, type };
                    memcpy(e->EntryContext, hdr, sizeof(hdr));
                    memcpy((uint8_t *)e->EntryContext + sizeof(hdr), data, len);
                }
            }
        }
    } else if (type == REG_MULTI_SZ && !(e->Flags & RTL_QUERY_REGISTRY_NOEXPAND)) {
        /* One call per string, each as REG_SZ with its terminator. */
        const WCHAR *w = data;
        size_t cch = len / 2, i = 0;
        while (i < cch && w[i]) {
            size_t j = i;
            while (j < cch && w[j])
                j++;
            WCHAR *one = rtl_wcsndup(w + i, j - i);
            if (!one) {
                st = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            st = e->QueryRoutine(name, REG_SZ, one, (ULONG)((j - i + 1) * sizeof(WCHAR)),
                                 Context, e->EntryContext);
            free(one);
            if (!NT_SUCCESS(st))
                break;
            i = j + 1;
        }
    } else {
        st = e->QueryRoutine(name, type, (PVOID)data, len, Context, e->EntryContext);
    }
    free(expanded);
    return st;
}

static ULONG default_length(ULONG type, const void *data)
{
    const WCHAR *w = data;
    size_t n = 0;

    if (!data)
        return 0;
    if (type == REG_SZ || type == REG_EXPAND_SZ)
        return (ULONG)((rtl_wcslen(w) + 1) * sizeof(WCHAR));
    if (type == REG_MULTI_SZ) {
        while (w[n] || w[n + 1])
            n++;
        return (ULONG)((n + 2) * sizeof(WCHAR));
    }
    return 0;
}

/* Calls the entry's routine for every value of k. */
static NTSTATUS rtl_all_values(PRTL_QUERY_REGISTRY_TABLE e, struct reg_key *k, PVOID Context)
{
    NTSTATUS st;

    if (e->Flags & RTL_QUERY_REGISTRY_NOVALUE)
        return e->QueryRoutine(NULL, REG_NONE, NULL, 0, Context, e->EntryContext);
    for (ULONG i = 0;; i++) {
        struct rtl_val v = { 0 };
        st = rtl_read(k, NULL, i, &v);
        if (st == STATUS_NO_MORE_ENTRIES)
            return STATUS_SUCCESS;
        if (!NT_SUCCESS(st))
            return st;
        st = rtl_deliver(e, v.name, v.type, v.data, v.len, true, Context);
        rtl_val_free(&v);
        if (!NT_SUCCESS(st))
            return st;
    }
}

static NTSTATUS rtl_open_sub(struct reg_key *top, PCWSTR name, struct reg_key **out)
{
    struct reg_ctx cx;
    uint64_t id;
    NTSTATUS st;

    if (!NT_SUCCESS(st = reg_ctx_begin(&cx, false)))
        return st;
    st = reg_resolve(&cx, top->id, name, rtl_wcsnlen(name, UNICODE_STRING_MAX_CHARS), false,
                     NULL, 0, NULL, 0, 0, &id, NULL);
    if (!NT_SUCCESS(st = reg_ctx_end(&cx, st)))
        return st;
    *out = reg_key_alloc(id, KEY_ALL_ACCESS);
    return *out ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

NTSYSAPI NTSTATUS NTAPI RtlQueryRegistryValues(ULONG RelativeTo, PCWSTR Path,
                                               PRTL_QUERY_REGISTRY_TABLE QueryTable,
                                               PVOID Context, PVOID Environment)
{
    struct reg_key *top, *cur;
    NTSTATUS st = STATUS_SUCCESS;

    (void)Environment;
    if (!QueryTable)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = rtl_open(RelativeTo, Path, false, &top)))
        return st;
    cur = reg_key_get(top);
    for (PRTL_QUERY_REGISTRY_TABLE e = QueryTable; e->QueryRoutine || e->Name; e++) {
        ULONG f = e->Flags;
        if (f & (RTL_QUERY_REGISTRY_SUBKEY | RTL_QUERY_REGISTRY_TOPKEY)) {
            reg_key_put(cur);
            cur = NULL;
            if ((f & RTL_QUERY_REGISTRY_SUBKEY) && e->Name) {
                st = rtl_open_sub(top, e->Name, &cur);
                if (!NT_SUCCESS(st)) {
                    if (st == STATUS_OBJECT_NAME_NOT_FOUND && !(f & RTL_QUERY_REGISTRY_REQUIRED)) {
                        st = STATUS_SUCCESS;
                        cur = NULL;      /* entries up to the next SUBKEY/TOPKEY skip */
                        continue;
                    }
                    goto out;
                }
            } else {
                cur = reg_key_get(top);
            }
            /* A focus entry with a routine gets every value of its key. */
            if (e->QueryRoutine && !NT_SUCCESS(st = rtl_all_values(e, cur, Context)))
                goto out;
            continue;
        }
        if (!cur)
            continue;
        if (!e->Name) {
            if (f & RTL_QUERY_REGISTRY_DIRECT) {
                st = STATUS_INVALID_PARAMETER;
                goto out;
            }
            if (!NT_SUCCESS(st = rtl_all_values(e, cur, Context)))
                goto out;
            continue;
        }
        if (!(f & RTL_QUERY_REGISTRY_DIRECT) && !e->QueryRoutine) {
            st = STATUS_INVALID_PARAMETER;
            goto out;
        }
        struct rtl_val v = { 0 };
        st = rtl_read(cur, e->Name, 0, &v);
        if (NT_SUCCESS(st)) {
            if ((f & RTL_QUERY_REGISTRY_TYPECHECK) && (f & RTL_QUERY_REGISTRY_DIRECT) &&
                (e->DefaultType >> RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) != (v.type & 0xff))
                st = STATUS_OBJECT_TYPE_MISMATCH;
            else
                st = rtl_deliver(e, e->Name, v.type, v.data, v.len, true, Context);
            rtl_val_free(&v);
            if (NT_SUCCESS(st) && (f & RTL_QUERY_REGISTRY_DELETE)) {
                struct reg_ctx cx;
                if (NT_SUCCESS(st = reg_ctx_begin(&cx, true)))
                    st = reg_ctx_end(&cx, reg_st_delete_value(&cx, cur->id, e->Name,
                                                              rtl_wcslen(e->Name)));
            }
            if (!NT_SUCCESS(st))
                goto out;
            continue;
        }
        if (st != STATUS_OBJECT_NAME_NOT_FOUND)
            goto out;
        if (f & RTL_QUERY_REGISTRY_REQUIRED)
            goto out;
        st = STATUS_SUCCESS;
        ULONG dtype = e->DefaultType & ~(ULONG)RTL_QUERY_REGISTRY_TYPECHECK_MASK;
        if (dtype != REG_NONE) {
            ULONG dlen = e->DefaultLength ? e->DefaultLength
                                          : default_length(dtype, e->DefaultData);
            if (!NT_SUCCESS(st = rtl_deliver(e, e->Name, dtype, e->DefaultData, dlen, false, Context)))
                goto out;
        }
    }
out:
    reg_key_put(cur);
    reg_key_put(top);
    return st;
}
