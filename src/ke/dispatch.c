/*
 * dispatch.c - dispatcher objects (events, semaphores, mutexes; timers and
 * threads share the machinery) and the waits on them.
 *
 * Design. All dispatcher state is in the Windows structures: the signal
 * state in DISPATCHER_HEADER.SignalState, the waiters as KWAIT_BLOCKs
 * linked on Header.WaitListHead, the owner of a mutex in KMUTANT. One
 * process-wide dispatcher lock guards every header, every wait block and
 * the wait fields of every thread. A wait first tries to satisfy itself
 * under the lock; if it cannot and may block, it links one wait block per
 * object (WaitKey = index) and sleeps on its thread's condition variable.
 * Whoever makes an object signaled (ke_signal_object) walks its wait list
 * in FIFO order and, for each waiter the object can now satisfy, consumes
 * the object on the waiter's behalf (auto-reset, count, ownership), unlinks
 * all of the waiter's blocks and wakes it with its completion status: the
 * waiter never races with another thread for a state it was granted.
 *
 * Kernel-mode waits are never alerted and no APCs are delivered, so
 * Alertable and WaitMode change nothing (STATUS_ALERTED/STATUS_USER_APC are
 * never returned).
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <errno.h>
#include <sched.h>
#include <time.h>

static pthread_mutex_t ke_dispatcher_mutex = PTHREAD_MUTEX_INITIALIZER;

static void ke_fork_prepare(void)
{
    pthread_mutex_lock(&ke_dispatcher_mutex);
    ke_dpc_atfork(KE_FORK_PREPARE);
    ke_work_atfork(KE_FORK_PREPARE);
}

static void ke_fork_parent(void)
{
    ke_work_atfork(KE_FORK_PARENT);
    ke_dpc_atfork(KE_FORK_PARENT);
    pthread_mutex_unlock(&ke_dispatcher_mutex);
}

static void ke_fork_child(void)
{
    ke_work_atfork(KE_FORK_CHILD);
    ke_dpc_atfork(KE_FORK_CHILD);
    pthread_mutex_unlock(&ke_dispatcher_mutex);
    ke_timer_atfork_child();
}

__attribute__((constructor)) static void ke_register_atfork(void)
{
    pthread_atfork(ke_fork_prepare, ke_fork_parent, ke_fork_child);
}

void ke_dispatcher_lock(void)
{
    pthread_mutex_lock(&ke_dispatcher_mutex);
}

void ke_dispatcher_unlock(void)
{
    pthread_mutex_unlock(&ke_dispatcher_mutex);
}

void ke_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &a);
    pthread_condattr_destroy(&a);
}

BOOLEAN ke_cond_wait_until(pthread_cond_t *cond, ULONGLONG deadline)
{
    struct timespec ts;

    if (deadline == ~0ULL) {
        pthread_cond_wait(cond, &ke_dispatcher_mutex);
        return TRUE;
    }
    ts.tv_sec = (time_t)(deadline / 10000000ULL);
    ts.tv_nsec = (long)(deadline % 10000000ULL) * 100;
    return pthread_cond_timedwait(cond, &ke_dispatcher_mutex, &ts) != ETIMEDOUT;
}

ULONGLONG ke_timeout_to_deadline(const LARGE_INTEGER *timeout)
{
    ULONGLONG now = ke_interrupt_time();
    LONGLONG t;

    if (!timeout)
        return ~0ULL;
    t = timeout->QuadPart;
    if (t < 0) {
        ULONGLONG rel = (ULONGLONG)0 - (ULONGLONG)t;
        return rel > ~0ULL - now - 1 ? ~0ULL - 1 : now + rel;
    }
    /* Absolute system time: converted once to interrupt time (a clock
     * change during the wait is not followed). */
    LONGLONG sys = ke_system_time();
    return t <= sys ? now : now + (ULONGLONG)(t - sys);
}

/* ------------------------------------------------ object state machine */

static BOOLEAN ke_is_mutant(const DISPATCHER_HEADER *h)
{
    return h->Type == MutantObject;
}

