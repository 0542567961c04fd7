/*
 * wdfverifier.h - Windows Driver Frameworks: verifier helpers.
 */
#ifndef _WDFVERIFIER_H_
#define _WDFVERIFIER_H_

typedef VOID (WDFAPI *PFN_WDFVERIFIERDBGBREAKPOINT)(PWDF_DRIVER_GLOBALS DriverGlobals);
#ifdef DDK_DRIVER
FORCEINLINE VOID WdfVerifierDbgBreakPoint(VOID)
{
    ((PFN_WDFVERIFIERDBGBREAKPOINT)WdfFunctions[WdfVerifierDbgBreakPointTableIndex])(WdfDriverGlobals);
}
#endif
WDF_DDI_VOID(WdfVerifierKeBugCheck, PFN_WDFVERIFIERKEBUGCHECK,
             (ULONG BugCheckCode, ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2,
              ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4),
             (BugCheckCode, BugCheckParameter1, BugCheckParameter2, BugCheckParameter3,
              BugCheckParameter4))

#endif /* _WDFVERIFIER_H_ */
