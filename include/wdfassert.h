/*
 * wdfassert.h - Windows Driver Frameworks: WDFVERIFY / VERIFY_IS_IRQL_PASSIVE_LEVEL.
 * With the verifier on (WdfDriverGlobals->DriverFlags & WdfVerifyOn), a
 * failed WDFVERIFY logs and breaks into the debugger
 * (WdfVerifierDbgBreakPoint); otherwise it is evaluated and ignored.
 */
#ifndef _WDFASSERT_H_
#define _WDFASSERT_H_

#ifdef DDK_DRIVER
#define WDFVERIFY(exp) do {                                                   \
        if ((WdfDriverGlobals->DriverFlags & WdfVerifyOn) && !(exp)) {       \
            DbgPrint("WDFVERIFY failed: %s (%s:%d)\n", #exp, __FILE__, __LINE__); \
            WdfVerifierDbgBreakPoint();                                       \
        }                                                                     \
    } while (0)
#define VERIFY_IS_IRQL_PASSIVE_LEVEL() WDFVERIFY(KeGetCurrentIrql() == PASSIVE_LEVEL)
#endif

#define WDFCASSERT(c) C_ASSERT(c)

#endif /* _WDFASSERT_H_ */
