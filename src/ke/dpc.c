/*
 * dpc.c - deferred procedure calls.
 *
 * One DPC queue and one DPC thread per processor; a thread starts the
 * first time its queue gets a DPC. The DPC thread pins itself to its
 * processor (best effort) and reports that processor from
 * KeGetCurrentProcessorNumber while it runs a DPC. A normal DPC runs at
 * DISPATCH_LEVEL; a threaded DPC runs at PASSIVE_LEVEL on the same thread
 * (Windows runs it at PASSIVE_LEVEL in a real-time thread). A DPC routine
 * that returns at another IRQL is bug check IRQL_UNEXPECTED_VALUE (0xC8).
 *
 * Queue state: the KDPC is linked through DpcListEntry; DpcData points to
 * the queue while the DPC is queued and is NULL otherwise, so "already
 * queued" is one test. Every queue is guarded by the one DPC lock
 * (ke_dpc_lock), which is taken after the dispatcher lock when both are
 * needed (timer expiry queues DPCs with the dispatcher lock held).
 *
 * KDPC.Number holds the target processor + 1 (0 = the processor that
 * queues it), set by KeSetTargetProcessorDpc(Ex).
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <sched.h>

struct ke_dpc_queue {
    PKDPC head, tail;           /* ke_dpc_lock */
    ULONG depth;                /* ke_dpc_lock */
    BOOLEAN started;            /* ke_dpc_lock */
    pthread_cond_t cond;        /* signaled when a DPC is queued */
    ULONG cpu;
};

static pthread_mutex_t ke_dpc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ke_dpc_queue ke_dpc_queues[MAXIMUM_PROCESSORS];
static pthread_once_t ke_dpc_once = PTHREAD_ONCE_INIT;

static void ke_dpc_init(void)
{
    for (ULONG i = 0; i < MAXIMUM_PROCESSORS; i++) {
        pthread_cond_init(&ke_dpc_queues[i].cond, NULL);
        ke_dpc_queues[i].cpu = i;
    }
}

NTKERNELAPI void NTAPI KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
                                       PVOID DeferredContext)
{
    Dpc->TargetInfoAsUlong = 0;
    Dpc->Type = DpcObject;
    Dpc->Importance = MediumImportance;
    Dpc->Number = 0;
    Dpc->DpcListEntry.Next = NULL;
    Dpc->ProcessorHistory = 0;
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
    Dpc->SystemArgument1 = Dpc->SystemArgument2 = NULL;
    Dpc->DpcData = NULL;
}

NTKERNELAPI void NTAPI KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
                                               PVOID DeferredContext)
{
    KeInitializeDpc(Dpc, DeferredRoutine, DeferredContext);
    Dpc->Type = ThreadedDpcObject;
}

NTKERNELAPI void NTAPI KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance)
{
    Dpc->Importance = (UCHAR)Importance;
}

NTKERNELAPI void NTAPI KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number)
{
    Dpc->Number = (USHORT)((UCHAR)Number + 1);
}

NTKERNELAPI NTSTATUS NTAPI KeSetTargetProcessorDpcEx(PKDPC Dpc, PPROCESSOR_NUMBER ProcNumber)
{
    if (!ProcNumber || ProcNumber->Group != 0 || ProcNumber->Number >= ke_processor_count())
        return STATUS_INVALID_PARAMETER;
    Dpc->Number = (USHORT)(ProcNumber->Number + 1);
    return STATUS_SUCCESS;
}

static void *ke_dpc_thread(void *arg);

/* ke_dpc_lock held. */
static void ke_dpc_start(struct ke_dpc_queue *q)
{
    pthread_t pt;
    pthread_attr_t attr;

    if (q->started)
        return;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&pt, &attr, ke_dpc_thread, q) == 0)
        q->started = TRUE;
    else
        krnl_log(KRNL_LOG_ERROR, "cannot start the DPC thread of processor %u", (unsigned)q->cpu);
    pthread_attr_destroy(&attr);
}

