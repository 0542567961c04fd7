/*
 * devqueue.c - KDEVICE_QUEUE (the queue behind IoStartPacket) and the
 * ExInterlocked* list helpers.
 *
 * A device queue is "busy" while its device works on a request: inserting
 * into an idle queue makes it busy and returns FALSE (the caller starts
 * the request itself); inserting into a busy queue links the entry and
 * returns TRUE. Removing from a queue that is empty makes it idle again.
 * Entries are ordered FIFO, or by SortKey for the ByKey forms. The queue's
 * own spin lock (KDEVICE_QUEUE.Lock) guards it; the insert and remove
 * DDIs are documented for DISPATCH_LEVEL and check it (0x9 below), and
 * removing from an idle queue is bug check DEVICE_QUEUE_NOT_BUSY (0x2).
 *
 * ExInterlocked* work at any IRQL: they raise to at least DISPATCH_LEVEL
 * around the caller's spin lock, which may be shared with an ISR.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#define DEVICE_QUEUE_NOT_BUSY 0x02

static void ke_dq_check_dispatch(const char *ddi, void *caller)
{
    if (ke_tls.irql < DISPATCH_LEVEL)
        krnl_bugcheck(IRQL_NOT_GREATER_OR_EQUAL, ke_tls.irql, DISPATCH_LEVEL, 0,
                      (ULONG_PTR)caller, ke_module_of(caller),
                      "%s called at IRQL %u (needs DISPATCH_LEVEL)", ddi,
                      (unsigned)ke_tls.irql);
}

NTKERNELAPI void NTAPI KeInitializeDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
    DeviceQueue->Type = DeviceQueueObject;
    DeviceQueue->Size = sizeof(KDEVICE_QUEUE);
    InitializeListHead(&DeviceQueue->DeviceListHead);
    KeInitializeSpinLock(&DeviceQueue->Lock);
    DeviceQueue->Reserved = 0;
    DeviceQueue->Hint = 0;
    DeviceQueue->Busy = FALSE;
}

NTKERNELAPI BOOLEAN NTAPI KeInsertDeviceQueue(PKDEVICE_QUEUE DeviceQueue,
                                              PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    BOOLEAN inserted;

    ke_dq_check_dispatch("KeInsertDeviceQueue", __builtin_return_address(0));
    ke_spin_lock_raw(&DeviceQueue->Lock);
    inserted = DeviceQueue->Busy;
    if (inserted)
        InsertTailList(&DeviceQueue->DeviceListHead, &DeviceQueueEntry->DeviceListEntry);
    else
        DeviceQueue->Busy = TRUE;
    DeviceQueueEntry->Inserted = inserted;
    ke_spin_unlock_raw(&DeviceQueue->Lock);
    return inserted;
}

NTKERNELAPI BOOLEAN NTAPI KeInsertByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue,
                                                   PKDEVICE_QUEUE_ENTRY DeviceQueueEntry,
                                                   ULONG SortKey)
{
    BOOLEAN inserted;

    ke_dq_check_dispatch("KeInsertByKeyDeviceQueue", __builtin_return_address(0));
    DeviceQueueEntry->SortKey = SortKey;
    ke_spin_lock_raw(&DeviceQueue->Lock);
    inserted = DeviceQueue->Busy;
    if (inserted) {
        /* after every entry whose key is <= SortKey: FIFO among equals */
        PLIST_ENTRY e = DeviceQueue->DeviceListHead.Flink;
        while (e != &DeviceQueue->DeviceListHead &&
               CONTAINING_RECORD(e, KDEVICE_QUEUE_ENTRY, DeviceListEntry)->SortKey <= SortKey)
            e = e->Flink;
        InsertTailList(e, &DeviceQueueEntry->DeviceListEntry);
    } else {
        DeviceQueue->Busy = TRUE;
    }
    DeviceQueueEntry->Inserted = inserted;
    ke_spin_unlock_raw(&DeviceQueue->Lock);
    return inserted;
}

static PKDEVICE_QUEUE_ENTRY ke_dq_remove(PKDEVICE_QUEUE q, BOOLEAN by_key, ULONG key,
                                         BOOLEAN if_busy, const char *ddi, void *caller)
{
    PKDEVICE_QUEUE_ENTRY entry = NULL;

    ke_dq_check_dispatch(ddi, caller);
    ke_spin_lock_raw(&q->Lock);
    if (!q->Busy) {
        ke_spin_unlock_raw(&q->Lock);
        if (if_busy)
            return NULL;
        krnl_bugcheck(DEVICE_QUEUE_NOT_BUSY, (ULONG_PTR)q, 0, 0, (ULONG_PTR)caller,
                      ke_module_of(caller), "%s on device queue %p that is not busy", ddi,
                      (void *)q);
    }
    if (IsListEmpty(&q->DeviceListHead)) {
        q->Busy = FALSE;
    } else {
        PLIST_ENTRY e = q->DeviceListHead.Flink;
        if (by_key) {
            /* the first entry with a key >= SortKey, else the first one */
            for (PLIST_ENTRY s = e; s != &q->DeviceListHead; s = s->Flink) {
                if (CONTAINING_RECORD(s, KDEVICE_QUEUE_ENTRY, DeviceListEntry)->SortKey >= key) {
                    e = s;
                    break;
                }
            }
        }
        RemoveEntryList(e);
        entry = CONTAINING_RECORD(e, KDEVICE_QUEUE_ENTRY, DeviceListEntry);
        entry->Inserted = FALSE;
    }
    ke_spin_unlock_raw(&q->Lock);
    return entry;
}

