/*
 * se/wdmsec.c - the predefined device-object SDDL strings of wdmsec.h
 * (the exact Windows strings; IoCreateDeviceSecure is io's).
 */
#include <wdm.h>
#include <wdmsec.h>

#define SE_SDDL_CONST(name, text)                                        \
    static const WCHAR name##_text[] = text;                            \
    DDK_EXPORT const UNICODE_STRING name = {                              \
        sizeof(name##_text) - sizeof(WCHAR), sizeof(name##_text),        \
        (PWCH)name##_text }

SE_SDDL_CONST(SDDL_DEVOBJ_KERNEL_ONLY, L"D:P");
SE_SDDL_CONST(SDDL_DEVOBJ_SYS_ALL, L"D:P(A;;GA;;;SY)");
SE_SDDL_CONST(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, L"D:P(A;;GA;;;SY)(A;;GA;;;BA)");
SE_SDDL_CONST(SDDL_DEVOBJ_SYS_ALL_ADM_RX, L"D:P(A;;GA;;;SY)(A;;GRGX;;;BA)");
SE_SDDL_CONST(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R,
              L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)");
SE_SDDL_CONST(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R,
              L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)");
SE_SDDL_CONST(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R,
              L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)");
SE_SDDL_CONST(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX,
              L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)");
