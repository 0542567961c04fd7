/*
 * work.c - system worker threads: ExQueueWorkItem and ke_queue_work.
 *
 * One FIFO of WORK_QUEUE_ITEMs (linked through their own List field, so
 * queueing never allocates) is served by a pool of system threads at
 * PASSIVE_LEVEL. All queue types share the pool. A worker is added when
 * an item is queued and no worker is idle, up to KE_WORKERS_MAX, so that a
 * work item that waits for another work item does not deadlock a small
 * pool. Idle workers stay for the life of the process.
 *
 * After each item the worker checks what Windows checks: back at
 * PASSIVE_LEVEL (else WORKER_THREAD_RETURNED_AT_BAD_IRQL, 0xE1), no kernel
 * mutex still owned (SYSTEM_EXIT_OWNED_MUTEX, 0x39), APCs enabled again
 * (APC_INDEX_MISMATCH, 0x1).
 *
 * Queue state (items, counts) is guarded by ke_work_lock.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <stdlib.h>

#define KE_WORKERS_MAX 64

static pthread_mutex_t ke_work_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ke_work_cond = PTHREAD_COND_INITIALIZER;   /* item queued */
static pthread_cond_t ke_work_idle = PTHREAD_COND_INITIALIZER;   /* queue drained */
static LIST_ENTRY ke_work_items = { &ke_work_items, &ke_work_items }; /* ke_work_lock */
static ULONG ke_work_pending;   /* queued, not started (ke_work_lock) */
static ULONG ke_work_running;   /* started, not finished (ke_work_lock) */
static ULONG ke_workers;        /* threads in the pool (ke_work_lock) */
static ULONG ke_workers_idle;   /* waiting for an item (ke_work_lock) */

static void NTAPI ke_worker_main(PVOID unused)
{
    struct _KTHREAD *self = ke_thread_current();
    (void)unused;

    pthread_mutex_lock(&ke_work_lock);
    for (;;) {
        while (IsListEmpty(&ke_work_items)) {
            ke_workers_idle++;
            pthread_cond_wait(&ke_work_cond, &ke_work_lock);
            ke_workers_idle--;
        }
        PWORK_QUEUE_ITEM item = CONTAINING_RECORD(RemoveHeadList(&ke_work_items),
                                                  WORK_QUEUE_ITEM, List);
        PWORKER_THREAD_ROUTINE routine = item->WorkerRoutine;
        PVOID param = item->Parameter;
        ke_work_pending--;
        ke_work_running++;
        item->List.Flink = NULL; /* the item may be queued again from now on */
        pthread_mutex_unlock(&ke_work_lock);

        routine(param);

        if (ke_tls.irql != PASSIVE_LEVEL)
            krnl_bugcheck(WORKER_THREAD_RETURNED_AT_BAD_IRQL, (ULONG_PTR)routine, ke_tls.irql,
                          (ULONG_PTR)param, (ULONG_PTR)item, ke_module_of((const void *)routine),
                          "work routine %p returned at "
                          "IRQL %u", (void *)routine, (unsigned)ke_tls.irql);
        if (!IsListEmpty(&self->mutants))
            krnl_bugcheck(SYSTEM_EXIT_OWNED_MUTEX, (ULONG_PTR)routine, (ULONG_PTR)param,
                          (ULONG_PTR)item, 0, ke_module_of((const void *)routine),
                          "work routine %p returned owning a mutex",
                          (void *)routine);
        if (self->kernel_apc_disable || self->special_apc_disable)
            krnl_bugcheck(APC_INDEX_MISMATCH, (ULONG_PTR)routine,
                          (ULONG_PTR)(LONG_PTR)self->kernel_apc_disable,
                          (ULONG_PTR)(LONG_PTR)self->special_apc_disable, 0, ke_module_of((const void *)routine),
                          "work routine %p returned inside a critical "
                          "or guarded region", (void *)routine);

        pthread_mutex_lock(&ke_work_lock);
        ke_work_running--;
        if (!ke_work_running && !ke_work_pending)
            pthread_cond_broadcast(&ke_work_idle);
    }
}

/* ke_work_lock held: item linked and counted; wake or add a worker. */
static void ke_work_kick(void)
{
    /* Every pending item needs a worker of its own that is idle now;
     * otherwise a new one is started (an idle worker already woken for an
     * earlier item still counts as idle until it runs). */
    if (ke_workers_idle)
        pthread_cond_signal(&ke_work_cond);
    if (ke_work_pending > ke_workers_idle && ke_workers < KE_WORKERS_MAX) {
        struct _KTHREAD *t = ke_thread_create(ke_worker_main, NULL);
        if (t) {
            ke_workers++;
            ke_thread_put(t);
        } else if (!ke_workers) {
            krnl_log(KRNL_LOG_ERROR, "cannot start a worker thread");
        }
    }
}

NTKERNELAPI void NTAPI ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType)
{
    (void)QueueType; /* every queue type shares one pool */

    ke_check_irql_max(DISPATCH_LEVEL, "ExQueueWorkItem");
    if (!WorkItem->WorkerRoutine)
        krnl_bugcheck(INVALID_WORK_QUEUE_ITEM, (ULONG_PTR)WorkItem->List.Flink,
                      (ULONG_PTR)WorkItem->List.Blink, (ULONG_PTR)WorkItem, 0, NULL,
                      "ExQueueWorkItem with no worker routine");
    pthread_mutex_lock(&ke_work_lock);
    InsertTailList(&ke_work_items, &WorkItem->List);
    ke_work_pending++;
    ke_work_kick();
    pthread_mutex_unlock(&ke_work_lock);
}

struct ke_work {
    WORK_QUEUE_ITEM item;
    void (*routine)(void *);
    void *context;
};

static void NTAPI ke_work_trampoline(PVOID p)
{
    struct ke_work *w = p;
    void (*routine)(void *) = w->routine;
    void *context = w->context;
    free(w);
    routine(context);
}

NTSTATUS ke_queue_work(void (*routine)(void *context), void *context)
{
    struct ke_work *w = malloc(sizeof(*w));
    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    w->routine = routine;
    w->context = context;
    ExInitializeWorkItem(&w->item, ke_work_trampoline, w);
    ExQueueWorkItem(&w->item, DelayedWorkQueue);
    return STATUS_SUCCESS;
}

void ke_work_atfork(enum ke_fork_phase phase)
{
    switch (phase) {
    case KE_FORK_PREPARE:
        pthread_mutex_lock(&ke_work_lock);
        break;
    case KE_FORK_PARENT:
        pthread_mutex_unlock(&ke_work_lock);
        break;
    case KE_FORK_CHILD:
        /* The workers are gone: items they were running are lost; queued
         * ones get new workers on the next queue or flush. */
        ke_workers = ke_workers_idle = ke_work_running = 0;
        pthread_cond_init(&ke_work_cond, NULL);
        pthread_cond_init(&ke_work_idle, NULL);
        pthread_mutex_unlock(&ke_work_lock);
        break;
    }
}

void ke_flush_work(void)
{
    ke_check_irql_max(PASSIVE_LEVEL, "ke_flush_work");
    pthread_mutex_lock(&ke_work_lock);
    if (ke_work_pending && !ke_workers)
        ke_work_kick();
    while (ke_work_pending || ke_work_running)
        pthread_cond_wait(&ke_work_idle, &ke_work_lock);
    pthread_mutex_unlock(&ke_work_lock);
}