NTKERNELAPI PKDEVICE_QUEUE_ENTRY NTAPI KeRemoveDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
    return ke_dq_remove(DeviceQueue, FALSE, 0, FALSE, "KeRemoveDeviceQueue",
                        __builtin_return_address(0));
}

NTKERNELAPI PKDEVICE_QUEUE_ENTRY NTAPI KeRemoveByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue,
                                                                ULONG SortKey)
{
    return ke_dq_remove(DeviceQueue, TRUE, SortKey, FALSE, "KeRemoveByKeyDeviceQueue",
                        __builtin_return_address(0));
}

NTKERNELAPI PKDEVICE_QUEUE_ENTRY NTAPI KeRemoveByKeyDeviceQueueIfBusy(PKDEVICE_QUEUE DeviceQueue,
                                                                      ULONG SortKey)
{
    return ke_dq_remove(DeviceQueue, TRUE, SortKey, TRUE, "KeRemoveByKeyDeviceQueueIfBusy",
                        __builtin_return_address(0));
}

NTKERNELAPI BOOLEAN NTAPI KeRemoveEntryDeviceQueue(PKDEVICE_QUEUE DeviceQueue,
                                                   PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    BOOLEAN was;
    KIRQL old;

    ke_check_irql_max(DISPATCH_LEVEL, "KeRemoveEntryDeviceQueue");
    old = KfRaiseIrql(DISPATCH_LEVEL);
    ke_spin_lock_raw(&DeviceQueue->Lock);
    was = DeviceQueueEntry->Inserted;
    if (was) {
        RemoveEntryList(&DeviceQueueEntry->DeviceListEntry);
        DeviceQueueEntry->Inserted = FALSE;
    }
    ke_spin_unlock_raw(&DeviceQueue->Lock);
    KeLowerIrql(old);
    return was;
}

/* ------------------------------------------------------ ExInterlocked* */

static KIRQL ke_il_lock(PKSPIN_LOCK lock)
{
    KIRQL old = ke_tls.irql;
    if (old < DISPATCH_LEVEL)
        KfRaiseIrql(DISPATCH_LEVEL);
    ke_spin_lock_raw(lock);
    return old;
}

static void ke_il_unlock(PKSPIN_LOCK lock, KIRQL old)
{
    ke_spin_unlock_raw(lock);
    if (old < DISPATCH_LEVEL)
        KeLowerIrql(old);
}

NTKERNELAPI PLIST_ENTRY FASTCALL ExInterlockedInsertHeadList(PLIST_ENTRY ListHead,
                                                             PLIST_ENTRY ListEntry,
                                                             PKSPIN_LOCK Lock)
{
    KIRQL old = ke_il_lock(Lock);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? NULL : ListHead->Flink;
    InsertHeadList(ListHead, ListEntry);
    ke_il_unlock(Lock, old);
    return first;
}

NTKERNELAPI PLIST_ENTRY FASTCALL ExInterlockedInsertTailList(PLIST_ENTRY ListHead,
                                                             PLIST_ENTRY ListEntry,
                                                             PKSPIN_LOCK Lock)
{
    KIRQL old = ke_il_lock(Lock);
    PLIST_ENTRY last = IsListEmpty(ListHead) ? NULL : ListHead->Blink;
    InsertTailList(ListHead, ListEntry);
    ke_il_unlock(Lock, old);
    return last;
}

NTKERNELAPI PLIST_ENTRY FASTCALL ExInterlockedRemoveHeadList(PLIST_ENTRY ListHead,
                                                             PKSPIN_LOCK Lock)
{
    KIRQL old = ke_il_lock(Lock);
    PLIST_ENTRY e = IsListEmpty(ListHead) ? NULL : RemoveHeadList(ListHead);
    ke_il_unlock(Lock, old);
    return e;
}

NTKERNELAPI PSINGLE_LIST_ENTRY FASTCALL ExInterlockedPushEntryList(PSINGLE_LIST_ENTRY ListHead,
                                                                   PSINGLE_LIST_ENTRY ListEntry,
                                                                   PKSPIN_LOCK Lock)
{
    KIRQL old = ke_il_lock(Lock);
    PSINGLE_LIST_ENTRY first = ListHead->Next;
    ListEntry->Next = first;
    ListHead->Next = ListEntry;
    ke_il_unlock(Lock, old);
    return first;
}

NTKERNELAPI PSINGLE_LIST_ENTRY FASTCALL ExInterlockedPopEntryList(PSINGLE_LIST_ENTRY ListHead,
                                                                  PKSPIN_LOCK Lock)
{
    KIRQL old = ke_il_lock(Lock);
    PSINGLE_LIST_ENTRY first = ListHead->Next;
    if (first)
        ListHead->Next = first->Next;
    ke_il_unlock(Lock, old);
    return first;
}

NTKERNELAPI ULONG FASTCALL ExInterlockedAddUlong(PULONG Addend, ULONG Increment,
                                                 PKSPIN_LOCK Lock)
{
    KIRQL old = ke_il_lock(Lock);
    ULONG v = *Addend;
    *Addend = v + Increment;
    ke_il_unlock(Lock, old);
    return v;
}

NTKERNELAPI LARGE_INTEGER NTAPI ExInterlockedAddLargeInteger(PLARGE_INTEGER Addend,
                                                             LARGE_INTEGER Increment,
                                                             PKSPIN_LOCK Lock)
{
    KIRQL old = ke_il_lock(Lock);
    LARGE_INTEGER v = *Addend;
    Addend->QuadPart = (LONGLONG)((ULONGLONG)v.QuadPart + (ULONGLONG)Increment.QuadPart);
    ke_il_unlock(Lock, old);
    return v;
}