NTKERNELAPI BOOLEAN NTAPI KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1,
                                           PVOID SystemArgument2)
{
    ULONG ncpu = ke_processor_count();
    ULONG cpu = Dpc->Number ? (ULONG)(Dpc->Number - 1) % ncpu : KeGetCurrentProcessorNumber();
    struct ke_dpc_queue *q = &ke_dpc_queues[cpu];

    pthread_once(&ke_dpc_once, ke_dpc_init);
    pthread_mutex_lock(&ke_dpc_lock);
    if (Dpc->DpcData) {
        pthread_mutex_unlock(&ke_dpc_lock);
        return FALSE;
    }
    Dpc->SystemArgument1 = SystemArgument1;
    Dpc->SystemArgument2 = SystemArgument2;
    Dpc->DpcData = q;
    if (Dpc->Importance == HighImportance) {
        Dpc->DpcListEntry.Next = (PSINGLE_LIST_ENTRY)q->head;
        q->head = Dpc;
        if (!q->tail)
            q->tail = Dpc;
    } else {
        Dpc->DpcListEntry.Next = NULL;
        if (q->tail)
            q->tail->DpcListEntry.Next = &Dpc->DpcListEntry;
        else
            q->head = Dpc;
        q->tail = Dpc;
    }
    q->depth++;
    ke_dpc_start(q);
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&ke_dpc_lock);
    return TRUE;
}

static PKDPC ke_dpc_next(PKDPC dpc)
{
    return dpc->DpcListEntry.Next ? CONTAINING_RECORD(dpc->DpcListEntry.Next, KDPC, DpcListEntry)
                                  : NULL;
}

NTKERNELAPI BOOLEAN NTAPI KeRemoveQueueDpc(PRKDPC Dpc)
{
    struct ke_dpc_queue *q;
    PKDPC prev = NULL, cur;

    pthread_once(&ke_dpc_once, ke_dpc_init);
    pthread_mutex_lock(&ke_dpc_lock);
    q = Dpc->DpcData;
    if (!q) {
        pthread_mutex_unlock(&ke_dpc_lock);
        return FALSE;
    }
    for (cur = q->head; cur && cur != Dpc; cur = ke_dpc_next(cur))
        prev = cur;
    if (cur) {
        PKDPC next = ke_dpc_next(cur);
        if (prev)
            prev->DpcListEntry.Next = next ? &next->DpcListEntry : NULL;
        else
            q->head = next;
        if (q->tail == cur)
            q->tail = prev;
        q->depth--;
    }
    Dpc->DpcData = NULL;
    Dpc->DpcListEntry.Next = NULL;
    pthread_mutex_unlock(&ke_dpc_lock);
    return TRUE;
}