/* Would the object satisfy a wait by thread right now? (dispatcher lock) */
static BOOLEAN ke_object_signaled(DISPATCHER_HEADER *h, struct _KTHREAD *thread)
{
    if (ke_is_mutant(h))
        return h->SignalState > 0 || ((PKMUTANT)h)->OwnerThread == thread;
    return h->SignalState > 0;
}

/* Consumes the object for thread's satisfied wait; returns TRUE when the
 * mutex was abandoned (the wait then reports STATUS_ABANDONED). */
static BOOLEAN ke_object_consume(DISPATCHER_HEADER *h, struct _KTHREAD *thread)
{
    switch (h->Type) {
    case EventSynchronizationObject:
    case TimerSynchronizationObject:
        h->SignalState = 0;
        return FALSE;
    case SemaphoreObject:
        h->SignalState--;
        return FALSE;
    case MutantObject: {
        PKMUTANT m = (PKMUTANT)h;
        BOOLEAN abandoned = m->Abandoned;
        h->SignalState--;
        if (h->SignalState == 0) {
            m->OwnerThread = thread;
            m->Abandoned = FALSE;
            InsertTailList(&thread->mutants, &m->MutantListEntry);
            /* Owning a kernel mutex disables normal kernel APCs. */
            thread->kernel_apc_disable--;
        }
        return abandoned;
    }
    default:
        return FALSE; /* notification objects stay signaled */
    }
}

/* Unlinks all of thread's armed wait blocks and wakes it with status. */
static void ke_wait_complete(struct _KTHREAD *thread, NTSTATUS status)
{
    for (ULONG i = 0; i < thread->wait_count; i++)
        RemoveEntryList(&thread->wait_blocks[i].WaitListEntry);
    thread->wait_count = 0;
    thread->wait_status = status;
    pthread_cond_signal(&thread->wait_cond);
}

/* WaitAll: are all of thread's objects signaled for it? A mutex listed
 * twice needs two units unless the thread owns it. */
static BOOLEAN ke_wait_all_ready(struct _KTHREAD *thread)
{
    for (ULONG i = 0; i < thread->wait_count; i++)
        if (!ke_object_signaled(thread->wait_blocks[i].Object, thread))
            return FALSE;
    return TRUE;
}

static NTSTATUS ke_wait_all_consume(PVOID *objects, ULONG count, struct _KTHREAD *thread)
{
    BOOLEAN abandoned = FALSE;
    for (ULONG i = 0; i < count; i++)
        abandoned |= ke_object_consume(objects[i], thread);
    return abandoned ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0;
}

void ke_signal_object(DISPATCHER_HEADER *h)
{
    PLIST_ENTRY e;

restart:
    for (e = h->WaitListHead.Flink; e != &h->WaitListHead; e = e->Flink) {
        PKWAIT_BLOCK wb = CONTAINING_RECORD(e, KWAIT_BLOCK, WaitListEntry);
        struct _KTHREAD *t = wb->Thread;

        if (!ke_object_signaled(h, t)) {
            if (ke_is_mutant(h))
                continue; /* owned: only its owner could be satisfied */
            return;
        }
        if (wb->WaitType == WaitAny) {
            BOOLEAN abandoned = ke_object_consume(h, t);
            ke_wait_complete(t, (abandoned ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0) +
                                wb->WaitKey);
            goto restart;
        }
        if (ke_wait_all_ready(t)) {
            BOOLEAN abandoned = FALSE;
            for (ULONG i = 0; i < t->wait_count; i++)
                abandoned |= ke_object_consume(t->wait_blocks[i].Object, t);
            ke_wait_complete(t, abandoned ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0);
            goto restart;
        }
    }
}

static void ke_init_header(DISPATCHER_HEADER *h, UCHAR type, UCHAR size_bytes, LONG state)
{
    h->Lock = 0;
    h->Type = type;
    h->Size = (UCHAR)(size_bytes / sizeof(LONG));
    h->SignalState = state;
    InitializeListHead(&h->WaitListHead);
}

/* --------------------------------------------------------------- events */

