/*
 * test_registry_rtl.c - RtlQueryRegistryValues (DIRECT buffer conventions,
 * callbacks, flags, RelativeTo), the other Rtl registry helpers and
 * REG_EXPAND_SZ expansion.
 */
#include "regtest.h"

#define SVC L"\\Registry\\Machine\\System\\CurrentControlSet\\Services"

static void setup_values(void)
{
    static const WCHAR msz[] = L"alpha\0beta\0gamma\0";
    ULONG dw = 42;
    UCHAR bin[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    ULONGLONG qw = 0x0102030405060708ULL;

    assert_int_equal(RtlCreateRegistryKey(RTL_REGISTRY_SERVICES, L"MyDrv"), STATUS_SUCCESS);
    assert_int_equal(RtlCreateRegistryKey(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters"),
                     STATUS_SUCCESS);
    assert_int_equal(RtlCheckRegistryKey(RTL_REGISTRY_ABSOLUTE, SVC L"\\MyDrv\\Parameters"),
                     STATUS_SUCCESS);
    assert_int_equal(RtlCheckRegistryKey(RTL_REGISTRY_SERVICES, L"MyDrv\\Nope"),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(RtlCreateRegistryKey(RTL_REGISTRY_SERVICES, L"Missing\\Deeper"),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", L"Dw",
                                           REG_DWORD, &dw, sizeof(dw)), STATUS_SUCCESS);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", L"Sz",
                                           REG_SZ, L"text", sizeof(L"text")), STATUS_SUCCESS);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", L"Multi",
                                           REG_MULTI_SZ, (PVOID)msz, sizeof(msz)), STATUS_SUCCESS);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", L"Bin",
                                           REG_BINARY, bin, sizeof(bin)), STATUS_SUCCESS);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", L"Qw",
                                           REG_QWORD, &qw, sizeof(qw)), STATUS_SUCCESS);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", L"Path",
                                           REG_EXPAND_SZ, L"%DriverData%\\Contoso\\x.bin",
                                           sizeof(L"%DriverData%\\Contoso\\x.bin")),
                     STATUS_SUCCESS);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv", L"Start",
                                           REG_DWORD, &dw, sizeof(dw)), STATUS_SUCCESS);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"NoSuchKey", L"X",
                                           REG_DWORD, &dw, sizeof(dw)),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv", L"X",
                                           REG_DWORD, &dw, 3), STATUS_INVALID_PARAMETER);
}