static void *ke_dpc_thread(void *arg)
{
    struct ke_dpc_queue *q = arg;
    struct _KTHREAD *self;
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(q->cpu, &set);
    (void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set); /* best effort */
    self = ke_thread_current();
    self->system = TRUE;
    self->priority = HIGH_PRIORITY;

    pthread_mutex_lock(&ke_dpc_lock);
    for (;;) {
        PKDPC dpc;
        PKDEFERRED_ROUTINE routine;
        PVOID ctx, a1, a2;
        BOOLEAN threaded;
        KIRQL want, got;

        while (!q->head)
            pthread_cond_wait(&q->cond, &ke_dpc_lock);
        dpc = q->head;
        q->head = ke_dpc_next(dpc);
        if (!q->head)
            q->tail = NULL;
        q->depth--;
        routine = dpc->DeferredRoutine;
        ctx = dpc->DeferredContext;
        a1 = dpc->SystemArgument1;
        a2 = dpc->SystemArgument2;
        threaded = dpc->Type == ThreadedDpcObject;
        dpc->DpcListEntry.Next = NULL;
        /* From here the DPC may be queued again (even by its own routine). */
        dpc->DpcData = NULL;
        pthread_mutex_unlock(&ke_dpc_lock);

        want = threaded ? PASSIVE_LEVEL : DISPATCH_LEVEL;
        ke_tls.cpu = q->cpu;
        ke_tls.dpc_cpu_valid = 1;
        ke_tls.in_dpc = 1;
        ke_tls.irql = want;
        routine(dpc, ctx, a1, a2);
        got = ke_tls.irql;
        ke_tls.in_dpc = 0;
        if (got != want)
            krnl_bugcheck(IRQL_UNEXPECTED_VALUE, ((ULONG_PTR)got << 16) | ((ULONG_PTR)want << 8),
                          (ULONG_PTR)routine, (ULONG_PTR)dpc, 0, ke_module_of((const void *)routine),
                          "DPC routine %p returned at IRQL %u (entered "
                          "at %u)", (void *)routine, (unsigned)got, (unsigned)want);
        if (ke_tls.spinlocks_held)
            krnl_bugcheck(IRQL_UNEXPECTED_VALUE, ((ULONG_PTR)got << 16) | ((ULONG_PTR)want << 8),
                          (ULONG_PTR)routine, (ULONG_PTR)dpc, 1, ke_module_of((const void *)routine),
                          "DPC routine %p returned holding %d spin lock(s)", (void *)routine,
                          (int)ke_tls.spinlocks_held);
        ke_tls.irql = PASSIVE_LEVEL;
        ke_tls.dpc_cpu_valid = 0;
        pthread_mutex_lock(&ke_dpc_lock);
    }
    return NULL;
}

void ke_dpc_atfork(enum ke_fork_phase phase)
{
    switch (phase) {
    case KE_FORK_PREPARE:
        pthread_mutex_lock(&ke_dpc_lock);
        break;
    case KE_FORK_PARENT:
        pthread_mutex_unlock(&ke_dpc_lock);
        break;
    case KE_FORK_CHILD:
        /* No DPC thread survived; queued DPCs wait for the next insert or
         * flush to start their queue's thread again. A DPC that was
         * running in the parent is lost. */
        for (ULONG i = 0; i < MAXIMUM_PROCESSORS; i++) {
            ke_dpc_queues[i].started = FALSE;
            pthread_cond_init(&ke_dpc_queues[i].cond, NULL);
        }
        pthread_mutex_unlock(&ke_dpc_lock);
        break;
    }
}

NTKERNELAPI BOOLEAN NTAPI KeIsExecutingDpc(void)
{
    return ke_tls.in_dpc;
}

static void NTAPI ke_flush_marker(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    (void)dpc;
    (void)a1;
    (void)a2;
    KeSetEvent(ctx, 0, FALSE);
}

/* Every started queue gets a marker DPC at its tail; when all markers have
 * run, every DPC queued before the call has run too. */
NTKERNELAPI void NTAPI KeFlushQueuedDpcs(void)
{
    ULONG n = ke_processor_count();
    KDPC markers[MAXIMUM_PROCESSORS];
    KEVENT done[MAXIMUM_PROCESSORS];
    BOOLEAN used[MAXIMUM_PROCESSORS] = { 0 };

    ke_check_irql_max(PASSIVE_LEVEL, "KeFlushQueuedDpcs");
    pthread_once(&ke_dpc_once, ke_dpc_init);
    for (ULONG i = 0; i < n; i++) {
        BOOLEAN started;
        pthread_mutex_lock(&ke_dpc_lock);
        started = ke_dpc_queues[i].started || ke_dpc_queues[i].head;
        pthread_mutex_unlock(&ke_dpc_lock);
        if (!started)
            continue;
        KeInitializeEvent(&done[i], NotificationEvent, FALSE);
        KeInitializeDpc(&markers[i], ke_flush_marker, &done[i]);
        KeSetImportanceDpc(&markers[i], LowImportance);
        KeSetTargetProcessorDpc(&markers[i], (CCHAR)i);
        used[i] = KeInsertQueueDpc(&markers[i], NULL, NULL);
    }
    for (ULONG i = 0; i < n; i++)
        if (used[i])
            KeWaitForSingleObject(&done[i], Executive, KernelMode, FALSE, NULL);
}