NTKERNELAPI void NTAPI KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    ke_init_header(&Event->Header,
                   Type == NotificationEvent ? EventNotificationObject
                                             : EventSynchronizationObject,
                   sizeof(KEVENT), State ? 1 : 0);
}

NTKERNELAPI LONG NTAPI KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    LONG old;
    (void)Increment;
    (void)Wait; /* Wait=TRUE only lets Windows keep the lock for the next wait */

    ke_check_irql_max(DISPATCH_LEVEL, "KeSetEvent");
    ke_dispatcher_lock();
    old = Event->Header.SignalState;
    if (!old) {
        Event->Header.SignalState = 1;
        ke_signal_object(&Event->Header);
    }
    ke_dispatcher_unlock();
    return old;
}

NTKERNELAPI LONG NTAPI KeResetEvent(PRKEVENT Event)
{
    LONG old;

    ke_check_irql_max(DISPATCH_LEVEL, "KeResetEvent");
    ke_dispatcher_lock();
    old = Event->Header.SignalState;
    Event->Header.SignalState = 0;
    ke_dispatcher_unlock();
    return old;
}

NTKERNELAPI void NTAPI KeClearEvent(PRKEVENT Event)
{
    __atomic_store_n(&Event->Header.SignalState, 0, __ATOMIC_RELEASE);
}

NTKERNELAPI LONG NTAPI KeReadStateEvent(PRKEVENT Event)
{
    return __atomic_load_n(&Event->Header.SignalState, __ATOMIC_ACQUIRE);
}

NTKERNELAPI LONG NTAPI KePulseEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    LONG old;
    (void)Increment;
    (void)Wait;

    ke_check_irql_max(DISPATCH_LEVEL, "KePulseEvent");
    ke_dispatcher_lock();
    old = Event->Header.SignalState;
    if (!old) {
        Event->Header.SignalState = 1;
        ke_signal_object(&Event->Header);
    }
    Event->Header.SignalState = 0;
    ke_dispatcher_unlock();
    return old;
}

/* ----------------------------------------------------------- semaphores */

NTKERNELAPI void NTAPI KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
    ke_init_header(&Semaphore->Header, SemaphoreObject, sizeof(KSEMAPHORE), Count);
    Semaphore->Limit = Limit;
}

NTKERNELAPI LONG NTAPI KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment,
                                          LONG Adjustment, BOOLEAN Wait)
{
    LONG old, now;
    (void)Increment;
    (void)Wait;

    ke_check_irql_max(DISPATCH_LEVEL, "KeReleaseSemaphore");
    ke_dispatcher_lock();
    old = Semaphore->Header.SignalState;
    if (Adjustment <= 0 || __builtin_add_overflow(old, Adjustment, &now) ||
        now > Semaphore->Limit) {
        ke_dispatcher_unlock();
        /* Windows raises STATUS_SEMAPHORE_LIMIT_EXCEEDED; with no handler
         * in a driver that is an unhandled kernel-mode exception. */
        krnl_bugcheck(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)STATUS_SEMAPHORE_LIMIT_EXCEEDED,
                      (ULONG_PTR)__builtin_return_address(0), (ULONG_PTR)Semaphore,
                      (ULONG_PTR)Adjustment, NULL,
                      "KeReleaseSemaphore: count %d + %d exceeds the limit %d "
                      "(STATUS_SEMAPHORE_LIMIT_EXCEEDED)", (int)old, (int)Adjustment,
                      (int)Semaphore->Limit);
    }
    Semaphore->Header.SignalState = now;
    if (old == 0)
        ke_signal_object(&Semaphore->Header);
    ke_dispatcher_unlock();
    return old;
}

NTKERNELAPI LONG NTAPI KeReadStateSemaphore(PRKSEMAPHORE Semaphore)
{
    return __atomic_load_n(&Semaphore->Header.SignalState, __ATOMIC_ACQUIRE);
}

/* -------------------------------------------------------------- mutexes */

