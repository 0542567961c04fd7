/*
 * time.c - RtlTimeToTimeFields / RtlTimeFieldsToTime.
 *
 * A system time counts 100 ns ticks since 1601-01-01 00:00, proleptic
 * Gregorian. Dates are converted through a day count relative to
 * 0000-03-01, which puts the leap day at the end of each cycle and makes
 * the month arithmetic a closed formula (no tables, no loops).
 */
#include <wdm.h>
#include "rtl/rtl.h"

#define TICKS_PER_MS   10000LL
#define TICKS_PER_DAY  864000000000LL
/* Days from 0000-03-01 to 1601-01-01. */
#define DAYS_0000_03_01_TO_1601 584694LL

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long long)yoe + era * 400 + (*m <= 2);
}

VOID NTAPI RtlTimeToTimeFields(PLARGE_INTEGER Time, PTIME_FIELDS TimeFields)
{
    long long t = Time->QuadPart < 0 ? 0 : Time->QuadPart;
    long long days = t / TICKS_PER_DAY, rem = t % TICKS_PER_DAY, y;
    unsigned m, d;

    civil_from_days(days + DAYS_0000_03_01_TO_1601, &y, &m, &d);
    TimeFields->Year = (CSHORT)y;
    TimeFields->Month = (CSHORT)m;
    TimeFields->Day = (CSHORT)d;
    TimeFields->Milliseconds = (CSHORT)((rem / TICKS_PER_MS) % 1000);
    rem /= 10000000LL;
    TimeFields->Second = (CSHORT)(rem % 60);
    TimeFields->Minute = (CSHORT)((rem / 60) % 60);
    TimeFields->Hour = (CSHORT)(rem / 3600);
    TimeFields->Weekday = (CSHORT)((days + 1) % 7);     /* 1601-01-01 was a Monday */
}

static bool is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

BOOLEAN NTAPI RtlTimeFieldsToTime(PTIME_FIELDS TimeFields, PLARGE_INTEGER Time)
{
    static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    const TIME_FIELDS *f = TimeFields;
    long long days;

    if (f->Year < 1601 || f->Year > 30827 || f->Month < 1 || f->Month > 12 || f->Day < 1 ||
        f->Hour < 0 || f->Hour > 23 || f->Minute < 0 || f->Minute > 59 || f->Second < 0 ||
        f->Second > 59 || f->Milliseconds < 0 || f->Milliseconds > 999)
        return FALSE;
    if (f->Day > mdays[f->Month - 1] + (f->Month == 2 && is_leap(f->Year)))
        return FALSE;
    days = days_from_civil(f->Year, (unsigned)f->Month, (unsigned)f->Day) - DAYS_0000_03_01_TO_1601;
    Time->QuadPart = days * TICKS_PER_DAY +
                     ((long long)f->Hour * 3600 + f->Minute * 60 + f->Second) * 10000000LL +
                     (long long)f->Milliseconds * TICKS_PER_MS;
    return TRUE;
}

#define TICKS_PER_SECOND 10000000LL
#define EPOCH_1970 116444736000000000LL     /* 1970-01-01 in ticks since 1601 */
#define EPOCH_1980 119600064000000000LL     /* 1980-01-01 */

static BOOLEAN time_to_seconds(PLARGE_INTEGER Time, long long epoch, PULONG ElapsedSeconds)
{
    long long s;

    if (Time->QuadPart < epoch)
        return FALSE;
    s = (Time->QuadPart - epoch) / TICKS_PER_SECOND;
    if (s > 0xFFFFFFFFLL)
        return FALSE;
    *ElapsedSeconds = (ULONG)s;
    return TRUE;
}

BOOLEAN NTAPI RtlTimeToSecondsSince1970(PLARGE_INTEGER Time, PULONG ElapsedSeconds)
{
    return time_to_seconds(Time, EPOCH_1970, ElapsedSeconds);
}

BOOLEAN NTAPI RtlTimeToSecondsSince1980(PLARGE_INTEGER Time, PULONG ElapsedSeconds)
{
    return time_to_seconds(Time, EPOCH_1980, ElapsedSeconds);
}

VOID NTAPI RtlSecondsSince1970ToTime(ULONG ElapsedSeconds, PLARGE_INTEGER Time)
{
    Time->QuadPart = EPOCH_1970 + (long long)ElapsedSeconds * TICKS_PER_SECOND;
}

VOID NTAPI RtlSecondsSince1980ToTime(ULONG ElapsedSeconds, PLARGE_INTEGER Time)
{
    Time->QuadPart = EPOCH_1980 + (long long)ElapsedSeconds * TICKS_PER_SECOND;
}
