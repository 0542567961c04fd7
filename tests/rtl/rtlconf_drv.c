/*
 * rtlconf_drv.c - a driver that uses the run-time library the way drivers
 * do, compiled as a driver module (driver flags, hidden visibility, DDIs
 * resolved from the executive at load time). DriverEntry checks results
 * itself and fails with the number of the first failed check in the
 * status (0xE0000000 | n), so the test sees exactly what went wrong.
 */
#include <wdm.h>
#include <ntstrsafe.h>
#include <ntintsafe.h>

#define CHECK(n, cond) do { if (!(cond)) { \
        DbgPrint("rtlconf: check %d failed: %s\n", (n), #cond); \
        return (NTSTATUS)(0xE0000000u | (n)); } } while (0)

DECLARE_GLOBAL_CONST_UNICODE_STRING(RtlConfName, L"RtlConf");

static VOID RtlConfUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KdPrint(("rtlconf: unload\n"));
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WCHAR buf[128];
    UNICODE_STRING us, up, copy;
    DECLARE_UNICODE_STRING_SIZE(name, 32);
    ULONG bits[2], n = 0;
    RTL_BITMAP bm;
    SIZE_T sz;
    LONG volatile counter = 0;
    NTSTATUS st;

    CHECK(1, RegistryPath && RegistryPath->Length);
    st = RtlStringCchPrintfW(buf, RTL_NUMBER_OF(buf), L"%wZ|%d|%I64x|%hs", &RtlConfName, -5,
                             0x1234ULL, "narrow");
    CHECK(2, st == STATUS_SUCCESS);
    RtlInitUnicodeString(&us, buf);
    RtlInitUnicodeString(&up, L"RTLCONF|-5|1234|NARROW");
    CHECK(3, RtlEqualUnicodeString(&us, &up, TRUE));
    CHECK(4, !RtlEqualUnicodeString(&us, &up, FALSE));
    CHECK(5, RtlUnicodeStringCopy(&name, &RtlConfName) == STATUS_SUCCESS);
    CHECK(6, RtlUnicodeStringCatString(&name, L"-suffix") == STATUS_SUCCESS);
    CHECK(7, name.Length == 14 * sizeof(WCHAR));
    CHECK(8, RtlUpcaseUnicodeString(&copy, &name, TRUE) == STATUS_SUCCESS);
    CHECK(9, copy.Buffer[0] == L'R' && copy.Buffer[3] == L'C');
    RtlFreeUnicodeString(&copy);
    CHECK(10, RtlSizeTMult((SIZE_T)1 << 40, (SIZE_T)1 << 30, &sz) == STATUS_INTEGER_OVERFLOW);
    CHECK(11, RtlULongAdd(1, 2, &n) == STATUS_SUCCESS && n == 3);
    RtlInitializeBitMap(&bm, bits, 64);
    RtlClearAllBits(&bm);
    CHECK(12, RtlFindClearBitsAndSet(&bm, 10, 60) == 0);
    CHECK(13, RtlNumberOfSetBits(&bm) == 10);
    CHECK(14, InterlockedIncrement(&counter) == 1);
    CHECK(15, RtlNtStatusToDosError(STATUS_ACCESS_DENIED) == 5);
    CHECK(16, RtlCompareMemory("abc", "abd", 3) == 2);
    DbgPrint("rtlconf ok: %wZ\n", RegistryPath);
    DriverObject->DriverUnload = RtlConfUnload;
    return STATUS_SUCCESS;
}
