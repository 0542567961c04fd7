/*
 * io/remlock.c - remove locks (IO_REMOVE_LOCK).
 *
 * IoCount starts at 1, a bias held by the lock itself. Every acquire adds
 * one, every release takes one away. IoReleaseRemoveLockAndWait sets
 * Removed, drops the caller's own acquisition and the bias, and sleeps
 * until the count reaches zero -- the release that gets there signals
 * RemoveEvent. An acquire that sees Removed (after counting itself, so the
 * waiter cannot miss it) backs out and fails with STATUS_DELETE_PENDING.
 * All fields are updated atomically; there is no lock. Only the free-build
 * layout is supported (no per-tag tracking block).
 */
#include "io/iop.h"

NTKERNELAPI void NTAPI IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock, ULONG AllocateTag,
                                                ULONG MaxLockedMinutes, ULONG HighWatermark,
                                                ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(AllocateTag);
    UNREFERENCED_PARAMETER(MaxLockedMinutes);
    UNREFERENCED_PARAMETER(HighWatermark);
    if (!Lock || RemlockSize < sizeof(IO_REMOVE_LOCK_COMMON_BLOCK)) {
        krnl_log(KRNL_LOG_ERROR, "IoInitializeRemoveLockEx: bad lock or size %u", RemlockSize);
        return;
    }
    Lock->Common.Removed = FALSE;
    Lock->Common.IoCount = 1;
    KeInitializeEvent(&Lock->Common.RemoveEvent, SynchronizationEvent, FALSE);
}

NTKERNELAPI NTSTATUS NTAPI IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                                                 PCSTR File, ULONG Line, ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(File);
    UNREFERENCED_PARAMETER(Line);
    UNREFERENCED_PARAMETER(RemlockSize);
    __atomic_add_fetch(&RemoveLock->Common.IoCount, 1, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&RemoveLock->Common.Removed, __ATOMIC_SEQ_CST))
        return STATUS_SUCCESS;
    if (__atomic_sub_fetch(&RemoveLock->Common.IoCount, 1, __ATOMIC_SEQ_CST) == 0)
        KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
    return STATUS_DELETE_PENDING;
}

NTKERNELAPI void NTAPI IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                                             ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(RemlockSize);
    LONG n = __atomic_sub_fetch(&RemoveLock->Common.IoCount, 1, __ATOMIC_SEQ_CST);
    if (n == 0)
        KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
    else if (n < 0)
        krnl_log(KRNL_LOG_ERROR, "IoReleaseRemoveLock: released more often than acquired (%p)",
                 (void *)RemoveLock);
}

NTKERNELAPI void NTAPI IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                                                    ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(RemlockSize);
    ke_check_irql_max(PASSIVE_LEVEL, "IoReleaseRemoveLockAndWait");
    __atomic_store_n(&RemoveLock->Common.Removed, TRUE, __ATOMIC_SEQ_CST);
    /* the caller's own acquisition, then the bias */
    __atomic_sub_fetch(&RemoveLock->Common.IoCount, 1, __ATOMIC_SEQ_CST);
    if (__atomic_sub_fetch(&RemoveLock->Common.IoCount, 1, __ATOMIC_SEQ_CST) > 0)
        KeWaitForSingleObject(&RemoveLock->Common.RemoveEvent, Executive, KernelMode, FALSE,
                              NULL);
}
