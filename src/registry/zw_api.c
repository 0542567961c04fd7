/*
 * zw_api.c - the Zw*Key DDIs: argument checks with the documented statuses,
 * then one store operation in one transaction (see store.c).
 *
 * Buffer conventions of the query/enumerate DDIs (as documented for
 * ZwQueryValueKey and friends): a buffer smaller than the fixed part of the
 * requested structure gets STATUS_BUFFER_TOO_SMALL and nothing written; a
 * buffer that holds the fixed part but not the variable part gets the fixed
 * part filled, as much of the name/data as fits, and
 * STATUS_BUFFER_OVERFLOW; *ResultLength is always the full size needed.
 *
 * Deliberate difference: REG_DWORD/REG_DWORD_BIG_ENDIAN data must be 4
 * bytes and REG_QWORD data 8 bytes (STATUS_INVALID_PARAMETER otherwise);
 * Windows stores any size. Other types, known or not, are stored as given
 * (PnP keeps DEVPROP types like 0xFFFF0012 in the registry).
 */
#define _GNU_SOURCE
#include "registry/regp.h"

#include <stdlib.h>
#include <string.h>

#define ALIGN4(x) (((x) + 3u) & ~3u)
#define ALIGN8(x) (((x) + 7u) & ~7u)

/* ---- argument checks --------------------------------------------------- */

/* A counted name: NULL buffer only when empty, even length, within max. */
static NTSTATUS check_name(PCUNICODE_STRING s, NTSTATUS odd_status)
{
    if (!s)
        return STATUS_INVALID_PARAMETER;
    if (s->Length > s->MaximumLength && s->MaximumLength)
        return STATUS_INVALID_PARAMETER;
    if (s->Length && !s->Buffer)
        return STATUS_INVALID_PARAMETER;
    if (s->Length & 1)
        return odd_status;
    return STATUS_SUCCESS;
}

/* Converts an absolute SECURITY_DESCRIPTOR (x64 layout: pointers at 8, 16,
 * 24, 32) or copies a self-relative one into a malloc'd self-relative
 * blob. */
static NTSTATUS capture_sd(const void *sdv, uint8_t **out, ULONG *out_len)
{
    const uint8_t *sd = sdv;
    ULONG len;

    *out = NULL;
    *out_len = 0;
    if (!sd)
        return STATUS_SUCCESS;
    if (sd[0] != 1)
        return STATUS_INVALID_SECURITY_DESCR;
    uint16_t control;
    memcpy(&control, sd + 2, 2);
    if (control & 0x8000) {
        len = reg_sd_length(sd, 0x10000);
        if (!len)
            return STATUS_INVALID_SECURITY_DESCR;
        *out = malloc(len);
        if (!*out)
            return STATUS_INSUFFICIENT_RESOURCES;
        memcpy(*out, sd, len);
        *out_len = len;
        return STATUS_SUCCESS;
    }
    const uint8_t *parts[4];
    ULONG sizes[4];
    len = 20;
    for (int i = 0; i < 4; i++) {
        memcpy(&parts[i], sd + 8 + 8 * i, sizeof(void *));
        sizes[i] = 0;
        if (!parts[i])
            continue;
        if (i < 2) {
            sizes[i] = 8 + 4u * parts[i][1];
        } else {
            uint16_t acl;
            memcpy(&acl, parts[i] + 2, 2);
            sizes[i] = acl;
            if (acl < 8)
                return STATUS_INVALID_SECURITY_DESCR;
        }
        len += ALIGN4(sizes[i]);
    }
    uint8_t *b = calloc(1, len);
    if (!b)
        return STATUS_INSUFFICIENT_RESOURCES;
    b[0] = 1;
    control |= 0x8000;
    memcpy(b + 2, &control, 2);
    /* self-relative order: owner, group, sacl, dacl offsets at 4, 8, 12, 16 */
    ULONG off = 20;
    static const int order[4] = { 2, 3, 0, 1 };   /* place SACL, DACL, owner, group */
    for (int n = 0; n < 4; n++) {
        int i = order[n];
        if (!parts[i])
            continue;
        memcpy(b + off, parts[i], sizes[i]);
        uint32_t o = off;
        memcpy(b + 4 + 4 * i, &o, 4);
        off += ALIGN4(sizes[i]);
    }
    *out = b;
    *out_len = len;
    return STATUS_SUCCESS;
}

/* ---- open and create --------------------------------------------------- */

