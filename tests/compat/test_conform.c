/*
 * test_conform.c - header conformance: a driver written in the Windows
 * idiom (conform/) builds with ddk-cc under -Wall -Wextra without a
 * single warning, and its self-check (DriverEntry with no driver
 * object) passes; the system GUID headers hold the WDK's values; SAL
 * and MSVC-isms in the shapes drivers use them compile.
 */
#include <ntddk.h>
#include <wdmguid.h>
#include <devguid.h>
#include <ddk/driver_abi.h>

#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define CONFORM_DIR DDK_SOURCE_DIR "/tests/compat/conform"

static void guid_string(const GUID *g, char *out)
{
    sprintf(out, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
            (unsigned)g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
            g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static void test_system_guids(void **state)
{
    (void)state;
    static const struct { const GUID *g; const char *s; } want[] = {
        { &GUID_DEVICE_INTERFACE_ARRIVAL, "cb3a4004-46f0-11d0-b08f-00609713053f" },
        { &GUID_DEVICE_INTERFACE_REMOVAL, "cb3a4005-46f0-11d0-b08f-00609713053f" },
        { &GUID_HWPROFILE_QUERY_CHANGE, "cb3a4001-46f0-11d0-b08f-00609713053f" },
        { &GUID_HWPROFILE_CHANGE_CANCELLED, "cb3a4002-46f0-11d0-b08f-00609713053f" },
        { &GUID_HWPROFILE_CHANGE_COMPLETE, "cb3a4003-46f0-11d0-b08f-00609713053f" },
        { &GUID_TARGET_DEVICE_QUERY_REMOVE, "cb3a4006-46f0-11d0-b08f-00609713053f" },
        { &GUID_TARGET_DEVICE_REMOVE_CANCELLED, "cb3a4007-46f0-11d0-b08f-00609713053f" },
        { &GUID_TARGET_DEVICE_REMOVE_COMPLETE, "cb3a4008-46f0-11d0-b08f-00609713053f" },
        { &GUID_PNP_CUSTOM_NOTIFICATION, "aca73f8e-8d23-11d1-ac7d-0000f87571d0" },
        { &GUID_BUS_INTERFACE_STANDARD, "496b8280-6f25-11d0-beaf-08002be2092f" },
        { &GUID_PNP_LOCATION_INTERFACE, "70211b0e-0afb-47db-afc1-410bf842497a" },
        { &GUID_D3COLD_SUPPORT_INTERFACE, "b38290e5-3cd0-4f9d-9937-f5fe2b44d47a" },
        { &GUID_POWER_DEVICE_ENABLE, "827c0a6f-feb0-11d0-bd26-00aa00b7b32a" },
        { &GUID_POWER_DEVICE_TIMEOUTS, "a45da735-feb0-11d0-bd26-00aa00b7b32a" },
        { &GUID_POWER_DEVICE_WAKE_ENABLE, "a9546a82-feb0-11d0-bd26-00aa00b7b32a" },
        { &GUID_BUS_TYPE_PCI, "c8ebdfb0-b510-11d0-80e5-00a0c92542e3" },
        { &GUID_BUS_TYPE_USB, "9d7debbc-c85d-11d1-9eb4-006008c3a19a" },
        { &GUID_PCI_ATS_INTERFACE, "010a7fe8-96f5-4943-bedf-95e651b93412" },
        { &GUID_DEVCLASS_SYSTEM, "4d36e97d-e325-11ce-bfc1-08002be10318" },
        { &GUID_DEVCLASS_USB, "36fc9e60-c465-11cf-8056-444553540000" },
        { &GUID_DEVCLASS_HIDCLASS, "745a17a0-74d3-11d0-b6fe-00a0c90f57da" },
        { &GUID_DEVCLASS_NET, "4d36e972-e325-11ce-bfc1-08002be10318" },
        { &GUID_DEVCLASS_MEDIA, "4d36e96c-e325-11ce-bfc1-08002be10318" },
        { &GUID_DEVCLASS_PORTS, "4d36e978-e325-11ce-bfc1-08002be10318" },
        { &GUID_DEVCLASS_UNKNOWN, "4d36e97e-e325-11ce-bfc1-08002be10318" },
        { &GUID_DEVCLASS_DISKDRIVE, "4d36e967-e325-11ce-bfc1-08002be10318" },
        { &GUID_DEVCLASS_KEYBOARD, "4d36e96b-e325-11ce-bfc1-08002be10318" },
        { &GUID_DEVCLASS_BLUETOOTH, "e0cbf06c-cd8b-4647-bb8a-263b43f0f974" },
        { &GUID_DEVCLASS_SOFTWARECOMPONENT, "5c4c3332-344d-483c-8739-259e934c9cc8" },
    };
    char s[40];
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        guid_string(want[i].g, s);
        assert_string_equal(s, want[i].s);
    }
}

/* The version macros drivers compare against. */
static void test_versions(void **state)
{
    (void)state;
    assert_int_equal(NTDDI_WIN10_VB, 0x0A000008);
    assert_int_equal(NTDDI_VERSION, NTDDI_WIN10_VB);
    assert_int_equal(_WIN32_WINNT, 0x0A00);
    assert_true(NTDDI_VERSION >= NTDDI_WIN10_RS5);
    assert_int_equal(OSVER(NTDDI_WIN7), NTDDI_WIN7);
}

/* Compiler intrinsics and MSVC-isms with the values MSVC gives them. */
static void test_intrinsics(void **state)
{
    (void)state;
    LONG bits[2] = { 0, 0 };
    assert_int_equal(_bittestandset(bits, 33), 0);
    assert_int_equal(bits[1], 2);
    assert_int_equal(_bittestandset(bits, 33), 1);
    assert_int_equal(_bittestandcomplement(bits, 0), 0);
    assert_int_equal(_bittestandreset(bits, 0), 1);
    assert_int_equal(bits[0], 0);
    assert_int_equal(_rotl(0x80000001u, 1), 3);
    assert_int_equal(_rotr(3u, 1), 0x80000001u);
    assert_true(_rotl64(1ull, 65) == 2ull);
    assert_int_equal(_rotl8(0x81, 1), 0x03);
    assert_int_equal(_rotr16(0x0001, 1), 0x8000);
    assert_int_equal(__popcnt(0xF0F0u), 8);
    assert_int_equal(__lzcnt(1u), 31);
    assert_int_equal(__lzcnt(0u), 32);
    assert_int_equal(__lzcnt16(1), 15);
    assert_true(__lzcnt64(1ull) == 63);
    assert_int_equal('lpmS', 0x6c706d53);       /* pool tags: first char high */
    assert_true(ARGUMENT_PRESENT(bits));
    assert_false(ARGUMENT_PRESENT(NULL));
    assert_int_equal(NTDDK_OPENDDK, 1);
}

/* The Windows-idiom driver builds with ddk-cc, warning-free under
 * -Wall -Wextra, two translation units sharing a DEFINE_GUID through
 * <initguid.h>, and checks itself when called. */
static void test_conform_driver(void **state)
{
    (void)state;
    char ddkcc[512], dir[] = "/tmp/conform-test.XXXXXX", cmd[4096], out[16384];
    const char *b = getenv("DDK_BUILD_DIR");
    snprintf(ddkcc, sizeof(ddkcc), "%s/bin/ddk-cc", b && *b ? b : DDK_BUILD_DIR);
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof(cmd), "{ '%s' --wdm -Wall -Wextra -shared -o '%s/conform.so' "
             "%s/driver.c %s/guids.c ; } 2>&1", ddkcc, dir, CONFORM_DIR, CONFORM_DIR);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    int st = pclose(p);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || n != 0)
        fail_msg("ddk-cc on conform/ (status %d):\n%s", st, out);

    /* The driver's DDIs resolve against the executive this test links
     * (and must link: --as-needed drops an unused library). */
    assert_int_equal(ddk_seh_depth(), 0);
    char so[256];
    snprintf(so, sizeof(so), "%s/conform.so", dir);
    void *h = dlopen(so, RTLD_LAZY | RTLD_LOCAL);
    if (!h)
        fail_msg("dlopen: %s", dlerror());
    const struct ddk_driver_info *info = dlsym(h, DDK_DRIVER_INFO_SYMBOL);
    assert_non_null(info);
    NTSTATUS r = info->driver_entry(NULL, NULL);
    if (r != STATUS_SUCCESS)
        fail_msg("conform/driver.c: self-check at line %d failed", (int)r);
    dlclose(h);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Annotations in every position the WDK puts them, in this very file,
 * under the project's own -Wall -Wextra -Werror. */
