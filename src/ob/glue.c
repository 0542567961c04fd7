/*
 * ob/glue.c - the object manager's two needs from ke: the current IRQL
 * (may a delete run here?) and a worker to defer deletes to.
 *
 * The deferred delete uses the WORK_QUEUE_ITEM kept in the object header
 * with ExQueueWorkItem when ke provides it (no allocation, cannot fail);
 * until then, ke_queue_work, which allocates. If even that fails the
 * delete runs inline and says so: late is better than never.
 */
#include <wdm.h>
#include "ke/ke.h"
#include "krnl/krnl.h"
#include "ob/obp.h"

/* Weak until ke's worker threads are in the library. */
#pragma weak ExQueueWorkItem
#pragma weak ke_queue_work

KIRQL ob_current_irql(void)
{
    return KeGetCurrentIrql();
}

static void ob_work_trampoline(void *context)
{
    PWORK_QUEUE_ITEM item = context;

    item->WorkerRoutine(item->Parameter);
}

BOOLEAN ob_queue_work(PWORK_QUEUE_ITEM item)
{
    item->List.Flink = NULL;
    if (ExQueueWorkItem) {
        ExQueueWorkItem(item, DelayedWorkQueue);
        return TRUE;
    }
    if (ke_queue_work && NT_SUCCESS(ke_queue_work(ob_work_trampoline, item)))
        return TRUE;
    krnl_log_once(KRNL_LOG_WARN, "ob: cannot queue a deferred delete, deleting inline");
    return FALSE;
}
