/*
 * time.c - system time, interrupt time, tick count, performance counter.
 *
 * System time is CLOCK_REALTIME as 100 ns units since 1601-01-01 UTC.
 * Interrupt time (and the unbiased interrupt time) is CLOCK_MONOTONIC in
 * 100 ns units; every relative timeout and every timer of ke is measured
 * on it. The tick is Windows' default 15.625 ms; the performance counter
 * runs at 10 MHz, the frequency Windows 10 and later report.
 */
#define _GNU_SOURCE
#include "ke/ke.h"

#include <time.h>

#define KE_EPOCH_1601_TO_1970 116444736000000000LL
#define KE_TIME_INCREMENT 156250UL
#define KE_QPC_FREQUENCY 10000000LL

ULONGLONG ke_interrupt_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 10000000ULL + (ULONGLONG)ts.tv_nsec / 100;
}

LONGLONG ke_system_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (LONGLONG)ts.tv_sec * 10000000LL + ts.tv_nsec / 100 + KE_EPOCH_1601_TO_1970;
}

NTKERNELAPI void NTAPI KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = ke_system_time();
}

NTKERNELAPI void NTAPI KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = ke_system_time();
}

NTKERNELAPI ULONGLONG NTAPI KeQueryInterruptTime(void)
{
    return ke_interrupt_time();
}

NTKERNELAPI ULONGLONG NTAPI KeQueryInterruptTimePrecise(PULONG64 QpcTimeStamp)
{
    ULONGLONG t = ke_interrupt_time();
    if (QpcTimeStamp)
        *QpcTimeStamp = t; /* QPC ticks are 100 ns too */
    return t;
}

NTKERNELAPI ULONGLONG NTAPI KeQueryUnbiasedInterruptTime(void)
{
    return ke_interrupt_time();
}

NTKERNELAPI ULONGLONG NTAPI KeQueryUnbiasedInterruptTimePrecise(PULONG64 QpcTimeStamp)
{
    return KeQueryInterruptTimePrecise(QpcTimeStamp);
}

NTKERNELAPI void NTAPI KeQueryTickCount(PLARGE_INTEGER CurrentCount)
{
    CurrentCount->QuadPart = (LONGLONG)(ke_interrupt_time() / KE_TIME_INCREMENT);
}

NTKERNELAPI ULONG NTAPI KeQueryTimeIncrement(void)
{
    return KE_TIME_INCREMENT;
}

NTKERNELAPI LARGE_INTEGER NTAPI KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    LARGE_INTEGER r;
    if (PerformanceFrequency)
        PerformanceFrequency->QuadPart = KE_QPC_FREQUENCY;
    r.QuadPart = (LONGLONG)ke_interrupt_time();
    return r;
}

NTKERNELAPI void NTAPI KeStallExecutionProcessor(ULONG MicroSeconds)
{
    /* Busy-waits, as on Windows: callers may hold spin locks. */
    ULONGLONG end = ke_interrupt_time() + (ULONGLONG)MicroSeconds * 10;
    while (ke_interrupt_time() < end)
        __builtin_ia32_pause();
}
