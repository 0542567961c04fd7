/*
 * timer.c - KTIMER: dispatcher objects that become signaled at a due time,
 * optionally periodic, optionally queueing a DPC.
 *
 * One timer thread serves every timer from a binary min-heap ordered by
 * due time (a driver may have thousands of timers; set, cancel and expiry
 * are O(log n)). Due times are absolute interrupt times (CLOCK_MONOTONIC,
 * 100 ns); an absolute system-time due time is converted when the timer is
 * set. The heap, each timer's place in it and the timers' dispatcher
 * state are guarded by the dispatcher lock, which the timer thread also
 * sleeps on (ke_timer_cond), so expiry, signaling and waking waiters are
 * one critical section.
 *
 * Private use of KTIMER fields: DueTime = absolute interrupt time;
 * TimerListEntry.Flink = heap index + 1 while the timer is set (NULL when
 * not); Period in ms; Dpc as given.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <stdlib.h>

static PKTIMER *ke_heap;            /* dispatcher lock */
static ULONG ke_heap_len, ke_heap_cap; /* dispatcher lock */
static BOOLEAN ke_timer_started;    /* dispatcher lock */
static pthread_cond_t ke_timer_cond;
static pthread_once_t ke_timer_once = PTHREAD_ONCE_INIT;

#define KE_TIMER_INDEX(t) ((ULONG)(ULONG_PTR)(t)->TimerListEntry.Flink)
#define KE_TIMER_SET_INDEX(t, i) ((t)->TimerListEntry.Flink = (PLIST_ENTRY)(ULONG_PTR)(i))

static BOOLEAN ke_timer_cond_ready;

static void ke_timer_init_once(void)
{
    ke_cond_init(&ke_timer_cond);
    ke_timer_cond_ready = TRUE;
}

static void ke_heap_place(ULONG i, PKTIMER t)
{
    ke_heap[i] = t;
    KE_TIMER_SET_INDEX(t, i + 1);
}

static void ke_heap_up(ULONG i)
{
    PKTIMER t = ke_heap[i];
    while (i > 0) {
        ULONG p = (i - 1) / 2;
        if (ke_heap[p]->DueTime.QuadPart <= t->DueTime.QuadPart)
            break;
        ke_heap_place(i, ke_heap[p]);
        i = p;
    }
    ke_heap_place(i, t);
}

static void ke_heap_down(ULONG i)
{
    PKTIMER t = ke_heap[i];
    for (;;) {
        ULONG l = 2 * i + 1, r = l + 1, m = i;
        ULONGLONG best = t->DueTime.QuadPart;
        if (l < ke_heap_len && ke_heap[l]->DueTime.QuadPart < best) {
            m = l;
            best = ke_heap[l]->DueTime.QuadPart;
        }
        if (r < ke_heap_len && ke_heap[r]->DueTime.QuadPart < best)
            m = r;
        if (m == i)
            break;
        ke_heap_place(i, ke_heap[m]);
        i = m;
    }
    ke_heap_place(i, t);
}

static BOOLEAN ke_heap_insert(PKTIMER t)
{
    if (ke_heap_len == ke_heap_cap) {
        ULONG cap = ke_heap_cap ? ke_heap_cap * 2 : 64;
        PKTIMER *n = realloc(ke_heap, cap * sizeof(*n));
        if (!n)
            return FALSE;
        ke_heap = n;
        ke_heap_cap = cap;
    }
    ke_heap[ke_heap_len] = t;
    ke_heap_len++;
    ke_heap_up(ke_heap_len - 1);
    return TRUE;
}

static void ke_heap_remove(PKTIMER t)
{
    ULONG i = KE_TIMER_INDEX(t) - 1;
    PKTIMER last = ke_heap[--ke_heap_len];

    KE_TIMER_SET_INDEX(t, 0);
    if (i == ke_heap_len)
        return;
    ke_heap_place(i, last);
    ke_heap_up(i);
    ke_heap_down(KE_TIMER_INDEX(last) - 1);
}

static void *ke_timer_thread(void *arg)
{
    (void)arg;
    ke_thread_current()->system = TRUE;
    ke_dispatcher_lock();
    for (;;) {
        ULONGLONG now = ke_interrupt_time();
        if (!ke_heap_len) {
            ke_cond_wait_until(&ke_timer_cond, ~0ULL);
            continue;
        }
        PKTIMER t = ke_heap[0];
        if ((ULONGLONG)t->DueTime.QuadPart > now) {
            ke_cond_wait_until(&ke_timer_cond, t->DueTime.QuadPart);
            continue;
        }
        ke_heap_remove(t);
        PKDPC dpc = t->Dpc;
        LARGE_INTEGER due = { .QuadPart = t->DueTime.QuadPart };
        if (t->Period) {
            ULONGLONG next = t->DueTime.QuadPart + (ULONGLONG)t->Period * 10000;
            if (next <= now) /* fell behind: no burst of catch-up expiries */
                next = now + (ULONGLONG)t->Period * 10000;
            t->DueTime.QuadPart = next;
            ke_heap_insert(t);
        }
        t->Header.SignalState = 1;
        ke_signal_object(&t->Header);
        if (dpc)
            KeInsertQueueDpc(dpc, (PVOID)(ULONG_PTR)due.LowPart, (PVOID)(ULONG_PTR)due.HighPart);
    }
    return NULL;
}