static NTSTATUS zw_open(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                        POBJECT_ATTRIBUTES oa, bool create, PUNICODE_STRING Class,
                        ULONG CreateOptions, PULONG Disposition)
{
    struct reg_key *root = NULL, *k;
    struct reg_ctx cx;
    uint8_t *sd = NULL;
    ULONG sd_len = 0, disp = 0;
    uint64_t id;
    NTSTATUS st;

    if (!KeyHandle || !oa)
        return STATUS_INVALID_PARAMETER;
    if (oa->Length != sizeof(OBJECT_ATTRIBUTES) || (oa->Attributes & ~OBJ_VALID_ATTRIBUTES))
        return STATUS_INVALID_PARAMETER;
    if (oa->ObjectName && !NT_SUCCESS(st = check_name(oa->ObjectName, STATUS_OBJECT_NAME_INVALID)))
        return st;
    if (create) {
        if (CreateOptions & ~REG_LEGAL_OPTION)
            return STATUS_INVALID_PARAMETER;
        if (CreateOptions & REG_OPTION_CREATE_LINK) {
            krnl_log_once(KRNL_LOG_WARN, "registry: ZwCreateKey(REG_OPTION_CREATE_LINK): "
                          "symbolic link keys are not implemented");
            return STATUS_NOT_IMPLEMENTED;
        }
        if (Class && !NT_SUCCESS(st = check_name(Class, STATUS_INVALID_PARAMETER)))
            return st;
        if (!NT_SUCCESS(st = capture_sd(oa->SecurityDescriptor, &sd, &sd_len)))
            return st;
    }
    if (oa->RootDirectory) {
        if (!NT_SUCCESS(st = reg_handle_ref(oa->RootDirectory, 0, &root)))
            goto out;
    }
    const WCHAR *name = oa->ObjectName ? oa->ObjectName->Buffer : NULL;
    size_t cch = oa->ObjectName ? oa->ObjectName->Length / 2 : 0;
    if (!root && cch == 0) {
        st = STATUS_OBJECT_PATH_SYNTAX_BAD;
        goto out;
    }
    if (!NT_SUCCESS(st = reg_ctx_begin(&cx, create)))
        goto out;
    st = reg_resolve(&cx, root ? root->id : REG_ID_NONE, name, cch, create,
                     Class ? Class->Buffer : NULL, Class ? Class->Length / 2 : 0, sd, sd_len,
                     CreateOptions & REG_OPTION_VOLATILE, &id, &disp);
    st = reg_ctx_end(&cx, st);
    if (!NT_SUCCESS(st))
        goto out;
    k = reg_key_alloc(id, reg_map_access(DesiredAccess));
    if (!k) {
        st = STATUS_INSUFFICIENT_RESOURCES;
        goto out;
    }
    st = reg_handle_insert(k, oa->Attributes, KeyHandle);
    reg_key_put(k);
    if (!NT_SUCCESS(st))
        goto out;
    if (create && Disposition)
        *Disposition = disp;
out:
    reg_key_put(root);
    free(sd);
    return st;
}

NTSYSAPI NTSTATUS NTAPI ZwCreateKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes, ULONG TitleIndex,
                                    PUNICODE_STRING Class, ULONG CreateOptions,
                                    PULONG Disposition)
{
    (void)TitleIndex;
    return zw_open(KeyHandle, DesiredAccess, ObjectAttributes, true, Class, CreateOptions,
                   Disposition);
}

NTSYSAPI NTSTATUS NTAPI ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                  POBJECT_ATTRIBUTES ObjectAttributes)
{
    return zw_open(KeyHandle, DesiredAccess, ObjectAttributes, false, NULL, 0, NULL);
}

NTSYSAPI NTSTATUS NTAPI ZwOpenKeyEx(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes, ULONG OpenOptions)
{
    if (OpenOptions & ~REG_OPEN_LEGAL_OPTION)
        return STATUS_INVALID_PARAMETER;
    return zw_open(KeyHandle, DesiredAccess, ObjectAttributes, false, NULL, 0, NULL);
}

/* ---- delete, flush, set information ------------------------------------ */

NTSYSAPI NTSTATUS NTAPI ZwDeleteKey(HANDLE KeyHandle)
{
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, DELETE, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, true)))
        st = reg_ctx_end(&cx, reg_st_delete(&cx, k->id));
    reg_key_put(k);
    return st;
}

