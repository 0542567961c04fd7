/*
 * wdftimer.h - Windows Driver Frameworks: timers.
 */
#ifndef _WDFTIMER_H_
#define _WDFTIMER_H_

typedef VOID (NTAPI EVT_WDF_TIMER)(WDFTIMER Timer);
typedef EVT_WDF_TIMER *PFN_WDF_TIMER;

#define TolerableDelayUnlimited ((ULONG)-1)

typedef struct _WDF_TIMER_CONFIG {
    ULONG Size;
    PFN_WDF_TIMER EvtTimerFunc;
    ULONG Period;
    BOOLEAN AutomaticSerialization;
    ULONG TolerableDelay;
    BOOLEAN UseHighResolutionTimer;
} WDF_TIMER_CONFIG, *PWDF_TIMER_CONFIG;

FORCEINLINE VOID WDF_TIMER_CONFIG_INIT(PWDF_TIMER_CONFIG Config, PFN_WDF_TIMER EvtTimerFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_TIMER_CONFIG));
    Config->Size = sizeof(WDF_TIMER_CONFIG);
    Config->EvtTimerFunc = EvtTimerFunc;
    Config->Period = 0;
    Config->AutomaticSerialization = TRUE;
    Config->TolerableDelay = 0;
}

FORCEINLINE VOID WDF_TIMER_CONFIG_INIT_PERIODIC(PWDF_TIMER_CONFIG Config,
                                                PFN_WDF_TIMER EvtTimerFunc, LONG Period)
{
    RtlZeroMemory(Config, sizeof(WDF_TIMER_CONFIG));
    Config->Size = sizeof(WDF_TIMER_CONFIG);
    Config->EvtTimerFunc = EvtTimerFunc;
    Config->Period = (ULONG)Period;
    Config->AutomaticSerialization = TRUE;
    Config->TolerableDelay = 0;
}

WDF_DDI(NTSTATUS, WdfTimerCreate, PFN_WDFTIMERCREATE,
        (PWDF_TIMER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFTIMER *Timer),
        (Config, Attributes, Timer))
WDF_DDI(BOOLEAN, WdfTimerStart, PFN_WDFTIMERSTART, (WDFTIMER Timer, LONGLONG DueTime),
        (Timer, DueTime))
WDF_DDI(BOOLEAN, WdfTimerStop, PFN_WDFTIMERSTOP, (WDFTIMER Timer, BOOLEAN Wait), (Timer, Wait))
WDF_DDI(WDFOBJECT, WdfTimerGetParentObject, PFN_WDFTIMERGETPARENTOBJECT, (WDFTIMER Timer),
        (Timer))

#endif /* _WDFTIMER_H_ */