NTKERNELAPI void NTAPI KeInitializeMutex(PRKMUTEX Mutex, ULONG Level)
{
    (void)Level; /* documented as reserved */
    ke_init_header(&Mutex->Header, MutantObject, sizeof(KMUTEX), 1);
    Mutex->OwnerThread = NULL;
    Mutex->Abandoned = FALSE;
    Mutex->ApcDisable = 1;
    Mutex->MutantListEntry.Flink = Mutex->MutantListEntry.Blink = NULL;
}

NTKERNELAPI LONG NTAPI KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait)
{
    struct _KTHREAD *self = ke_thread_current();
    LONG old;
    (void)Wait;

    ke_check_irql_max(DISPATCH_LEVEL, "KeReleaseMutex");
    ke_dispatcher_lock();
    old = Mutex->Header.SignalState;
    if (Mutex->OwnerThread != self || old > 0) {
        struct _KTHREAD *owner = Mutex->OwnerThread;
        ke_dispatcher_unlock();
        krnl_bugcheck(THREAD_NOT_MUTEX_OWNER, (ULONG_PTR)self, (ULONG_PTR)Mutex,
                      (ULONG_PTR)owner, 0, NULL,
                      "KeReleaseMutex on mutex %p %s", (void *)Mutex,
                      owner ? "owned by another thread" : "that is not owned");
    }
    Mutex->Header.SignalState++;
    if (Mutex->Header.SignalState == 1) {
        RemoveEntryList(&Mutex->MutantListEntry);
        Mutex->OwnerThread = NULL;
        self->kernel_apc_disable++;
        ke_signal_object(&Mutex->Header);
    }
    ke_dispatcher_unlock();
    return old;
}

NTKERNELAPI LONG NTAPI KeReadStateMutex(PRKMUTEX Mutex)
{
    return __atomic_load_n(&Mutex->Header.SignalState, __ATOMIC_ACQUIRE);
}

/* Called by the exiting thread with the dispatcher lock held: every mutex
 * it still owns is abandoned, so that its next owner learns about it. */
void ke_abandon_mutants(struct _KTHREAD *thread)
{
    while (!IsListEmpty(&thread->mutants)) {
        PKMUTANT m = CONTAINING_RECORD(RemoveHeadList(&thread->mutants), KMUTANT,
                                       MutantListEntry);
        m->OwnerThread = NULL;
        m->Abandoned = TRUE;
        m->Header.SignalState = 1;
        thread->kernel_apc_disable++;
        ke_signal_object(&m->Header);
    }
}

/* ---------------------------------------------------------------- waits */

static void ke_check_wait_irql(const LARGE_INTEGER *timeout, const char *ddi, void *caller)
{
    KIRQL irql = ke_tls.irql;

    if (ke_tls.in_dpc && irql >= DISPATCH_LEVEL && (!timeout || timeout->QuadPart != 0))
        krnl_bugcheck(ATTEMPTED_SWITCH_FROM_DPC, 0, 0, 0, (ULONG_PTR)caller, ke_module_of(caller),
                      "%s would block in a DPC routine", ddi);
    if (irql > DISPATCH_LEVEL || (irql > APC_LEVEL && (!timeout || timeout->QuadPart != 0)))
        krnl_bugcheck(IRQL_NOT_LESS_OR_EQUAL, 0, irql, 0,
                      (ULONG_PTR)caller, ke_module_of(caller),
                      "%s at IRQL %u with a %s timeout (a wait "
                      "above APC_LEVEL must have a zero timeout)", ddi, (unsigned)irql,
                      timeout ? "non-zero" : "NULL (infinite)");
}

