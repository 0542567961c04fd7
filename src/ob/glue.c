/*
 * ob/glue.c - the object manager's two needs from ke: the current IRQL
 * (may a delete run here?) and a worker to defer deletes to.
 *
 * The deferred delete uses the WORK_QUEUE_ITEM kept in the object header
 * with ExQueueWorkItem: no allocation, so it cannot fail.
 */
#include <wdm.h>
#include "ke/ke.h"
#include "krnl/krnl.h"
#include "ob/obp.h"

KIRQL ob_current_irql(void)
{
    return KeGetCurrentIrql();
}

BOOLEAN ob_queue_work(PWORK_QUEUE_ITEM item)
{
    item->List.Flink = NULL;
    ExQueueWorkItem(item, DelayedWorkQueue);
    return TRUE;
}
