/*
 * test_registry.c - the Zw*Key DDIs as a driver sees them: create/open,
 * every value type and information class, byte-by-byte buffer sizes,
 * enumeration order, delete semantics, volatile keys, persistence, bad
 * input.
 */
#include "regtest.h"

#define SOFT L"\\Registry\\Machine\\Software"

static void test_layouts(void **state)
{
    (void)state;
    assert_int_equal(offsetof(KEY_BASIC_INFORMATION, Name), 16);
    assert_int_equal(offsetof(KEY_NODE_INFORMATION, Name), 24);
    assert_int_equal(offsetof(KEY_NODE_INFORMATION, ClassOffset), 12);
    assert_int_equal(offsetof(KEY_FULL_INFORMATION, Class), 44);
    assert_int_equal(offsetof(KEY_FULL_INFORMATION, MaxValueDataLen), 40);
    assert_int_equal(offsetof(KEY_NAME_INFORMATION, Name), 4);
    assert_int_equal(sizeof(KEY_CACHED_INFORMATION), 40);
    assert_int_equal(offsetof(KEY_CACHED_INFORMATION, NameLength), 32);
    assert_int_equal(offsetof(KEY_VALUE_BASIC_INFORMATION, Name), 12);
    assert_int_equal(offsetof(KEY_VALUE_FULL_INFORMATION, Name), 20);
    assert_int_equal(offsetof(KEY_VALUE_FULL_INFORMATION, DataOffset), 8);
    assert_int_equal(offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data), 12);
    assert_int_equal(sizeof(KEY_VALUE_PARTIAL_INFORMATION), 16);
    assert_int_equal(offsetof(KEY_VALUE_PARTIAL_INFORMATION_ALIGN64, Data), 8);
    assert_int_equal(sizeof(KEY_WRITE_TIME_INFORMATION), 8);
    assert_int_equal(sizeof(RTL_QUERY_REGISTRY_TABLE), 56);
    assert_int_equal(offsetof(RTL_QUERY_REGISTRY_TABLE, Name), 16);
    assert_int_equal(offsetof(RTL_QUERY_REGISTRY_TABLE, DefaultType), 32);
    assert_int_equal(offsetof(RTL_QUERY_REGISTRY_TABLE, DefaultLength), 48);
    assert_int_equal(sizeof(KEY_VALUE_ENTRY), 24);
    assert_int_equal(KEY_READ, 0x20019);
    assert_int_equal(KEY_WRITE, 0x20006);
    assert_int_equal(KEY_ALL_ACCESS, 0xF003F);
    assert_int_equal(KeyValuePartialInformationAlign64, 4);
    assert_int_equal(KeyCachedInformation, 4);
    assert_int_equal(REG_QWORD, 11);
    assert_int_equal(RTL_REGISTRY_HANDLE, 0x40000000);
}