_IRQL_requires_max_(DISPATCH_LEVEL)
_IRQL_saves_global_(OldIrql, Lock)
_Requires_lock_not_held_(*Lock)
_Acquires_lock_(*Lock)
_When_(Flags != 0, _Post_satisfies_(return == 1))
_Success_(return >= 0)
static LONG
sal_shapes(_Inout_ _Interlocked_operand_ LONG volatile *Lock,
           _In_range_(0, 2) ULONG Flags,
           _Out_writes_bytes_all_opt_(Size) PVOID Out,
           _In_ SIZE_T Size,
           _Outptr_opt_result_bytebuffer_(Size) PVOID *Ret,
           _In_reads_or_z_opt_(Size) PCSTR Text,
           _Reserved_ PVOID Reserved,
           _Deref_pre_readonly_ PCWSTR *Name,
           __in_ecount(Size) const CHAR *Old,
           __drv_aliasesMem __out PVOID *Alias)
{
    UNREFERENCED_PARAMETER(Out);
    UNREFERENCED_PARAMETER(Ret);
    UNREFERENCED_PARAMETER(Text);
    UNREFERENCED_PARAMETER(Reserved);
    UNREFERENCED_PARAMETER(Name);
    UNREFERENCED_PARAMETER(Old);
    UNREFERENCED_PARAMETER(Alias);
    _Analysis_assume_(Size > 0);
    __analysis_assume(Flags < 3);
    *Lock = 1;
    switch (Flags) {
    case 0:
        return 0;
    case 1:
        Size++;
        __fallthrough;
    default:
        return Size ? 1 : 0;
    }
}

static void test_sal_shapes(void **state)
{
    (void)state;
    LONG volatile lock = 0;
    assert_int_equal(sal_shapes(&lock, 1, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL), 1);
    assert_int_equal(lock, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system_guids),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_intrinsics),
        cmocka_unit_test(test_conform_driver),
        cmocka_unit_test(test_sal_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