static NTSTATUS ke_wait(ULONG count, PVOID *objects, WAIT_TYPE type,
                        PLARGE_INTEGER timeout, PKWAIT_BLOCK blocks)
{
    struct _KTHREAD *self = ke_thread_current();
    ULONGLONG deadline = ke_timeout_to_deadline(timeout);
    NTSTATUS status;

    ke_dispatcher_lock();
    if (type == WaitAny) {
        for (ULONG i = 0; i < count; i++) {
            if (ke_object_signaled(objects[i], self)) {
                BOOLEAN abandoned = ke_object_consume(objects[i], self);
                status = (abandoned ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0) + (NTSTATUS)i;
                goto out;
            }
        }
    } else {
        BOOLEAN all = TRUE;
        for (ULONG i = 0; i < count && all; i++)
            all = ke_object_signaled(objects[i], self);
        if (all) {
            status = ke_wait_all_consume(objects, count, self);
            goto out;
        }
    }
    if (timeout && (timeout->QuadPart == 0 || deadline <= ke_interrupt_time())) {
        status = STATUS_TIMEOUT;
        goto out;
    }

    for (ULONG i = 0; i < count; i++) {
        DISPATCHER_HEADER *h = objects[i];
        blocks[i].WaitType = (UCHAR)type;
        blocks[i].BlockState = 1;
        blocks[i].WaitKey = (USHORT)i;
        blocks[i].Thread = self;
        blocks[i].Object = h;
        blocks[i].SparePtr = NULL;
        InsertTailList(&h->WaitListHead, &blocks[i].WaitListEntry);
    }
    self->wait_blocks = blocks;
    self->wait_count = count;
    self->wait_type = type;
    self->wait_status = STATUS_PENDING;
    /* A WaitAll may be satisfiable now only as a whole (e.g. all objects
     * signaled except ones we own): nothing to do, the check above covered
     * it. Sleep until a signaler completes us or the deadline passes. */
    while (self->wait_status == STATUS_PENDING) {
        if (!ke_cond_wait_until(&self->wait_cond, deadline) &&
            self->wait_status == STATUS_PENDING && ke_interrupt_time() >= deadline) {
            for (ULONG i = 0; i < self->wait_count; i++)
                RemoveEntryList(&blocks[i].WaitListEntry);
            self->wait_count = 0;
            self->wait_status = STATUS_TIMEOUT;
        }
    }
    status = self->wait_status;
    self->wait_blocks = NULL;
out:
    ke_dispatcher_unlock();
    return status;
}

NTKERNELAPI NTSTATUS NTAPI KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason,
                                                 KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                                 PLARGE_INTEGER Timeout)
{
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;

    ke_check_wait_irql(Timeout, "KeWaitForSingleObject", __builtin_return_address(0));
    return ke_wait(1, &Object, WaitAny, Timeout, ke_thread_current()->wait_block_array);
}

NTKERNELAPI NTSTATUS NTAPI KeWaitForMultipleObjects(ULONG Count, PVOID Object[],
                                                    WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                                                    KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                                    PLARGE_INTEGER Timeout,
                                                    PKWAIT_BLOCK WaitBlockArray)
{
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;

    ke_check_wait_irql(Timeout, "KeWaitForMultipleObjects", __builtin_return_address(0));
    if (Count == 0 || Count > MAXIMUM_WAIT_OBJECTS ||
        (Count > THREAD_WAIT_OBJECTS && !WaitBlockArray))
        krnl_bugcheck(MAXIMUM_WAIT_OBJECTS_EXCEEDED, Count, (ULONG_PTR)WaitBlockArray, 0, 0,
                      NULL, "KeWaitForMultipleObjects with %u "
                      "objects and %s wait block array", (unsigned)Count,
                      WaitBlockArray ? "a" : "no");
    if (WaitType != WaitAll && WaitType != WaitAny)
        return STATUS_INVALID_PARAMETER;
    return ke_wait(Count, Object, WaitType, Timeout,
                   WaitBlockArray ? WaitBlockArray : ke_thread_current()->wait_block_array);
}

NTKERNELAPI NTSTATUS NTAPI KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                                  PLARGE_INTEGER Interval)
{
    ULONGLONG deadline;
    struct timespec ts;
    (void)WaitMode;
    (void)Alertable;

    ke_check_irql_max(APC_LEVEL, "KeDelayExecutionThread");
    if (!Interval)
        return STATUS_INVALID_PARAMETER;
    if (Interval->QuadPart == 0) {
        sched_yield();
        return STATUS_SUCCESS;
    }
    deadline = ke_timeout_to_deadline(Interval);
    ts.tv_sec = (time_t)(deadline / 10000000ULL);
    ts.tv_nsec = (long)(deadline % 10000000ULL) * 100;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
    return STATUS_SUCCESS;
}
