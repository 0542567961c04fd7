/*
 * devqueue.c - KDEVICE_QUEUE, the queue behind IoStartPacket.
 *
 * A device queue is "busy" while its device works on a request: inserting
 * into an idle queue makes it busy and returns FALSE (the caller starts
 * the request itself); inserting into a busy queue links the entry and
 * returns TRUE. Removing from a queue that is empty makes it idle again.
 * Entries are ordered FIFO, or by SortKey for the ByKey forms. The queue's
 * own spin lock (KDEVICE_QUEUE.Lock) guards it; the insert and remove
 * DDIs are documented for DISPATCH_LEVEL and check it (0x9 below), and
 * removing from an idle queue is bug check DEVICE_QUEUE_NOT_BUSY (0x2).
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