static void test_create_open(void **state)
{
    HANDLE soft, h, h2, rel;
    ULONG disp = 0;
    (void)state;

    assert_int_equal(zopen(&soft, NULL, SOFT, KEY_ALL_ACCESS), STATUS_SUCCESS);
    assert_int_equal(zcreate(&h, NULL, SOFT L"\\Contoso", 0, &disp), STATUS_SUCCESS);
    assert_int_equal(disp, REG_CREATED_NEW_KEY);
    assert_int_equal(zcreate(&h2, NULL, L"\\REGISTRY\\machine\\SOFTWARE\\contoso", 0, &disp),
                     STATUS_SUCCESS);
    assert_int_equal(disp, REG_OPENED_EXISTING_KEY);
    assert_int_equal(ZwClose(h2), STATUS_SUCCESS);

    /* Missing parent, missing key. */
    assert_int_equal(zcreate(&h2, NULL, SOFT L"\\NoSuch\\Child", 0, &disp),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(zopen(&h2, NULL, SOFT L"\\NoSuch", KEY_READ), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(zopen(&h2, NULL, L"\\Elsewhere\\X", KEY_READ), STATUS_OBJECT_NAME_NOT_FOUND);

    /* Relative to a root directory; a leading backslash is then wrong. */
    assert_int_equal(zcreate(&rel, soft, L"Contoso\\Widget", 0, &disp), STATUS_SUCCESS);
    assert_int_equal(disp, REG_CREATED_NEW_KEY);
    assert_int_equal(zopen(&h2, soft, L"\\Contoso", KEY_READ), STATUS_OBJECT_PATH_SYNTAX_BAD);
    assert_int_equal(zopen(&h2, h, L"WIDGET", KEY_READ), STATUS_SUCCESS);
    ZwClose(h2);
    assert_int_equal(zopen(&h2, NULL, L"Registry\\Machine", KEY_READ), STATUS_OBJECT_PATH_SYNTAX_BAD);

    /* ZwOpenKeyEx: legal options only. */
    {
        UNICODE_STRING us = US(L"Contoso");
        OBJECT_ATTRIBUTES oa;
        InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, soft, NULL);
        assert_int_equal(ZwOpenKeyEx(&h2, KEY_READ, &oa, REG_OPTION_BACKUP_RESTORE), STATUS_SUCCESS);
        ZwClose(h2);
        assert_int_equal(ZwOpenKeyEx(&h2, KEY_READ, &oa, REG_OPTION_VOLATILE),
                         STATUS_INVALID_PARAMETER);
    }

    /* The key's name keeps the case it was created with. */
    {
        union { KEY_NAME_INFORMATION i; UCHAR b[512]; } buf;
        ULONG res;
        static const WCHAR want[] = L"\\REGISTRY\\MACHINE\\Software\\Contoso\\Widget";
        assert_int_equal(ZwQueryKey(rel, KeyNameInformation, &buf, sizeof(buf), &res),
                         STATUS_SUCCESS);
        assert_int_equal(buf.i.NameLength, sizeof(want) - 2);
        assert_memory_equal(buf.i.Name, want, sizeof(want) - 2);
        assert_int_equal(res, 4 + sizeof(want) - 2);
    }
    ZwClose(rel);
    ZwClose(h);
    ZwClose(soft);
}

static void test_value_types(void **state)
{
    HANDLE h;
    ULONG type, len;
    UCHAR buf[256];
    static const WCHAR sz[] = L"hello";
    static const WCHAR msz[] = L"one\0two\0";
    static const UCHAR bin[] = { 1, 2, 3, 0, 5 };
    ULONG dw = 0x12345678, be = 0x78563412;
    ULONGLONG qw = 0x1122334455667788ULL;
    (void)state;

    assert_int_equal(zcreate(&h, NULL, SOFT L"\\Types", 0, NULL), STATUS_SUCCESS);
    struct { const WCHAR *name; ULONG type; const void *data; ULONG size; } v[] = {
        { L"None", REG_NONE, NULL, 0 },
        { L"Sz", REG_SZ, sz, sizeof(sz) },
        { L"Expand", REG_EXPAND_SZ, L"%SystemRoot%\\x", sizeof(L"%SystemRoot%\\x") },
        { L"Multi", REG_MULTI_SZ, msz, sizeof(msz) },
        { L"Dword", REG_DWORD, &dw, 4 },
        { L"Big", REG_DWORD_BIG_ENDIAN, &be, 4 },
        { L"Qword", REG_QWORD, &qw, 8 },
        { L"Bin", REG_BINARY, bin, sizeof(bin) },
        { L"Link", REG_LINK, L"\\Registry\\X", 22 },
        { L"Res", REG_RESOURCE_LIST, bin, sizeof(bin) },
        { L"DevProp", 0xFFFF0012u, bin, 3 },
        { L"", REG_SZ, L"default", sizeof(L"default") },
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        assert_int_equal(zset(h, v[i].name, v[i].type, v[i].data, v[i].size), STATUS_SUCCESS);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        memset(buf, 0xcc, sizeof(buf));
        assert_int_equal(zget(h, v[i].name, &type, buf, sizeof(buf), &len), STATUS_SUCCESS);
        assert_int_equal(type, v[i].type);
        assert_int_equal(len, v[i].size);
        if (len)
            assert_memory_equal(buf, v[i].data, len);
    }
    /* Names are case-insensitive. */
    assert_int_equal(zget(h, L"DWORD", &type, NULL, 0, NULL), STATUS_SUCCESS);

    /* Wrong sizes for fixed-size types. */
    assert_int_equal(zset(h, L"Bad", REG_DWORD, &dw, 2), STATUS_INVALID_PARAMETER);
    assert_int_equal(zset(h, L"Bad", REG_DWORD, &qw, 8), STATUS_INVALID_PARAMETER);
    assert_int_equal(zset(h, L"Bad", REG_QWORD, &dw, 4), STATUS_INVALID_PARAMETER);
    assert_int_equal(zset(h, L"Bad", REG_DWORD_BIG_ENDIAN, &dw, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(zset(h, L"Bad", REG_BINARY, NULL, 4), STATUS_INVALID_PARAMETER);
    assert_int_equal(zget(h, L"Bad", NULL, NULL, 0, NULL), STATUS_OBJECT_NAME_NOT_FOUND);

    /* Overwrite changes type and size in place. */
    assert_int_equal(zset(h, L"Dword", REG_SZ, sz, sizeof(sz)), STATUS_SUCCESS);
    assert_int_equal(zget(h, L"Dword", &type, buf, sizeof(buf), &len), STATUS_SUCCESS);
    assert_int_equal(type, REG_SZ);
    assert_int_equal(len, sizeof(sz));

    /* Delete. */
    UNICODE_STRING us = US(L"bin");
    assert_int_equal(ZwDeleteValueKey(h, &us), STATUS_SUCCESS);
    assert_int_equal(ZwDeleteValueKey(h, &us), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(zget(h, L"Bin", NULL, NULL, 0, NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    ZwClose(h);
}

/* Expected bytes of one information class, built by hand. */
static ULONG expect_value_info(KEY_VALUE_INFORMATION_CLASS cls, const WCHAR *name, ULONG nlen,
                               ULONG type, const void *data, ULONG dlen, UCHAR *out,
                               ULONG *fixed)
{
    memset(out, 0, 512);
    ULONG z = 0;
    switch (cls) {
    case KeyValueBasicInformation:
        memcpy(out, &z, 4); memcpy(out + 4, &type, 4); memcpy(out + 8, &nlen, 4);
        memcpy(out + 12, name, nlen);
        *fixed = 12;
        return 12 + nlen;
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64: {
        ULONG align = cls == KeyValueFullInformation ? 4 : 8;
        ULONG off = (20 + nlen + align - 1) & ~(align - 1);
        memcpy(out + 4, &type, 4); memcpy(out + 8, &off, 4); memcpy(out + 12, &dlen, 4);
        memcpy(out + 16, &nlen, 4); memcpy(out + 20, name, nlen);
        memcpy(out + off, data, dlen);
        *fixed = 20;
        return off + dlen;
    }
    case KeyValuePartialInformation:
        memcpy(out + 4, &type, 4); memcpy(out + 8, &dlen, 4); memcpy(out + 12, data, dlen);
        *fixed = 12;
        return 12 + dlen;
    default:
        memcpy(out, &type, 4); memcpy(out + 4, &dlen, 4); memcpy(out + 8, data, dlen);
        *fixed = 8;
        return 8 + dlen;
    }
}

static void test_query_value_buffer_sizes(void **state)
{
    HANDLE h;
    static const WCHAR name[] = L"Value1";        /* 12 bytes: not 8-aligned after 20 */
    static const UCHAR data[] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7 };
    UNICODE_STRING us = US(name);
    (void)state;

    assert_int_equal(zcreate(&h, NULL, SOFT L"\\Sizes", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zset(h, name, REG_BINARY, data, sizeof(data)), STATUS_SUCCESS);
    for (int cls = KeyValueBasicInformation; cls <= KeyValuePartialInformationAlign64; cls++) {
        UCHAR want[512], got[512];
        ULONG fixed;
        ULONG total = expect_value_info(cls, name, sizeof(name) - 2, REG_BINARY, data,
                                        sizeof(data), want, &fixed);
        for (ULONG len = 0; len <= total + 2; len++) {
            ULONG res = 0xffff;
            memset(got, 0xcc, sizeof(got));
            NTSTATUS st = ZwQueryValueKey(h, &us, cls, len ? got : NULL, len, &res);
            assert_int_equal(res, total);
            if (len < fixed) {
                assert_int_equal(st, STATUS_BUFFER_TOO_SMALL);
                for (ULONG i = 0; i < sizeof(got); i++)
                    assert_int_equal(got[i], 0xcc);
            } else if (len < total) {
                assert_int_equal(st, STATUS_BUFFER_OVERFLOW);
                assert_memory_equal(got, want, fixed);
                for (ULONG i = len; i < sizeof(got); i++)
                    assert_int_equal(got[i], 0xcc);
            } else {
                assert_int_equal(st, STATUS_SUCCESS);
                assert_memory_equal(got, want, total);
                assert_int_equal(got[total], 0xcc);
            }
        }
        /* The same through ZwEnumerateValueKey (index 0). */
        ULONG res;
        assert_int_equal(ZwEnumerateValueKey(h, 0, cls, got, fixed - 1, &res),
                         STATUS_BUFFER_TOO_SMALL);
        assert_int_equal(res, total);
        assert_int_equal(ZwEnumerateValueKey(h, 0, cls, got, total - 1, &res),
                         STATUS_BUFFER_OVERFLOW);
        assert_int_equal(ZwEnumerateValueKey(h, 0, cls, got, total, &res), STATUS_SUCCESS);
        assert_memory_equal(got, want, total);
    }
    {
        UCHAR b[64];
        ULONG res;
        assert_int_equal(ZwQueryValueKey(h, &us, KeyValueLayerInformation, b, sizeof(b), &res),
                         STATUS_INVALID_PARAMETER);
        assert_int_equal(ZwQueryValueKey(h, &us, (KEY_VALUE_INFORMATION_CLASS)99, b, sizeof(b),
                                         &res), STATUS_INVALID_PARAMETER);
        assert_int_equal(ZwQueryValueKey(h, &us, KeyValuePartialInformation, b, sizeof(b), NULL),
                         STATUS_INVALID_PARAMETER);
        assert_int_equal(ZwEnumerateValueKey(h, 1, KeyValueBasicInformation, b, sizeof(b), &res),
                         STATUS_NO_MORE_ENTRIES);
    }
    ZwClose(h);
}

static void test_query_key_classes(void **state)
{
    HANDLE h, c;
    UNICODE_STRING cls = US(L"MyClass");
    UNICODE_STRING name = US(L"Classy");
    OBJECT_ATTRIBUTES oa;
    union { KEY_FULL_INFORMATION f; KEY_NODE_INFORMATION n; KEY_BASIC_INFORMATION b;
            KEY_CACHED_INFORMATION c; UCHAR raw[512]; } buf;
    ULONG res;
    (void)state;

    assert_int_equal(zcreate(&h, NULL, SOFT L"\\QK", 0, NULL), STATUS_SUCCESS);
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE, h, NULL);
    assert_int_equal(ZwCreateKey(&c, KEY_ALL_ACCESS, &oa, 0, &cls, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zset_dword(c, L"LongerValueName", 1), STATUS_SUCCESS);
    assert_int_equal(zset(c, L"B", REG_BINARY, "0123456789", 10), STATUS_SUCCESS);
    HANDLE g;
    assert_int_equal(zcreate(&g, c, L"Grandchild", 0, NULL), STATUS_SUCCESS);
    ZwClose(g);

    /* Full */
    assert_int_equal(ZwQueryKey(c, KeyFullInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(res, 44 + 14);
    assert_int_equal(buf.f.SubKeys, 1);
    assert_int_equal(buf.f.Values, 2);
    assert_int_equal(buf.f.MaxNameLen, 20);
    assert_int_equal(buf.f.MaxValueNameLen, 30);
    assert_int_equal(buf.f.MaxValueDataLen, 10);
    assert_int_equal(buf.f.ClassLength, 14);
    assert_int_equal(buf.f.ClassOffset, 44);
    assert_memory_equal(buf.f.Class, L"MyClass", 14);
    assert_true(buf.f.LastWriteTime.QuadPart > 116444736000000000LL);
    assert_int_equal(ZwQueryKey(c, KeyFullInformation, &buf, 43, &res), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(ZwQueryKey(c, KeyFullInformation, &buf, 44, &res), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(res, 58);

    /* Node: name then 4-aligned class. */
    assert_int_equal(ZwQueryKey(c, KeyNodeInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(buf.n.NameLength, 12);
    assert_memory_equal(buf.n.Name, L"Classy", 12);
    assert_int_equal(buf.n.ClassOffset, 36);
    assert_int_equal(buf.n.ClassLength, 14);
    assert_memory_equal(buf.raw + 36, L"MyClass", 14);
    assert_int_equal(res, 50);

    /* Basic */
    assert_int_equal(ZwQueryKey(c, KeyBasicInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(res, 16 + 12);
    assert_int_equal(buf.b.NameLength, 12);
    for (ULONG len = 0; len < 28; len++) {
        NTSTATUS st = ZwQueryKey(c, KeyBasicInformation, &buf, len, &res);
        assert_int_equal(st, len < 16 ? STATUS_BUFFER_TOO_SMALL : STATUS_BUFFER_OVERFLOW);
        assert_int_equal(res, 28);
    }

    /* Cached */
    assert_int_equal(ZwQueryKey(c, KeyCachedInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(res, 40);
    assert_int_equal(buf.c.SubKeys, 1);
    assert_int_equal(buf.c.Values, 2);
    assert_int_equal(buf.c.NameLength, 12);
    assert_int_equal(buf.c.MaxValueDataLen, 10);

    /* Small ones and bad ones. */
    assert_int_equal(ZwQueryKey(c, KeyHandleTagsInformation, &buf, 4, &res), STATUS_SUCCESS);
    assert_int_equal(ZwQueryKey(c, KeyVirtualizationInformation, &buf, 4, &res), STATUS_SUCCESS);
    assert_int_equal(ZwQueryKey(c, (KEY_INFORMATION_CLASS)77, &buf, 4, &res),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(ZwQueryKey(c, KeyBasicInformation, NULL, 64, &res), STATUS_INVALID_PARAMETER);

    /* Enumerate the parent: node info of the child. */
    assert_int_equal(ZwEnumerateKey(h, 0, KeyNodeInformation, &buf, sizeof(buf), &res),
                     STATUS_SUCCESS);
    assert_memory_equal(buf.n.Name, L"Classy", 12);
    assert_int_equal(ZwEnumerateKey(h, 1, KeyBasicInformation, &buf, sizeof(buf), &res),
                     STATUS_NO_MORE_ENTRIES);
    assert_int_equal(ZwEnumerateKey(h, 0, KeyNameInformation, &buf, sizeof(buf), &res),
                     STATUS_INVALID_PARAMETER);

    /* Write time can be set. */
    KEY_WRITE_TIME_INFORMATION wt = { { .QuadPart = 131000000000000000LL } };
    assert_int_equal(ZwSetInformationKey(c, KeyWriteTimeInformation, &wt, sizeof(wt)),
                     STATUS_SUCCESS);
    assert_int_equal(ZwQueryKey(c, KeyBasicInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(buf.b.LastWriteTime.QuadPart, 131000000000000000LL);
    assert_int_equal(ZwSetInformationKey(c, KeyWriteTimeInformation, &wt, 4),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(ZwFlushKey(c), STATUS_SUCCESS);
    ZwClose(c);
    ZwClose(h);
}

static void test_enumeration_order(void **state)
{
    HANDLE h, c;
    static const WCHAR *names[] = { L"delta", L"Alpha", L"charlie", L"BRAVO", L"echo",
                                    L"_under", L"a1", L"Zulu" };
    static const char *sorted[] = { "a1", "Alpha", "BRAVO", "charlie", "delta", "echo",
                                    "vol", "Zulu", "_under" };
    union { KEY_BASIC_INFORMATION b; KEY_VALUE_BASIC_INFORMATION v; UCHAR raw[512]; } buf;
    ULONG res;
    (void)state;

    assert_int_equal(zcreate(&h, NULL, SOFT L"\\Order", 0, NULL), STATUS_SUCCESS);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(zcreate(&c, h, names[i], 0, NULL), STATUS_SUCCESS);
        ZwClose(c);
        /* values get the reverse creation order of nothing: their own order */
        assert_int_equal(zset_dword(h, names[7 - i], (ULONG)i), STATUS_SUCCESS);
    }
    assert_int_equal(zcreate(&c, h, L"vol", REG_OPTION_VOLATILE, NULL), STATUS_SUCCESS);
    ZwClose(c);
    /* Subkeys: case-insensitive order (upcased code units), volatile ones
     * merged in; twice, and backwards, to see that it is stable. */
    for (int pass = 0; pass < 3; pass++) {
        for (ULONG k = 0; k < 9; k++) {
            ULONG i = pass == 2 ? 8 - k : k;
            char name[64] = { 0 };
            assert_int_equal(ZwEnumerateKey(h, i, KeyBasicInformation, &buf, sizeof(buf), &res),
                             STATUS_SUCCESS);
            for (ULONG j = 0; j < buf.b.NameLength / 2; j++)
                name[j] = (char)((const WCHAR *)buf.b.Name)[j];
            assert_string_equal(name, sorted[i]);
        }
        assert_int_equal(ZwEnumerateKey(h, 9, KeyBasicInformation, &buf, sizeof(buf), &res),
                         STATUS_NO_MORE_ENTRIES);
    }
    /* Values: creation order; overwriting keeps the place, delete closes
     * the gap, re-adding goes to the end. */
    assert_int_equal(zset_dword(h, L"DELTA", 99), STATUS_SUCCESS);
    UNICODE_STRING z = US(L"zulu");
    assert_int_equal(ZwDeleteValueKey(h, &z), STATUS_SUCCESS);
    assert_int_equal(zset_dword(h, L"Zulu", 5), STATUS_SUCCESS);
    static const char *vorder[] = { "a1", "_under", "echo", "BRAVO", "charlie", "Alpha", "delta",
                                    "Zulu" };
    for (int pass = 0; pass < 2; pass++) {
        for (ULONG i = 0; i < 8; i++) {
            char name[64] = { 0 };
            assert_int_equal(ZwEnumerateValueKey(h, i, KeyValueBasicInformation, &buf,
                                                 sizeof(buf), &res), STATUS_SUCCESS);
            for (ULONG j = 0; j < buf.v.NameLength / 2; j++)
                name[j] = (char)((const WCHAR *)buf.v.Name)[j];
            assert_string_equal(name, vorder[i]);
        }
    }
    assert_int_equal(ZwEnumerateValueKey(h, 8, KeyValueBasicInformation, &buf, sizeof(buf), &res),
                     STATUS_NO_MORE_ENTRIES);
    assert_int_equal(zget_dword(h, L"delta"), 99);
    /* Order survives a restart. */
    ZwClose(h);
    regtest_restart();
    assert_int_equal(zopen(&h, NULL, SOFT L"\\Order", KEY_READ), STATUS_SUCCESS);
    for (ULONG i = 0; i < 8; i++) {
        char name[64] = { 0 };
        assert_int_equal(ZwEnumerateValueKey(h, i, KeyValueBasicInformation, &buf, sizeof(buf),
                                             &res), STATUS_SUCCESS);
        for (ULONG j = 0; j < buf.v.NameLength / 2; j++)
            name[j] = (char)((const WCHAR *)buf.v.Name)[j];
        assert_string_equal(name, vorder[i]);
    }
    assert_int_equal(ZwEnumerateKey(h, 8, KeyBasicInformation, &buf, sizeof(buf), &res),
                     STATUS_NO_MORE_ENTRIES);   /* "vol" is gone */
    ZwClose(h);
}

static void test_delete_key(void **state)
{
    HANDLE p, c, c2, g;
    union { KEY_FULL_INFORMATION f; UCHAR raw[256]; } buf;
    ULONG res;
    (void)state;

    assert_int_equal(zcreate(&p, NULL, SOFT L"\\Del", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zcreate(&c, p, L"Child", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zcreate(&g, c, L"Grand", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zset_dword(c, L"v", 1), STATUS_SUCCESS);
    assert_int_equal(zopen(&c2, p, L"child", KEY_READ), STATUS_SUCCESS);

    assert_int_equal(ZwDeleteKey(c), STATUS_CANNOT_DELETE);
    assert_int_equal(ZwDeleteKey(g), STATUS_SUCCESS);
    assert_int_equal(ZwDeleteKey(g), STATUS_KEY_DELETED);
    assert_int_equal(ZwDeleteKey(c), STATUS_SUCCESS);

    /* Every handle of the deleted key now says so. */
    assert_int_equal(zset_dword(c, L"v", 2), STATUS_KEY_DELETED);
    assert_int_equal(zget(c2, L"v", NULL, NULL, 0, NULL), STATUS_KEY_DELETED);
    assert_int_equal(ZwQueryKey(c2, KeyFullInformation, &buf, sizeof(buf), &res), STATUS_KEY_DELETED);
    assert_int_equal(ZwEnumerateKey(c2, 0, KeyBasicInformation, &buf, sizeof(buf), &res),
                     STATUS_KEY_DELETED);
    assert_int_equal(ZwEnumerateValueKey(c2, 0, KeyValueBasicInformation, &buf, sizeof(buf), &res),
                     STATUS_KEY_DELETED);
    HANDLE x;
    assert_int_equal(zcreate(&x, c2, L"New", 0, NULL), STATUS_KEY_DELETED);
    {
        OBJECT_ATTRIBUTES oa;
        InitializeObjectAttributes(&oa, NULL, 0, c2, NULL);
        assert_int_equal(ZwOpenKey(&x, KEY_READ, &oa), STATUS_KEY_DELETED);
    }
    assert_int_equal(zopen(&x, c2, L"Grand", KEY_READ), STATUS_KEY_DELETED);

    /* A new key of the same name is a different key. */
    assert_int_equal(zcreate(&x, p, L"Child", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zget(x, L"v", NULL, NULL, 0, NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(zget(c2, L"v", NULL, NULL, 0, NULL), STATUS_KEY_DELETED);
    assert_int_equal(ZwQueryKey(p, KeyFullInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(buf.f.SubKeys, 1);

    /* Root keys cannot go. */
    HANDLE m;
    assert_int_equal(zopen(&m, NULL, L"\\Registry\\Machine", KEY_ALL_ACCESS), STATUS_SUCCESS);
    assert_int_equal(ZwDeleteKey(m), STATUS_CANNOT_DELETE);
    ZwClose(m);

    /* Deleting needs DELETE access. */
    HANDLE ro;
    assert_int_equal(zopen(&ro, p, L"Child", KEY_READ), STATUS_SUCCESS);
    assert_int_equal(ZwDeleteKey(ro), STATUS_ACCESS_DENIED);
    ZwClose(ro);

    assert_int_equal(ZwClose(c), STATUS_SUCCESS);
    assert_int_equal(ZwClose(c2), STATUS_SUCCESS);
    assert_int_equal(ZwClose(g), STATUS_SUCCESS);
    ZwClose(x);
    ZwClose(p);
}

static void test_volatile(void **state)
{
    HANDLE p, v, vv, d;
    ULONG disp;
    union { KEY_FULL_INFORMATION f; UCHAR raw[256]; } buf;
    ULONG res;
    (void)state;

    assert_int_equal(zcreate(&p, NULL, SOFT L"\\Vol", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zcreate(&d, p, L"Durable", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zset_dword(d, L"keep", 7), STATUS_SUCCESS);
    assert_int_equal(zcreate(&v, p, L"Temp", REG_OPTION_VOLATILE, &disp), STATUS_SUCCESS);
    assert_int_equal(disp, REG_CREATED_NEW_KEY);
    assert_int_equal(zset_dword(v, L"x", 1), STATUS_SUCCESS);
    assert_int_equal(zcreate(&vv, v, L"Durable", 0, NULL), STATUS_CHILD_MUST_BE_VOLATILE);
    assert_int_equal(zcreate(&vv, v, L"Inner", REG_OPTION_VOLATILE, NULL), STATUS_SUCCESS);
    /* Opening an existing volatile key with ZwCreateKey(non-volatile) is fine. */
    HANDLE again;
    assert_int_equal(zcreate(&again, p, L"temp", 0, &disp), STATUS_SUCCESS);
    assert_int_equal(disp, REG_OPENED_EXISTING_KEY);
    ZwClose(again);
    assert_int_equal(ZwQueryKey(p, KeyFullInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(buf.f.SubKeys, 2);
    assert_int_equal(ZwDeleteKey(v), STATUS_CANNOT_DELETE);
    ZwClose(vv);
    ZwClose(v);
    ZwClose(d);
    ZwClose(p);

    regtest_restart();
    assert_int_equal(zopen(&p, NULL, SOFT L"\\Vol", KEY_READ), STATUS_SUCCESS);
    assert_int_equal(zopen(&v, p, L"Temp", KEY_READ), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(zopen(&d, p, L"Durable", KEY_READ), STATUS_SUCCESS);
    assert_int_equal(zget_dword(d, L"keep"), 7);
    assert_int_equal(ZwQueryKey(p, KeyFullInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(buf.f.SubKeys, 1);
    /* The volatile HARDWARE tree is recreated at every start. */
    HANDLE hw;
    assert_int_equal(zopen(&hw, NULL, L"\\Registry\\Machine\\HARDWARE\\DEVICEMAP", KEY_READ),
                     STATUS_SUCCESS);
    ZwClose(hw);
    ZwClose(d);
    ZwClose(p);
}

static void test_persistence(void **state)
{
    HANDLE h;
    UCHAR big[100000];
    UCHAR back[4096];
    ULONG len, type;
    (void)state;

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (UCHAR)(i * 7);
    assert_int_equal(zcreate(&h, NULL, SOFT L"\\Persist", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zset_dword(h, L"Counter", 41), STATUS_SUCCESS);
    assert_int_equal(zset(h, L"Big", REG_BINARY, big, sizeof(big)), STATUS_SUCCESS);
    ZwClose(h);
    regtest_restart();
    assert_int_equal(zopen(&h, NULL, SOFT L"\\PERSIST", KEY_READ), STATUS_SUCCESS);
    assert_int_equal(zget_dword(h, L"counter"), 41);
    UNICODE_STRING us = US(L"Big");
    ULONG res;
    UCHAR *info = malloc(sizeof(big) + 64);
    assert_int_equal(ZwQueryValueKey(h, &us, KeyValuePartialInformation, info, sizeof(big) + 64,
                                     &res), STATUS_SUCCESS);
    assert_int_equal(res, 12 + sizeof(big));
    assert_memory_equal(info + 12, big, sizeof(big));
    free(info);
    (void)back; (void)len; (void)type;
    ZwClose(h);
}

static void test_bad_input(void **state)
{
    HANDLE h, x;
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING us;
    WCHAR *longname = calloc(20000, sizeof(WCHAR));
    ULONG res, dw = 1;
    UCHAR buf[64];
    (void)state;

    assert_int_equal(zcreate(&h, NULL, SOFT L"\\Bad", 0, NULL), STATUS_SUCCESS);

    /* NULL pointers. */
    us = (UNICODE_STRING)US(L"x");
    InitializeObjectAttributes(&oa, &us, 0, h, NULL);
    assert_int_equal(ZwCreateKey(NULL, KEY_READ, &oa, 0, NULL, 0, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(ZwCreateKey(&x, KEY_READ, NULL, 0, NULL, 0, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(ZwOpenKey(&x, KEY_READ, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(ZwSetValueKey(h, NULL, 0, REG_DWORD, &dw, 4), STATUS_INVALID_PARAMETER);
    assert_int_equal(ZwQueryValueKey(h, NULL, KeyValuePartialInformation, buf, 64, &res),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(ZwDeleteValueKey(h, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(ZwQueryKey(h, KeyBasicInformation, buf, 64, NULL), STATUS_INVALID_PARAMETER);

    /* Malformed OBJECT_ATTRIBUTES and names. */
    oa.Length = 12;
    assert_int_equal(ZwOpenKey(&x, KEY_READ, &oa), STATUS_INVALID_PARAMETER);
    InitializeObjectAttributes(&oa, &us, 0x80000000u, h, NULL);
    assert_int_equal(ZwOpenKey(&x, KEY_READ, &oa), STATUS_INVALID_PARAMETER);
    us.Length = 3;
    InitializeObjectAttributes(&oa, &us, 0, h, NULL);
    assert_int_equal(ZwCreateKey(&x, KEY_READ, &oa, 0, NULL, 0, NULL), STATUS_OBJECT_NAME_INVALID);
    us.Length = 2;
    us.Buffer = NULL;
    assert_int_equal(ZwCreateKey(&x, KEY_READ, &oa, 0, NULL, 0, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(zcreate(&x, h, L"a\\\\b", 0, NULL), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(zcreate(&x, NULL, L"", 0, NULL), STATUS_OBJECT_PATH_SYNTAX_BAD);
    us = (UNICODE_STRING)US(L"x");
    InitializeObjectAttributes(&oa, &us, 0, h, NULL);
    assert_int_equal(ZwCreateKey(&x, KEY_READ, &oa, 0, NULL, 0x1000, NULL), STATUS_INVALID_PARAMETER);

    /* Key name components: 255 characters fit, 256 do not. */
    for (int i = 0; i < 256; i++)
        longname[i] = L'k';
    longname[255] = 0;
    assert_int_equal(zcreate(&x, h, longname, 0, NULL), STATUS_SUCCESS);
    ZwClose(x);
    assert_int_equal(zopen(&x, h, longname, KEY_READ), STATUS_SUCCESS);
    ZwClose(x);
    longname[255] = L'k';
    longname[256] = 0;
    assert_int_equal(zcreate(&x, h, longname, 0, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(zopen(&x, h, longname, KEY_READ), STATUS_OBJECT_NAME_NOT_FOUND);
    /* Two 250+ character names that differ only at the end are distinct
     * (they exceed what a database key holds verbatim). */
    longname[254] = L'A';
    longname[255] = 0;
    assert_int_equal(zcreate(&x, h, longname, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zset_dword(x, L"which", 2), STATUS_SUCCESS);
    ZwClose(x);
    longname[254] = L'k';
    assert_int_equal(zopen(&x, h, longname, KEY_READ), STATUS_SUCCESS);
    assert_int_equal(zget(x, L"which", NULL, NULL, 0, NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    ZwClose(x);

    /* Value names: 16383 characters fit, 16384 do not. */
    for (int i = 0; i < 16384; i++)
        longname[i] = L'v';
    us.Buffer = longname;
    us.Length = us.MaximumLength = 16383 * 2;
    assert_int_equal(ZwSetValueKey(h, &us, 0, REG_DWORD, &dw, 4), STATUS_SUCCESS);
    assert_int_equal(ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, 64, &res),
                     STATUS_SUCCESS);
    us.Length = us.MaximumLength = 16384 * 2;
    assert_int_equal(ZwSetValueKey(h, &us, 0, REG_DWORD, &dw, 4), STATUS_INVALID_PARAMETER);
    assert_int_equal(ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, 64, &res),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ZwDeleteValueKey(h, &us), STATUS_OBJECT_NAME_NOT_FOUND);
    us.Length = 5;
    us.MaximumLength = 6;
    assert_int_equal(ZwSetValueKey(h, &us, 0, REG_DWORD, &dw, 4), STATUS_INVALID_PARAMETER);

    /* Embedded NULs are part of a name (as in NT): distinct from the
     * truncated name. */
    {
        static const WCHAR withnul[] = { L'a', 0, L'b' };
        UNICODE_STRING n = { 6, 6, (PWCH)withnul };
        InitializeObjectAttributes(&oa, &n, 0, h, NULL);
        assert_int_equal(ZwCreateKey(&x, KEY_ALL_ACCESS, &oa, 0, NULL, 0, NULL), STATUS_SUCCESS);
        ZwClose(x);
        HANDLE a;
        assert_int_equal(zopen(&a, h, L"a", KEY_READ), STATUS_OBJECT_NAME_NOT_FOUND);
        assert_int_equal(ZwOpenKey(&a, KEY_READ, &oa), STATUS_SUCCESS);
        ZwClose(a);
        assert_int_equal(ZwSetValueKey(h, &n, 0, REG_DWORD, &dw, 4), STATUS_SUCCESS);
        assert_int_equal(zget(h, L"a", NULL, NULL, 0, NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    }

    /* Handles: garbage, closed, access. */
    assert_int_equal(zset_dword((HANDLE)0x1234, L"v", 1), STATUS_INVALID_HANDLE);
    assert_int_equal(zset_dword(NULL, L"v", 1), STATUS_INVALID_HANDLE);
    assert_int_equal(zcreate(&x, h, L"Stale", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(ZwClose(x), STATUS_SUCCESS);
    assert_int_equal(zset_dword(x, L"v", 1), STATUS_INVALID_HANDLE);
    assert_int_equal(ZwClose(x), STATUS_INVALID_HANDLE);
    assert_int_equal(zopen(&x, h, L"Stale", KEY_READ), STATUS_SUCCESS);
    assert_int_equal(zset_dword(x, L"v", 1), STATUS_ACCESS_DENIED);
    ZwClose(x);
    assert_int_equal(zopen(&x, h, L"Stale", KEY_SET_VALUE), STATUS_SUCCESS);
    assert_int_equal(zget(x, L"v", NULL, NULL, 0, NULL), STATUS_ACCESS_DENIED);
    ZwClose(x);
    assert_int_equal(zopen(&x, (HANDLE)0x4444, L"Stale", KEY_READ), STATUS_INVALID_HANDLE);

    ZwClose(h);
    free(longname);
}

static void test_rename(void **state)
{
    HANDLE p, c, g, x;
    UNICODE_STRING nn = US(L"Renamed");
    (void)state;

    assert_int_equal(zcreate(&p, NULL, SOFT L"\\Ren", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zcreate(&c, p, L"Old", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zcreate(&g, c, L"Grand", 0, NULL), STATUS_SUCCESS);
    assert_int_equal(zset_dword(g, L"v", 5), STATUS_SUCCESS);
    assert_int_equal(zcreate(&x, p, L"Taken", 0, NULL), STATUS_SUCCESS);
    ZwClose(x);
    UNICODE_STRING taken = US(L"TAKEN");
    assert_int_equal(ZwRenameKey(c, &taken), STATUS_CANNOT_DELETE);
    UNICODE_STRING bad = US(L"a\\b");
    assert_int_equal(ZwRenameKey(c, &bad), STATUS_INVALID_PARAMETER);
    UNICODE_STRING cased = US(L"OLD");
    assert_int_equal(ZwRenameKey(c, &cased), STATUS_SUCCESS);
    assert_int_equal(ZwRenameKey(c, &nn), STATUS_SUCCESS);
    /* Open handles keep working, the subtree moved along. */
    assert_int_equal(zget_dword(g, L"v"), 5);
    assert_int_equal(zopen(&x, p, L"Old", KEY_READ), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(zopen(&x, p, L"renamed\\grand", KEY_READ), STATUS_SUCCESS);
    assert_int_equal(zget_dword(x, L"v"), 5);
    ZwClose(x);
    union { KEY_NAME_INFORMATION i; UCHAR b[512]; } buf;
    ULONG res;
    static const WCHAR want[] = L"\\REGISTRY\\MACHINE\\Software\\Ren\\Renamed\\Grand";
    assert_int_equal(ZwQueryKey(g, KeyNameInformation, &buf, sizeof(buf), &res), STATUS_SUCCESS);
    assert_int_equal(buf.i.NameLength, sizeof(want) - 2);
    assert_memory_equal(buf.i.Name, want, sizeof(want) - 2);
    ZwClose(g);
    ZwClose(c);
    ZwClose(p);
    /* Not implemented yet: said so. */
    assert_int_equal(ZwQueryMultipleValueKey(NULL, NULL, 0, NULL, NULL, NULL),
                     STATUS_NOT_IMPLEMENTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test_setup_teardown(test_create_open, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_value_types, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_query_value_buffer_sizes, regtest_setup,
                                        regtest_teardown),
        cmocka_unit_test_setup_teardown(test_query_key_classes, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_enumeration_order, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_delete_key, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_volatile, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_persistence, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_rename, regtest_setup, regtest_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