/* dispatcher lock held */
static void ke_timer_start(void)
{
    pthread_t pt;
    pthread_attr_t attr;

    if (ke_timer_started)
        return;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&pt, &attr, ke_timer_thread, NULL) == 0)
        ke_timer_started = TRUE;
    else
        krnl_log(KRNL_LOG_ERROR, "cannot start the timer thread");
    pthread_attr_destroy(&attr);
}

void ke_timer_atfork_child(void)
{
    /* The timer thread is gone; timers still set need a new one. */
    ke_dispatcher_lock();
    ke_timer_started = FALSE;
    if (ke_timer_cond_ready)
        ke_cond_init(&ke_timer_cond);
    if (ke_heap_len)
        ke_timer_start();
    ke_dispatcher_unlock();
}

NTKERNELAPI void NTAPI KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    Timer->Header.Lock = 0;
    Timer->Header.Type = Type == NotificationTimer ? TimerNotificationObject
                                                   : TimerSynchronizationObject;
    Timer->Header.Size = (UCHAR)(sizeof(KTIMER) / sizeof(LONG));
    Timer->Header.SignalState = 0;
    InitializeListHead(&Timer->Header.WaitListHead);
    Timer->DueTime.QuadPart = 0;
    Timer->TimerListEntry.Flink = Timer->TimerListEntry.Blink = NULL;
    Timer->Dpc = NULL;
    Timer->Processor = 0;
    Timer->Period = 0;
}

NTKERNELAPI void NTAPI KeInitializeTimer(PKTIMER Timer)
{
    KeInitializeTimerEx(Timer, NotificationTimer);
}

NTKERNELAPI BOOLEAN NTAPI KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period,
                                       PKDPC Dpc)
{
    BOOLEAN was_set;
    ULONGLONG due;

    ke_check_irql_max(DISPATCH_LEVEL, "KeSetTimerEx");
    if (Period < 0)
        Period = 0;
    pthread_once(&ke_timer_once, ke_timer_init_once);
    due = DueTime.QuadPart == 0 ? ke_interrupt_time() : ke_timeout_to_deadline(&DueTime);

    ke_dispatcher_lock();
    was_set = KE_TIMER_INDEX(Timer) != 0;
    if (was_set)
        ke_heap_remove(Timer);
    Timer->Header.SignalState = 0;
    Timer->DueTime.QuadPart = due;
    Timer->Period = (ULONG)Period;
    Timer->Dpc = Dpc;
    Timer->Header.Absolute = DueTime.QuadPart > 0;
    if (!ke_heap_insert(Timer)) {
        ke_dispatcher_unlock();
        krnl_bugcheck(MUST_SUCCEED_POOL_EMPTY, (ULONG_PTR)Timer, 0, 0, 0, NULL, "out of memory for the timer queue");
    }
    ke_timer_start();
    if (ke_heap[0] == Timer)
        pthread_cond_signal(&ke_timer_cond);
    ke_dispatcher_unlock();
    return was_set;
}

NTKERNELAPI BOOLEAN NTAPI KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

NTKERNELAPI BOOLEAN NTAPI KeSetCoalescableTimer(PKTIMER Timer, LARGE_INTEGER DueTime,
                                                ULONG Period, ULONG TolerableDelay, PKDPC Dpc)
{
    (void)TolerableDelay; /* no coalescing: the timer fires at its due time */
    return KeSetTimerEx(Timer, DueTime, (LONG)Period, Dpc);
}

NTKERNELAPI BOOLEAN NTAPI KeCancelTimer(PKTIMER Timer)
{
    BOOLEAN was_set;

    ke_check_irql_max(DISPATCH_LEVEL, "KeCancelTimer");
    ke_dispatcher_lock();
    was_set = KE_TIMER_INDEX(Timer) != 0;
    if (was_set)
        ke_heap_remove(Timer);
    ke_dispatcher_unlock();
    return was_set;
}

NTKERNELAPI BOOLEAN NTAPI KeReadStateTimer(PKTIMER Timer)
{
    return __atomic_load_n(&Timer->Header.SignalState, __ATOMIC_ACQUIRE) != 0;
}
