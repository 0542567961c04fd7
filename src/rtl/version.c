/*
 * version.c - RtlGetVersion and RtlIsNtDdiVersionAvailable.
 *
 * The version reported is the DDI level OpenDDK implements (Windows 10,
 * version 2004: 10.0.19041, NTDDI_WIN10_VB, the default of sdkddkver.h),
 * so a driver that picks code paths by version picks ones that exist here.
 */
#include <wdm.h>
#include "rtl/rtl.h"

#include <string.h>

#define RTL_VERSION_MAJOR 10
#define RTL_VERSION_MINOR 0
#define RTL_VERSION_BUILD 19041
#define RTL_NTDDI_LEVEL   0x0A000008u   /* NTDDI_WIN10_VB */

_Static_assert(sizeof(RTL_OSVERSIONINFOW) == 276, "RTL_OSVERSIONINFOW layout");
_Static_assert(sizeof(RTL_OSVERSIONINFOEXW) == 284, "RTL_OSVERSIONINFOEXW layout");

NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation)
{
    PRTL_OSVERSIONINFOW v = lpVersionInformation;

    if (!v || (v->dwOSVersionInfoSize != sizeof(RTL_OSVERSIONINFOW) &&
               v->dwOSVersionInfoSize != sizeof(RTL_OSVERSIONINFOEXW)))
        return STATUS_INVALID_PARAMETER;
    v->dwMajorVersion = RTL_VERSION_MAJOR;
    v->dwMinorVersion = RTL_VERSION_MINOR;
    v->dwBuildNumber = RTL_VERSION_BUILD;
    v->dwPlatformId = VER_PLATFORM_WIN32_NT;
    memset(v->szCSDVersion, 0, sizeof(v->szCSDVersion));
    if (v->dwOSVersionInfoSize == sizeof(RTL_OSVERSIONINFOEXW)) {
        PRTL_OSVERSIONINFOEXW x = (PRTL_OSVERSIONINFOEXW)v;

        x->wServicePackMajor = 0;
        x->wServicePackMinor = 0;
        x->wSuiteMask = VER_SUITE_SINGLEUSERTS;
        x->wProductType = VER_NT_WORKSTATION;
        x->wReserved = 0;
    }
    return STATUS_SUCCESS;
}

BOOLEAN NTAPI RtlIsNtDdiVersionAvailable(ULONG Version)
{
    return Version <= RTL_NTDDI_LEVEL;
}