NTSYSAPI NTSTATUS NTAPI ZwFlushKey(HANDLE KeyHandle)
{
    struct reg_key *k;
    struct reg_ctx cx;
    struct reg_keyinfo *ki;
    NTSTATUS st;

    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, 0, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, false))) {
        st = reg_st_get_key(&cx, k->id, &ki);
        if (NT_SUCCESS(st))
            free(ki);
        st = reg_ctx_end(&cx, st);
    }
    /* Commits sync their data pages; this also syncs the meta page (and
     * is a no-op for a volatile key's store, which is never synced). */
    if (NT_SUCCESS(st))
        st = reg_flush();
    reg_key_put(k);
    return st;
}

NTSYSAPI NTSTATUS NTAPI ZwSetInformationKey(HANDLE KeyHandle,
                                            KEY_SET_INFORMATION_CLASS KeySetInformationClass,
                                            PVOID KeySetInformation,
                                            ULONG KeySetInformationLength)
{
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    if ((unsigned)KeySetInformationClass >= MaxKeySetInfoClass)
        return STATUS_INVALID_INFO_CLASS;
    if (KeySetInformationClass != KeyWriteTimeInformation) {
        krnl_log_once(KRNL_LOG_WARN, "registry: ZwSetInformationKey class %d not implemented",
                      (int)KeySetInformationClass);
        return STATUS_NOT_IMPLEMENTED;
    }
    if (KeySetInformationLength != sizeof(KEY_WRITE_TIME_INFORMATION))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!KeySetInformation)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, KEY_SET_VALUE, &k)))
        return st;
    KEY_WRITE_TIME_INFORMATION wt;
    memcpy(&wt, KeySetInformation, sizeof(wt));
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, true))) {
        st = reg_check_writable(&cx, k->id);
        if (NT_SUCCESS(st))
            st = reg_st_set_write_time(&cx, k->id, wt.LastWriteTime.QuadPart);
        st = reg_ctx_end(&cx, st);
    }
    reg_key_put(k);
    return st;
}

/* ---- key information --------------------------------------------------- */

static void put_u32(uint8_t *b, size_t off, ULONG len, uint32_t v)
{
    if (off + 4 <= len)
        memcpy(b + off, &v, 4);
}

static void put_bytes(uint8_t *b, size_t off, ULONG len, const void *src, size_t n)
{
    if (off >= len || !n)
        return;
    if (off + n > len)
        n = len - off;
    memcpy(b + off, src, n);
}

/* Fills one KEY_*_INFORMATION for ki. name/name_len may differ from ki's
 * (KeyNameInformation uses the full path). */
