/*
 * seh_drv.c - SEH as driver sources spell it, in a driver build
 * (DDK_DRIVER): the lower-case try/except/finally/leave as well as the
 * __try family. DriverEntry returns STATUS_SUCCESS, or the line number of
 * the first check that failed (test_seh.c reports it).
 */
#include <ntddk.h>

struct _DRIVER_OBJECT;

#define CHECK(c) do { if (!(c)) return (NTSTATUS)__LINE__; } while (0)

#define STATUS_SEH_DRV_TEST ((NTSTATUS)0xE0001234L)

static int seh_drv_counter;

static VOID SehDrvRaiser(_In_ NTSTATUS Status)
{
    seh_drv_counter++;
    ExRaiseStatus(Status);
}

static LONG SehDrvFilter(_In_ NTSTATUS Code)
{
    return Code == STATUS_SEH_DRV_TEST ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH;
}

static NTSTATUS SehDrvLowerCase(VOID)
{
    volatile int handled = 0, finals = 0, steps = 0;
    volatile NTSTATUS code = STATUS_SUCCESS;

    try {
        SehDrvRaiser(STATUS_SEH_DRV_TEST);
        steps = 100;
    } except (SehDrvFilter(GetExceptionCode())) {
        handled = 1;
        code = GetExceptionCode();
    }
    CHECK(handled == 1 && steps == 0 && code == STATUS_SEH_DRV_TEST);

    try {
        steps++;
        leave;
        steps = 100;
    } finally {
        finals++;
        CHECK(!AbnormalTermination());
    }
    CHECK(steps == 1 && finals == 1);

    handled = 0;
    try {
        try {
            ExRaiseAccessViolation();
        } finally {
            finals++;
            CHECK(AbnormalTermination());
        }
    } except (EXCEPTION_EXECUTE_HANDLER) {
        handled = GetExceptionCode() == STATUS_ACCESS_VIOLATION;
    }
    CHECK(handled == 1 && finals == 2);
    return STATUS_SUCCESS;
}

static NTSTATUS SehDrvUnderscore(VOID)
{
    volatile int handled = 0;
    __try {
        __try {
            SehDrvRaiser(STATUS_INSUFFICIENT_RESOURCES);
        } __except (SehDrvFilter(GetExceptionCode())) {
            return (NTSTATUS)__LINE__;      /* declined by the filter */
        }
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        handled = GetExceptionCode() == STATUS_INSUFFICIENT_RESOURCES;
    }
    CHECK(handled);
    _try {
        _leave;
    } _finally {
        handled = 2;
    }
    CHECK(handled == 2);
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ struct _DRIVER_OBJECT *DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);

    status = SehDrvLowerCase();
    if (!NT_SUCCESS(status) || status != STATUS_SUCCESS)
        return status;
    status = SehDrvUnderscore();
    if (status != STATUS_SUCCESS)
        return status;
    return seh_drv_counter == 2 ? STATUS_SUCCESS : (NTSTATUS)__LINE__;
}
