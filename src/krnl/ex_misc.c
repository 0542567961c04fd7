/*
 * ex_misc.c - the smaller executive services: lists and counters guarded
 * by a caller's spin lock, run-down protection, time zone conversion,
 * UUIDs.
 *
 * Run-down protection keeps its whole state in the driver's
 * EX_RUNDOWN_REF (Count = 2 x holders | run-down-active bit), so it needs
 * no allocation and no initialization beyond zero. The waiter sleeps on
 * a futex on the low 32 bits of Count; the last holder to leave after
 * run-down began wakes it.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- spin-lock-guarded lists --------------------------------------- */

/* The lock is taken at the caller's IRQL if that is DISPATCH_LEVEL or
 * above (the DDIs are callable at device IRQL), else at DISPATCH_LEVEL. */
static KIRQL ex_lock(PKSPIN_LOCK lock)
{
    KIRQL irql = KeGetCurrentIrql();
    if (irql < DISPATCH_LEVEL)
        return KeAcquireSpinLockRaiseToDpc(lock);
    KeAcquireSpinLockAtDpcLevel(lock);
    return 0xFF;
}

static void ex_unlock(PKSPIN_LOCK lock, KIRQL old)
{
    if (old == 0xFF)
        KeReleaseSpinLockFromDpcLevel(lock);
    else
        KeReleaseSpinLock(lock, old);
}

NTKERNELAPI PLIST_ENTRY NTAPI ExInterlockedInsertHeadList(PLIST_ENTRY ListHead,
        PLIST_ENTRY ListEntry, PKSPIN_LOCK Lock)
{
    KIRQL old = ex_lock(Lock);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? NULL : ListHead->Flink;
    InsertHeadList(ListHead, ListEntry);
    ex_unlock(Lock, old);
    return first;
}

NTKERNELAPI PLIST_ENTRY NTAPI ExInterlockedInsertTailList(PLIST_ENTRY ListHead,
        PLIST_ENTRY ListEntry, PKSPIN_LOCK Lock)
{
    KIRQL old = ex_lock(Lock);
    PLIST_ENTRY last = IsListEmpty(ListHead) ? NULL : ListHead->Blink;
    InsertTailList(ListHead, ListEntry);
    ex_unlock(Lock, old);
    return last;
}

NTKERNELAPI PLIST_ENTRY NTAPI ExInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PKSPIN_LOCK Lock)
{
    KIRQL old = ex_lock(Lock);
    PLIST_ENTRY e = IsListEmpty(ListHead) ? NULL : RemoveHeadList(ListHead);
    ex_unlock(Lock, old);
    return e;
}

NTKERNELAPI PSINGLE_LIST_ENTRY NTAPI ExInterlockedPushEntryList(PSINGLE_LIST_ENTRY ListHead,
        PSINGLE_LIST_ENTRY ListEntry, PKSPIN_LOCK Lock)
{
    KIRQL old = ex_lock(Lock);
    PSINGLE_LIST_ENTRY first = ListHead->Next;
    ListEntry->Next = first;
    ListHead->Next = ListEntry;
    ex_unlock(Lock, old);
    return first;
}

NTKERNELAPI PSINGLE_LIST_ENTRY NTAPI ExInterlockedPopEntryList(PSINGLE_LIST_ENTRY ListHead,
        PKSPIN_LOCK Lock)
{
    KIRQL old = ex_lock(Lock);
    PSINGLE_LIST_ENTRY first = ListHead->Next;
    if (first)
        ListHead->Next = first->Next;
    ex_unlock(Lock, old);
    return first;
}

NTKERNELAPI ULONG NTAPI ExInterlockedAddUlong(PULONG Addend, ULONG Increment, PKSPIN_LOCK Lock)
{
    KIRQL old = ex_lock(Lock);
    ULONG before = *Addend;
    *Addend = before + Increment;
    ex_unlock(Lock, old);
    return before;
}

NTKERNELAPI LARGE_INTEGER NTAPI ExInterlockedAddLargeInteger(PLARGE_INTEGER Addend,
        LARGE_INTEGER Increment, PKSPIN_LOCK Lock)
{
    KIRQL old = ex_lock(Lock);
    LARGE_INTEGER before = *Addend;
    Addend->QuadPart = before.QuadPart + Increment.QuadPart;
    ex_unlock(Lock, old);
    return before;
}

/* ---- run-down protection ------------------------------------------- */

#define RUNDOWN_ACTIVE ((ULONG_PTR)1)
#define RUNDOWN_UNIT   ((ULONG_PTR)2)

static int *rundown_word(PEX_RUNDOWN_REF r)
{
    return (int *)(void *)&r->Count;   /* low half on little-endian x86-64 */
}

NTKERNELAPI VOID NTAPI ExInitializeRundownProtection(PEX_RUNDOWN_REF RunRef)
{
    __atomic_store_n(&RunRef->Count, 0, __ATOMIC_RELEASE);
}

NTKERNELAPI VOID NTAPI ExReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef)
{
    __atomic_store_n(&RunRef->Count, 0, __ATOMIC_RELEASE);
}