static NTSTATUS fill_key_info(struct reg_ctx *cx, const struct reg_keyinfo *ki,
                              KEY_INFORMATION_CLASS cls, void *buf, ULONG len, PULONG res)
{
    uint8_t *b = buf;
    ULONG fixed, total;
    LARGE_INTEGER lw;
    WCHAR *path = NULL;
    size_t path_cch = 0;
    NTSTATUS st;

    lw.QuadPart = ki->last_write;
    switch (cls) {
    case KeyBasicInformation:
        fixed = offsetof(KEY_BASIC_INFORMATION, Name);
        total = fixed + ki->name_len;
        break;
    case KeyNodeInformation:
        fixed = offsetof(KEY_NODE_INFORMATION, Name);
        total = ki->class_len ? ALIGN4(fixed + ki->name_len) + ki->class_len
                              : fixed + ki->name_len;
        break;
    case KeyFullInformation:
        fixed = offsetof(KEY_FULL_INFORMATION, Class);
        total = fixed + ki->class_len;
        break;
    case KeyNameInformation:
        if (!NT_SUCCESS(st = reg_st_path(cx, ki->id, &path, &path_cch)))
            return st;
        fixed = offsetof(KEY_NAME_INFORMATION, Name);
        total = fixed + (ULONG)(2 * path_cch);
        break;
    case KeyCachedInformation:
        fixed = total = sizeof(KEY_CACHED_INFORMATION);
        break;
    case KeyVirtualizationInformation:
    case KeyHandleTagsInformation:
    case KeyTrustInformation:
    case KeyLayerInformation:
        fixed = total = sizeof(ULONG);
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    *res = total;
    if (len < fixed) {
        free(path);
        return STATUS_BUFFER_TOO_SMALL;
    }
    if (!b) {
        free(path);
        return STATUS_INVALID_PARAMETER;
    }
    switch (cls) {
    case KeyBasicInformation: {
        KEY_BASIC_INFORMATION h = { lw, 0, ki->name_len, { 0 } };
        memcpy(b, &h, fixed);
        put_bytes(b, fixed, len, ki->name, ki->name_len);
        break;
    }
    case KeyNodeInformation: {
        ULONG coff = ki->class_len ? ALIGN4(fixed + ki->name_len) : 0xFFFFFFFFu;
        KEY_NODE_INFORMATION h = { lw, 0, coff, ki->class_len, ki->name_len, { 0 } };
        memcpy(b, &h, fixed);
        put_bytes(b, fixed, len, ki->name, ki->name_len);
        if (ki->class_len)
            put_bytes(b, coff, len, ki->class_name, ki->class_len);
        break;
    }
    case KeyFullInformation: {
        KEY_FULL_INFORMATION h = { lw, 0, ki->class_len ? fixed : 0xFFFFFFFFu, ki->class_len,
                                   ki->subkeys, ki->max_name, ki->max_class, ki->values,
                                   ki->max_vname, ki->max_vdata, { 0 } };
        memcpy(b, &h, fixed);
        put_bytes(b, fixed, len, ki->class_name, ki->class_len);
        break;
    }
    case KeyNameInformation:
        put_u32(b, 0, len, (uint32_t)(2 * path_cch));
        put_bytes(b, fixed, len, path, 2 * path_cch);
        break;
    case KeyCachedInformation: {
        KEY_CACHED_INFORMATION h = { lw, 0, ki->subkeys, ki->max_name, ki->values,
                                     ki->max_vname, ki->max_vdata, ki->name_len };
        memcpy(b, &h, sizeof(h));
        break;
    }
    default:
        put_u32(b, 0, len, 0);
        break;
    }
    free(path);
    return len < total ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI ZwQueryKey(HANDLE KeyHandle, KEY_INFORMATION_CLASS KeyInformationClass,
                                   PVOID KeyInformation, ULONG Length, PULONG ResultLength)
{
    struct reg_key *k;
    struct reg_keyinfo *ki;
    struct reg_ctx cx;
    ACCESS_MASK need = KEY_QUERY_VALUE;
    NTSTATUS st;

    if (!ResultLength || (!KeyInformation && Length))
        return STATUS_INVALID_PARAMETER;
    if ((unsigned)KeyInformationClass >= MaxKeyInfoClass || KeyInformationClass == KeyFlagsInformation)
        return STATUS_INVALID_PARAMETER;
    if (KeyInformationClass == KeyNameInformation || KeyInformationClass == KeyHandleTagsInformation)
        need = 0;
    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, need, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, false))) {
        if (NT_SUCCESS(st = reg_st_get_key(&cx, k->id, &ki))) {
            st = fill_key_info(&cx, ki, KeyInformationClass, KeyInformation, Length, ResultLength);
            free(ki);
        }
        st = reg_ctx_end(&cx, st);
    }
    reg_key_put(k);
    return st;
}

NTSYSAPI NTSTATUS NTAPI ZwEnumerateKey(HANDLE KeyHandle, ULONG Index,
                                       KEY_INFORMATION_CLASS KeyInformationClass,
                                       PVOID KeyInformation, ULONG Length, PULONG ResultLength)
{
    struct reg_key *k;
    struct reg_keyinfo *ki;
    struct reg_ctx cx;
    uint64_t child;
    NTSTATUS st;

    if (!ResultLength || (!KeyInformation && Length))
        return STATUS_INVALID_PARAMETER;
    if (KeyInformationClass != KeyBasicInformation && KeyInformationClass != KeyNodeInformation &&
        KeyInformationClass != KeyFullInformation)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, KEY_ENUMERATE_SUB_KEYS, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, false))) {
        st = reg_st_enum_key(&cx, k, Index, &child);
        if (NT_SUCCESS(st) && NT_SUCCESS(st = reg_st_get_key(&cx, child, &ki))) {
            st = fill_key_info(&cx, ki, KeyInformationClass, KeyInformation, Length, ResultLength);
            free(ki);
        }
        st = reg_ctx_end(&cx, st);
    }
    reg_key_put(k);
    return st;
}

/* ---- values ------------------------------------------------------------ */