static void test_direct(void **state)
{
    ULONG dw = 0, missing = 7;
    UNICODE_STRING alloc = { 0, 0, NULL }, small, big;
    WCHAR smallbuf[2], bigbuf[64];
    struct { LONG size; UCHAR data[12]; } neg = { -12, { 0 } };
    struct { ULONG size; ULONG type; UCHAR data[12]; } pos = { sizeof(pos), 0, { 0 } };
    ULONGLONG qw = 0;
    (void)state;

    setup_values();
    RTL_QUERY_REGISTRY_TABLE t[8];
    memset(t, 0, sizeof(t));
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
    t[0].Name = L"Dw";
    t[0].EntryContext = &dw;
    t[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[1].Name = L"Sz";
    t[1].EntryContext = &alloc;
    t[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[2].Name = L"Bin";
    t[2].EntryContext = &neg;
    t[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[3].Name = L"Bin";
    t[3].EntryContext = &pos;
    t[4].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[4].Name = L"Absent";
    t[4].EntryContext = &missing;
    t[4].DefaultType = REG_DWORD;
    ULONG def = 99;
    t[4].DefaultData = &def;
    t[4].DefaultLength = sizeof(def);
    t[5].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[5].Name = L"Qw";
    t[5].EntryContext = &qw;   /* 8 bytes > sizeof(ULONG): first LONG is the size */
    qw = (ULONGLONG)(ULONG)-8;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t,
                                            NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(dw, 42);
    assert_int_equal(alloc.Length, 8);
    assert_int_equal(alloc.MaximumLength, 10);
    assert_memory_equal(alloc.Buffer, L"text", 10);
    RtlFreeUnicodeString(&alloc);
    /* negative size: the data alone, from the start of the buffer */
    assert_int_equal(((UCHAR *)&neg)[0], 1);
    assert_int_equal(((UCHAR *)&neg)[9], 10);
    assert_int_equal(pos.size, 10);       /* length, type, then the data */
    assert_int_equal(pos.type, REG_BINARY);
    assert_int_equal(pos.data[9], 10);
    assert_int_equal(missing, 99);
    assert_int_equal(qw, 0x0102030405060708ULL);

    /* Caller buffers: too small fails, big enough gets data + NUL. */
    memset(t, 0, sizeof(t));
    small.Buffer = smallbuf;
    small.Length = 0;
    small.MaximumLength = sizeof(smallbuf);
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[0].Name = L"Sz";
    t[0].EntryContext = &small;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t,
                                            NULL, NULL), STATUS_BUFFER_TOO_SMALL);
    big.Buffer = bigbuf;
    big.Length = 0;
    big.MaximumLength = sizeof(bigbuf);
    t[0].EntryContext = &big;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t,
                                            NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(big.Length, 8);
    assert_memory_equal(bigbuf, L"text", 10);

    /* A binary buffer that is too small. */
    neg.size = -4 - 1;
    t[0].Name = L"Bin";
    t[0].EntryContext = &neg;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t,
                                            NULL, NULL), STATUS_BUFFER_TOO_SMALL);

    /* REQUIRED and TYPECHECK. */
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
    t[0].Name = L"Absent";
    t[0].EntryContext = &dw;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t,
                                            NULL, NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
    t[0].Name = L"Sz";
    t[0].DefaultType = REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t,
                                            NULL, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    t[0].Name = L"Dw";
    dw = 0;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t,
                                            NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(dw, 42);

    /* Missing key; OPTIONAL does not hide it. */
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"NoDrv", t, NULL, NULL),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(RtlQueryRegistryValues(7, L"MyDrv", t, NULL, NULL), STATUS_INVALID_PARAMETER);
}

struct calls {
    int n;
    WCHAR names[16][32];
    ULONG types[16];
    WCHAR data[16][128];
    ULONG lens[16];
};