NTKERNELAPI BOOLEAN NTAPI ExAcquireRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count)
{
    ULONG_PTR v = __atomic_load_n(&RunRef->Count, __ATOMIC_RELAXED);
    do {
        if (v & RUNDOWN_ACTIVE)
            return FALSE;
    } while (!__atomic_compare_exchange_n(&RunRef->Count, &v, v + RUNDOWN_UNIT * Count, 1,
                                          __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
    return TRUE;
}

NTKERNELAPI BOOLEAN NTAPI ExAcquireRundownProtection(PEX_RUNDOWN_REF RunRef)
{
    return ExAcquireRundownProtectionEx(RunRef, 1);
}

NTKERNELAPI VOID NTAPI ExReleaseRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count)
{
    ULONG_PTR v = __atomic_sub_fetch(&RunRef->Count, RUNDOWN_UNIT * Count, __ATOMIC_RELEASE);
    if ((LONG_PTR)v < 0)
        krnl_bugcheck(0xC4, 0x1001, (ULONG_PTR)RunRef, Count, 0, NULL,
                      "run-down protection released more often than acquired");
    if (v == RUNDOWN_ACTIVE)
        syscall(SYS_futex, rundown_word(RunRef), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

NTKERNELAPI VOID NTAPI ExReleaseRundownProtection(PEX_RUNDOWN_REF RunRef)
{
    ExReleaseRundownProtectionEx(RunRef, 1);
}

NTKERNELAPI VOID NTAPI ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef)
{
    ULONG_PTR v;

    if (KeGetCurrentIrql() > APC_LEVEL)
        krnl_bugcheck(0xA, (ULONG_PTR)RunRef, KeGetCurrentIrql(), 0, 0, NULL,
                      "ExWaitForRundownProtectionRelease above APC_LEVEL");
    v = __atomic_or_fetch(&RunRef->Count, RUNDOWN_ACTIVE, __ATOMIC_ACQ_REL);
    while (v != RUNDOWN_ACTIVE) {
        syscall(SYS_futex, rundown_word(RunRef), FUTEX_WAIT_PRIVATE, (int)(unsigned)v, NULL,
                NULL, 0);
        v = __atomic_load_n(&RunRef->Count, __ATOMIC_ACQUIRE);
    }
}

NTKERNELAPI VOID NTAPI ExRundownCompleted(PEX_RUNDOWN_REF RunRef)
{
    __atomic_store_n(&RunRef->Count, RUNDOWN_ACTIVE, __ATOMIC_RELEASE);
}

/* ---- misc ------------------------------------------------------------- */

NTKERNELAPI KPROCESSOR_MODE NTAPI ExGetPreviousMode(void)
{
    /* Every caller of a DDI here is in the executive's process: requests
     * from client programs carry their mode in Irp->RequestorMode. */
    return KernelMode;
}

/* Local time bias now, in 100 ns units (local = system + bias). */
static LONGLONG ex_local_bias(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm))
        return 0;
    return (LONGLONG)tm.tm_gmtoff * 10000000LL;
}

NTKERNELAPI VOID NTAPI ExSystemTimeToLocalTime(PLARGE_INTEGER SystemTime, PLARGE_INTEGER LocalTime)
{
    LocalTime->QuadPart = SystemTime->QuadPart + ex_local_bias();
}

NTKERNELAPI VOID NTAPI ExLocalTimeToSystemTime(PLARGE_INTEGER LocalTime, PLARGE_INTEGER SystemTime)
{
    SystemTime->QuadPart = LocalTime->QuadPart - ex_local_bias();
}

NTKERNELAPI NTSTATUS NTAPI ExUuidCreate(UUID *Uuid)
{
    size_t got = 0;
    if (!Uuid)
        return STATUS_INVALID_PARAMETER;
    while (got < sizeof(*Uuid)) {
        ssize_t n = getrandom((char *)Uuid + got, sizeof(*Uuid) - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return STATUS_UNSUCCESSFUL;
        }
        got += (size_t)n;
    }
    Uuid->Data3 = (USHORT)((Uuid->Data3 & 0x0FFF) | 0x4000);     /* version 4 */
    Uuid->Data4[0] = (UCHAR)((Uuid->Data4[0] & 0x3F) | 0x80);    /* RFC 4122 variant */
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI ExCreateCallback(PCALLBACK_OBJECT *CallbackObject,
        POBJECT_ATTRIBUTES ObjectAttributes, BOOLEAN Create, BOOLEAN AllowMultipleCallbacks)
{
    (void)ObjectAttributes;
    (void)Create;
    (void)AllowMultipleCallbacks;
    if (CallbackObject)
        *CallbackObject = NULL;
    krnl_log_once(KRNL_LOG_WARN, "ExCreateCallback: callback objects are not implemented");
    return STATUS_NOT_IMPLEMENTED;
}

NTKERNELAPI PVOID NTAPI ExRegisterCallback(PCALLBACK_OBJECT CallbackObject,
        PCALLBACK_FUNCTION CallbackFunction, PVOID CallbackContext)
{
    (void)CallbackObject;
    (void)CallbackFunction;
    (void)CallbackContext;
    krnl_log_once(KRNL_LOG_WARN, "ExRegisterCallback: callback objects are not implemented");
    return NULL;
}

NTKERNELAPI VOID NTAPI ExUnregisterCallback(PVOID CallbackRegistration)
{
    (void)CallbackRegistration;
    krnl_log_once(KRNL_LOG_WARN, "ExUnregisterCallback: callback objects are not implemented");
}

NTKERNELAPI VOID NTAPI ExNotifyCallback(PVOID CallbackObject, PVOID Argument1, PVOID Argument2)
{
    (void)CallbackObject;
    (void)Argument1;
    (void)Argument2;
    krnl_log_once(KRNL_LOG_WARN, "ExNotifyCallback: callback objects are not implemented");
}