static NTSTATUS fill_value_info(const struct reg_value_view *v,
                                KEY_VALUE_INFORMATION_CLASS cls, void *buf, ULONG len,
                                PULONG res)
{
    uint8_t *b = buf;
    ULONG fixed, total, doff = 0;

    switch (cls) {
    case KeyValueBasicInformation:
        fixed = offsetof(KEY_VALUE_BASIC_INFORMATION, Name);
        total = fixed + v->name_len;
        break;
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64:
        fixed = offsetof(KEY_VALUE_FULL_INFORMATION, Name);
        doff = cls == KeyValueFullInformation ? ALIGN4(fixed + v->name_len)
                                              : ALIGN8(fixed + v->name_len);
        total = doff + v->data_len;
        break;
    case KeyValuePartialInformation:
        fixed = offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data);
        total = fixed + v->data_len;
        break;
    case KeyValuePartialInformationAlign64:
        fixed = offsetof(KEY_VALUE_PARTIAL_INFORMATION_ALIGN64, Data);
        total = fixed + v->data_len;
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    *res = total;
    if (len < fixed)
        return STATUS_BUFFER_TOO_SMALL;
    if (!b)
        return STATUS_INVALID_PARAMETER;
    switch (cls) {
    case KeyValueBasicInformation: {
        KEY_VALUE_BASIC_INFORMATION h = { 0, v->type, v->name_len, { 0 } };
        memcpy(b, &h, fixed);
        put_bytes(b, fixed, len, v->name, v->name_len);
        break;
    }
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64: {
        KEY_VALUE_FULL_INFORMATION h = { 0, v->type, doff, v->data_len, v->name_len, { 0 } };
        memcpy(b, &h, fixed);
        put_bytes(b, fixed, len, v->name, v->name_len);
        if (doff > fixed + v->name_len && doff <= len)
            memset(b + fixed + v->name_len, 0, doff - fixed - v->name_len);
        put_bytes(b, doff, len, v->data, v->data_len);
        break;
    }
    case KeyValuePartialInformation: {
        KEY_VALUE_PARTIAL_INFORMATION h = { 0, v->type, v->data_len, { 0 } };
        memcpy(b, &h, fixed);
        put_bytes(b, fixed, len, v->data, v->data_len);
        break;
    }
    default: {
        KEY_VALUE_PARTIAL_INFORMATION_ALIGN64 h = { v->type, v->data_len, { 0 } };
        memcpy(b, &h, fixed);
        put_bytes(b, fixed, len, v->data, v->data_len);
        break;
    }
    }
    return len < total ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                                        KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
                                        PVOID KeyValueInformation, ULONG Length,
                                        PULONG ResultLength)
{
    struct reg_value_view v;
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!ResultLength || (!KeyValueInformation && Length))
        return STATUS_INVALID_PARAMETER;
    if ((unsigned)KeyValueInformationClass > KeyValuePartialInformationAlign64)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = check_name(ValueName, STATUS_INVALID_PARAMETER)))
        return st;
    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, KEY_QUERY_VALUE, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, false))) {
        if (ValueName->Length / 2 > REG_MAX_VALUE_NAME_CCH) {
            /* cannot exist; still report a deleted key as such */
            struct reg_keyinfo *ki;
            st = reg_st_get_key(&cx, k->id, &ki);
            if (NT_SUCCESS(st)) {
                free(ki);
                st = STATUS_OBJECT_NAME_NOT_FOUND;
            }
        } else {
            st = reg_st_get_value(&cx, k->id, ValueName->Buffer, ValueName->Length / 2, &v);
        }
        if (NT_SUCCESS(st))
            st = fill_value_info(&v, KeyValueInformationClass, KeyValueInformation, Length,
                                 ResultLength);
        st = reg_ctx_end(&cx, st);
    }
    reg_key_put(k);
    return st;
}

NTSYSAPI NTSTATUS NTAPI ZwEnumerateValueKey(HANDLE KeyHandle, ULONG Index,
                                            KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
                                            PVOID KeyValueInformation, ULONG Length,
                                            PULONG ResultLength)
{
    struct reg_value_view v;
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!ResultLength || (!KeyValueInformation && Length))
        return STATUS_INVALID_PARAMETER;
    if ((unsigned)KeyValueInformationClass > KeyValuePartialInformationAlign64)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, KEY_QUERY_VALUE, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, false))) {
        st = reg_st_enum_value(&cx, k, Index, &v);
        if (NT_SUCCESS(st))
            st = fill_value_info(&v, KeyValueInformationClass, KeyValueInformation, Length,
                                 ResultLength);
        st = reg_ctx_end(&cx, st);
    }
    reg_key_put(k);
    return st;
}