static NTSTATUS NTAPI record(PWSTR ValueName, ULONG ValueType, PVOID ValueData, ULONG ValueLength,
                             PVOID Context, PVOID EntryContext)
{
    struct calls *c = Context;
    (void)EntryContext;
    if (c->n >= 16)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(c->names[c->n], 0, sizeof(c->names[0]));
    memset(c->data[c->n], 0, sizeof(c->data[0]));
    if (ValueName)
        memcpy(c->names[c->n], ValueName, rtl_test_wcslen(ValueName) * 2);
    c->types[c->n] = ValueType;
    c->lens[c->n] = ValueLength;
    if (ValueData && ValueLength <= sizeof(c->data[0]))
        memcpy(c->data[c->n], ValueData, ValueLength);
    c->n++;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI fail_routine(PWSTR ValueName, ULONG ValueType, PVOID ValueData,
                                   ULONG ValueLength, PVOID Context, PVOID EntryContext)
{
    (void)ValueName; (void)ValueType; (void)ValueData; (void)ValueLength; (void)Context;
    (void)EntryContext;
    return STATUS_INSUFFICIENT_RESOURCES;
}

static int wide_eq(const WCHAR *a, const char *b)
{
    size_t i = 0;
    for (; b[i]; i++)
        if (a[i] != (WCHAR)(unsigned char)b[i])
            return 0;
    return a[i] == 0;
}

static void test_callbacks(void **state)
{
    struct calls c;
    RTL_QUERY_REGISTRY_TABLE t[6];
    char want[512];
    (void)state;

    setup_values();
    /* MULTI_SZ: one call per string as REG_SZ; NOEXPAND: the whole. */
    memset(&c, 0, sizeof(c));
    memset(t, 0, sizeof(t));
    t[0].QueryRoutine = record;
    t[0].Name = L"Multi";
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t, &c,
                                            NULL), STATUS_SUCCESS);
    assert_int_equal(c.n, 3);
    assert_true(wide_eq(c.data[0], "alpha"));
    assert_true(wide_eq(c.data[2], "gamma"));
    assert_int_equal(c.types[1], REG_SZ);
    assert_int_equal(c.lens[1], 10);
    assert_true(wide_eq(c.names[0], "Multi"));
    memset(&c, 0, sizeof(c));
    t[0].Flags = RTL_QUERY_REGISTRY_NOEXPAND;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t, &c,
                                            NULL), STATUS_SUCCESS);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.types[0], REG_MULTI_SZ);
    assert_int_equal(c.lens[0], sizeof(L"alpha\0beta\0gamma\0"));

    /* EXPAND_SZ: expanded to REG_SZ under the state root; NOEXPAND: raw. */
    memset(&c, 0, sizeof(c));
    t[0].Flags = 0;
    t[0].Name = L"Path";
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t, &c,
                                            NULL), STATUS_SUCCESS);
    assert_int_equal(c.types[0], REG_SZ);
    snprintf(want, sizeof(want), "%s/DriverData\\Contoso\\x.bin", regtest_root);
    assert_true(wide_eq(c.data[0], want));
    assert_int_equal(c.lens[0], (strlen(want) + 1) * 2);
    memset(&c, 0, sizeof(c));
    t[0].Flags = RTL_QUERY_REGISTRY_NOEXPAND;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t, &c,
                                            NULL), STATUS_SUCCESS);
    assert_int_equal(c.types[0], REG_EXPAND_SZ);
    assert_true(wide_eq(c.data[0], "%DriverData%\\Contoso\\x.bin"));

    /* Name NULL: every value of the key, in creation order. */
    memset(&c, 0, sizeof(c));
    t[0].Flags = RTL_QUERY_REGISTRY_NOEXPAND;
    t[0].Name = NULL;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", t, &c,
                                            NULL), STATUS_SUCCESS);
    assert_int_equal(c.n, 6);
    assert_true(wide_eq(c.names[0], "Dw"));
    assert_true(wide_eq(c.names[5], "Path"));

    /* SUBKEY focus with a routine: all values of the subkey; TOPKEY back;
     * NOVALUE: one bare call. */
    memset(&c, 0, sizeof(c));
    memset(t, 0, sizeof(t));
    t[0].QueryRoutine = record;
    t[0].Flags = RTL_QUERY_REGISTRY_SUBKEY;
    t[0].Name = L"Parameters";
    t[1].QueryRoutine = record;
    t[1].Flags = RTL_QUERY_REGISTRY_TOPKEY | RTL_QUERY_REGISTRY_NOVALUE;
    t[2].QueryRoutine = record;
    t[2].Name = L"Start";
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv", t, &c, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(c.n, 6 + 2 + 1 + 1);   /* 5 values + 3 multi strings, novalue, Start */
    assert_int_equal(c.types[8], REG_NONE);
    assert_int_equal(c.lens[8], 0);
    assert_true(wide_eq(c.names[9], "Start"));

    /* A missing SUBKEY: REQUIRED fails, otherwise its entries are skipped. */
    memset(&c, 0, sizeof(c));
    t[0].Name = L"NoSub";
    t[0].QueryRoutine = NULL;
    t[1].Flags = RTL_QUERY_REGISTRY_NOVALUE;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv", t, &c, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(c.n, 0);
    t[0].Flags = RTL_QUERY_REGISTRY_SUBKEY | RTL_QUERY_REGISTRY_REQUIRED;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv", t, &c, NULL),
                     STATUS_OBJECT_NAME_NOT_FOUND);

    /* Default data with DefaultLength 0 for a string: measured. */
    memset(&c, 0, sizeof(c));
    memset(t, 0, sizeof(t));
    t[0].QueryRoutine = record;
    t[0].Name = L"NotThere";
    t[0].DefaultType = REG_SZ;
    t[0].DefaultData = (PVOID)L"fallback";
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv", t, &c, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.lens[0], sizeof(L"fallback"));

    /* The routine's failure ends the query with its status. */
    t[0].QueryRoutine = fail_routine;
    t[0].Name = L"Start";
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"MyDrv", t, &c, NULL),
                     STATUS_INSUFFICIENT_RESOURCES);

    /* RTL_REGISTRY_HANDLE, then DELETE. */
    HANDLE h;
    ULONG dw = 0;
    assert_int_equal(zopen(&h, NULL, SVC L"\\MyDrv", KEY_ALL_ACCESS), STATUS_SUCCESS);
    memset(t, 0, sizeof(t));
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_DELETE;
    t[0].Name = L"Start";
    t[0].EntryContext = &dw;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_HANDLE, (PCWSTR)h, t, NULL, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(dw, 42);
    assert_int_equal(zget(h, L"Start", NULL, NULL, 0, NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    ZwClose(h);

    /* RtlDeleteRegistryValue. */
    assert_int_equal(RtlDeleteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", L"Qw"),
                     STATUS_SUCCESS);
    assert_int_equal(RtlDeleteRegistryValue(RTL_REGISTRY_SERVICES, L"MyDrv\\Parameters", L"Qw"),
                     STATUS_OBJECT_NAME_NOT_FOUND);
}

static void test_relative_to(void **state)
{
    ULONG dw = 5, out = 0;
    RTL_QUERY_REGISTRY_TABLE t[2];
    (void)state;

    static const struct { ULONG rel; const WCHAR *abs; } bases[] = {
        { RTL_REGISTRY_CONTROL, L"\\Registry\\Machine\\System\\CurrentControlSet\\Control" },
        { RTL_REGISTRY_WINDOWS_NT,
          L"\\Registry\\Machine\\Software\\Microsoft\\Windows NT\\CurrentVersion" },
        { RTL_REGISTRY_DEVICEMAP, L"\\Registry\\Machine\\Hardware\\DeviceMap" },
        { RTL_REGISTRY_USER, L"\\Registry\\User\\.Default" },
        { RTL_REGISTRY_SERVICES, SVC },
    };
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        dw = (ULONG)i + 100;
        assert_int_equal(RtlWriteRegistryValue(bases[i].rel, NULL, L"Probe", REG_DWORD, &dw, 4),
                         STATUS_SUCCESS);
        memset(t, 0, sizeof(t));
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
        t[0].Name = L"Probe";
        t[0].EntryContext = &out;
        assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL,
                                                bases[i].abs, t, NULL, NULL), STATUS_SUCCESS);
        assert_int_equal(out, i + 100);
    }
}

static void test_expand(void **state)
{
    WCHAR *out;
    size_t n;
    char want[600];
    (void)state;

    static const struct { const WCHAR *in; const char *fmt; } cases[] = {
        { L"%SystemRoot%\\System32", "%s/Windows\\System32" },
        { L"%systemroot%", "%s/Windows" },
        { L"%ProgramData%\\x", "%s/ProgramData\\x" },
        { L"%DRIVERDATA%", "%s/DriverData" },
        { L"%SystemDrive%\\", "%s\\" },
        { L"%Unknown%\\x", "%%Unknown%%\\x" },
        { L"50%", "50%%" },
        { L"%a%%SystemDrive%", "%%a%%%s" },
        { L"100%% %Temp", "100%%%% %%Temp" },
        { L"", "" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(want, sizeof(want), cases[i].fmt, regtest_root);
        assert_int_equal(reg_expand_string(cases[i].in, rtl_test_wcslen(cases[i].in), &out, &n),
                         STATUS_SUCCESS);
        assert_int_equal(n, strlen(want));
        assert_true(wide_eq(out, want));
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_direct, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_callbacks, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_relative_to, regtest_setup, regtest_teardown),
        cmocka_unit_test_setup_teardown(test_expand, regtest_setup, regtest_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
