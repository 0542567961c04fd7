/*
 * driver.c - a driver spelled the way sources written on Windows often
 * are: include names that match the files on disk only if case is
 * ignored. test_ddkcc.c builds it with ddk-cc; the driver returns the sum
 * of values defined in each header, so a header that was not found or
 * the wrong one is seen.
 */
#include <NTDDK.h>          /* the file is ntddk.h */
#include "Trace.h"          /* the file is trace.h, beside this one */
#include "Config.h"         /* the file is inc/config.h, found through -I */
#include "inc\Extra.h"      /* Windows separators: inc/extra.h */
#include "..\casefix\inc\More.h"  /* climbing out and back: inc/more.h */

struct _DRIVER_OBJECT;

NTSTATUS DriverEntry(_In_ struct _DRIVER_OBJECT *DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return TRACE_VALUE + LEVELS_VALUE + HELPER_VALUE + CONFIG_VALUE + EXTRA_VALUE + MORE_VALUE;
}

/* Not static, yet must stay invisible outside the module. */
int casefix_global_helper(void);
int casefix_global_helper(void)
{
    return 1;
}