NTSTATUS reg_check_value_data(ULONG Type, const void *Data, ULONG DataSize)
{
    if (!Data && DataSize)
        return STATUS_INVALID_PARAMETER;
    if (DataSize > REG_MAX_DATA_SIZE)
        return STATUS_INSUFFICIENT_RESOURCES;
    if ((Type == REG_DWORD || Type == REG_DWORD_BIG_ENDIAN) && DataSize != 4)
        return STATUS_INVALID_PARAMETER;
    if (Type == REG_QWORD && DataSize != 8)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS NTAPI ZwSetValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                                      ULONG TitleIndex, ULONG Type, PVOID Data, ULONG DataSize)
{
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    (void)TitleIndex;
    if (!NT_SUCCESS(st = check_name(ValueName, STATUS_INVALID_PARAMETER)))
        return st;
    if (ValueName->Length / 2 > REG_MAX_VALUE_NAME_CCH)
        return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_check_value_data(Type, Data, DataSize)))
        return st;
    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, KEY_SET_VALUE, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, true)))
        st = reg_ctx_end(&cx, reg_st_set_value(&cx, k->id, ValueName->Buffer,
                                               ValueName->Length / 2, Type, Data, DataSize));
    reg_key_put(k);
    return st;
}

NTSYSAPI NTSTATUS NTAPI ZwDeleteValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName)
{
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!NT_SUCCESS(st = check_name(ValueName, STATUS_INVALID_PARAMETER)))
        return st;
    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, KEY_SET_VALUE, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, true))) {
        if (ValueName->Length / 2 > REG_MAX_VALUE_NAME_CCH) {
            struct reg_keyinfo *ki;
            st = reg_st_get_key(&cx, k->id, &ki);
            if (NT_SUCCESS(st)) {
                free(ki);
                st = STATUS_OBJECT_NAME_NOT_FOUND;
            }
        } else {
            st = reg_st_delete_value(&cx, k->id, ValueName->Buffer, ValueName->Length / 2);
        }
        st = reg_ctx_end(&cx, st);
    }
    reg_key_put(k);
    return st;
}

/* ---- rename, multiple values, notification ---------------------------- */

NTSYSAPI NTSTATUS NTAPI ZwRenameKey(HANDLE KeyHandle, PUNICODE_STRING NewName)
{
    struct reg_key *k;
    struct reg_ctx cx;
    NTSTATUS st;

    if (!NT_SUCCESS(st = check_name(NewName, STATUS_INVALID_PARAMETER)))
        return st;
    if (NewName->Length == 0 || NewName->Length / 2 > REG_MAX_KEY_NAME_CCH)
        return STATUS_INVALID_PARAMETER;
    for (USHORT i = 0; i < NewName->Length / 2; i++)
        if (NewName->Buffer[i] == L'\\')
            return STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(st = reg_handle_ref(KeyHandle, KEY_WRITE, &k)))
        return st;
    if (NT_SUCCESS(st = reg_ctx_begin(&cx, true)))
        st = reg_ctx_end(&cx, reg_st_rename(&cx, k->id, NewName->Buffer, NewName->Length / 2));
    reg_key_put(k);
    return st;
}

NTSYSAPI NTSTATUS NTAPI ZwQueryMultipleValueKey(HANDLE KeyHandle, PKEY_VALUE_ENTRY ValueEntries,
                                                ULONG EntryCount, PVOID ValueBuffer,
                                                PULONG BufferLength,
                                                PULONG RequiredBufferLength)
{
    (void)KeyHandle; (void)ValueEntries; (void)EntryCount; (void)ValueBuffer;
    (void)BufferLength; (void)RequiredBufferLength;
    krnl_log_once(KRNL_LOG_WARN, "registry: ZwQueryMultipleValueKey is not implemented");
    return STATUS_NOT_IMPLEMENTED;
}

NTSYSAPI NTSTATUS NTAPI ZwNotifyChangeKey(HANDLE KeyHandle, HANDLE Event,
                                          PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                          PIO_STATUS_BLOCK IoStatusBlock, ULONG CompletionFilter,
                                          BOOLEAN WatchTree, PVOID Buffer, ULONG BufferSize,
                                          BOOLEAN Asynchronous)
{
    (void)KeyHandle; (void)Event; (void)ApcRoutine; (void)ApcContext; (void)IoStatusBlock;
    (void)CompletionFilter; (void)WatchTree; (void)Buffer; (void)BufferSize; (void)Asynchronous;
    krnl_log_once(KRNL_LOG_WARN, "registry: ZwNotifyChangeKey is not implemented");
    return STATUS_NOT_IMPLEMENTED;
}
