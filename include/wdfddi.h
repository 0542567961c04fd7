/*
 * wdfddi.h - OpenDDK: how the WDF headers declare a DDI (not a Windows
 * header). WDF_DDI(ret, Name, PFN_TYPE, (params), (args)) declares the
 * PFN type the executive implements (globals first) and, in a driver, the
 * FORCEINLINE wrapper that calls through slot NameTableIndex of
 * WdfFunctions, as the Microsoft headers do.
 */
#ifndef _WDFDDI_H_
#define _WDFDDI_H_

#define WDF_UNPAREN_(...) __VA_ARGS__

#ifdef DDK_DRIVER
#define WDF_DDI(ret, name, pfn, params, args)                                \
    typedef ret (WDFAPI *pfn)(PWDF_DRIVER_GLOBALS DriverGlobals, WDF_UNPAREN_ params); \
    FORCEINLINE ret name(WDF_UNPAREN_ params)                                \
    { return ((pfn)WdfFunctions[name##TableIndex])(WdfDriverGlobals, WDF_UNPAREN_ args); }
#define WDF_DDI_VOID(name, pfn, params, args)                                \
    typedef VOID (WDFAPI *pfn)(PWDF_DRIVER_GLOBALS DriverGlobals, WDF_UNPAREN_ params); \
    FORCEINLINE VOID name(WDF_UNPAREN_ params)                               \
    { ((pfn)WdfFunctions[name##TableIndex])(WdfDriverGlobals, WDF_UNPAREN_ args); }
#else
#define WDF_DDI(ret, name, pfn, params, args)                                \
    typedef ret (WDFAPI *pfn)(PWDF_DRIVER_GLOBALS DriverGlobals, WDF_UNPAREN_ params);
#define WDF_DDI_VOID(name, pfn, params, args)                                \
    typedef VOID (WDFAPI *pfn)(PWDF_DRIVER_GLOBALS DriverGlobals, WDF_UNPAREN_ params);
#endif

#endif /* _WDFDDI_H_ */
