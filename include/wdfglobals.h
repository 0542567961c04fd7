/*
 * wdfglobals.h - Windows Driver Frameworks: the per-driver globals and
 * the function table through which every Wdf* call goes.
 *
 * WdfDriverGlobals and WdfFunctions are variables of the driver module
 * itself (defined, hidden, by the entry stub src/stub/driver_entry.c);
 * the stub binds them to the executive (wdf_bind) before DriverEntry runs.
 * Each Wdf* DDI in these headers is a FORCEINLINE wrapper that calls slot
 * WdfXxxTableIndex of WdfFunctions with WdfDriverGlobals first, as the
 * Microsoft framework does; so two drivers in one process each reach the
 * framework with their own globals.
 */
#ifndef _WDFGLOBALS_H_
#define _WDFGLOBALS_H_

#define WDF_DRIVER_GLOBALS_NAME_LEN (32)

typedef struct _WDF_DRIVER_GLOBALS {
    WDFDRIVER Driver;        /* the driver's WDFDRIVER, after WdfDriverCreate */
    ULONG DriverFlags;
    ULONG DriverTag;         /* pool tag used for the driver's objects */
    CHAR DriverName[WDF_DRIVER_GLOBALS_NAME_LEN];
    BOOLEAN DisplaceDriverUnload;
} WDF_DRIVER_GLOBALS, *PWDF_DRIVER_GLOBALS;

typedef VOID (*WDFFUNC)(VOID);

#ifdef DDK_DRIVER
extern PWDF_DRIVER_GLOBALS WdfDriverGlobals;
extern const WDFFUNC *WdfFunctions;
#endif

/* OpenDDK extension (not a Windows DDI): the call the KMDF/UMDF entry
 * stub makes before DriverEntry. model 1 = KMDF, 2 = UMDF; the version and
 * function count are those the driver was compiled against. Fails with
 * STATUS_REVISION_MISMATCH for a newer or another major version. The
 * framework's DriverUnload (or wdf_unbind, when DriverEntry fails) ends
 * the binding. */
NTKERNELAPI NTSTATUS NTAPI wdf_bind(ULONG model, ULONG major, ULONG minor, ULONG function_count,
                                    struct _DRIVER_OBJECT *driver_object,
                                    PWDF_DRIVER_GLOBALS *globals, const WDFFUNC **functions);
NTKERNELAPI VOID NTAPI wdf_unbind(PWDF_DRIVER_GLOBALS globals);

/* The call through the table: name must have a WdfXxxTableIndex and a
 * PFN typedef. (An OpenDDK helper macro, not a Windows name.) */
#define WDF_TABLE_CALL(pfn, name) ((pfn)WdfFunctions[name##TableIndex])

#endif /* _WDFGLOBALS_H_ */
