/*
 * ob/glue.c - the object manager's two needs from ke: the current IRQL
 * (is a delete allowed here?) and a worker to defer deletes to.
 *
 * Both are weak references to the documented DDIs so that ob links and
 * works whether or not ke is in the library yet; without ke everything
 * runs at PASSIVE_LEVEL and a deferred delete runs inline. This file
 * deliberately includes only the type headers, so its weak declarations
 * never meet ke's own declarations.
 */
#include <ntdef.h>
#include <ddk/ketypes.h>
#include "krnl/krnl.h"

extern KIRQL NTAPI KeGetCurrentIrql(void) __attribute__((weak));
extern VOID NTAPI ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType)
    __attribute__((weak));

KIRQL ob_current_irql(void);
BOOLEAN ob_queue_work(PWORK_QUEUE_ITEM item);

KIRQL ob_current_irql(void)
{
    return KeGetCurrentIrql ? KeGetCurrentIrql() : PASSIVE_LEVEL;
}

/* item->WorkerRoutine and Parameter are set by the caller. FALSE: no
 * worker available, the caller runs the routine itself. */
BOOLEAN ob_queue_work(PWORK_QUEUE_ITEM item)
{
    if (!ExQueueWorkItem) {
        krnl_log_once(KRNL_LOG_WARN, "ob: no work queue yet, deleting objects inline");
        return FALSE;
    }
    item->List.Flink = NULL;
    ExQueueWorkItem(item, DelayedWorkQueue);
    return TRUE;
}
