/*
 * ke/ke.h - the kernel core's internal face: what other layers of the
 * executive may call, and what the ke files share among themselves.
 *
 * Model. Every OS thread that enters the executive has a per-thread block
 * (struct ke_tls, thread-local) holding its emulated IRQL, its APC-disable
 * counts and a lazily created thread object (struct _KTHREAD, a dispatcher
 * object). Dispatcher state lives in the Windows structures themselves
 * (DISPATCHER_HEADER.SignalState, wait blocks on WaitListHead) and is
 * guarded by ONE process-wide dispatcher lock (a pthread mutex, not an
 * IRQL-raising spin lock: these are preemptible user threads). A waiting
 * thread sleeps on its own condition variable bound to that lock.
 *
 * Lock order (outer first): dispatcher lock -> DPC queue lock -> work
 * queue lock. Spin locks taken by drivers are independent of these: the
 * executive never blocks while holding a driver's spin lock.
 */
#ifndef DDK_KE_INTERNAL_H
#define DDK_KE_INTERNAL_H

#include <wdm.h>
#include <pthread.h>
#include <sys/types.h>

/* Windows bug-check codes used by ke (values from the bug check reference). */
#define APC_INDEX_MISMATCH                  0x01
#define IRQL_NOT_GREATER_OR_EQUAL           0x09
#define IRQL_NOT_LESS_OR_EQUAL              0x0A
#define MAXIMUM_WAIT_OBJECTS_EXCEEDED       0x0C
#define SPIN_LOCK_ALREADY_OWNED             0x0F
#define SPIN_LOCK_NOT_OWNED                 0x10
#define THREAD_NOT_MUTEX_OWNER              0x11
#define KMODE_EXCEPTION_NOT_HANDLED         0x1E
#define KERNEL_APC_PENDING_DURING_EXIT      0x20
#define SYSTEM_EXIT_OWNED_MUTEX             0x39
#define ATTEMPTED_SWITCH_FROM_DPC           0xB8
#define MUTEX_ALREADY_OWNED                 0xBF
#define IRQL_UNEXPECTED_VALUE               0xC8
#define WORKER_THREAD_RETURNED_AT_BAD_IRQL  0xE1
#define RESOURCE_NOT_OWNED                  0xE3
#define INVALID_WORK_QUEUE_ITEM             0x96
#define MUST_SUCCEED_POOL_EMPTY             0x41

/* ------------------------------------------------------ internal API */

/* Bug check 0xA IRQL_NOT_LESS_OR_EQUAL naming ddi when the caller's IRQL is
 * above max. Other layers call this first thing in DDIs documented for
 * IRQL <= max. */
void ke_check_irql_max(KIRQL max, const char *ddi);
/* The same check with the address to blame (a driver's call site); the
 * macro below makes every ke_check_irql_max() call blame the caller of
 * the DDI that makes it. */
void ke_check_irql_max_from(KIRQL max, const char *ddi, void *caller);
#define ke_check_irql_max(max, ddi) \
    ke_check_irql_max_from((max), (ddi), __builtin_return_address(0))

/* The file name of the module (driver .so) containing addr, for naming the
 * culprit in bug-check reports; NULL when it is the executive itself or
 * unknown. Returns a thread-local buffer. */
const char *ke_module_of(const void *addr);

/* PAGED_CODE() is defined in <ddk/ke.h> (drivers use it too); it checks
 * IRQL <= APC_LEVEL. PAGED_CODE_LOCKED() is the same check for code that
 * is only paged while its section is locked. */
#ifndef PAGED_CODE_LOCKED
#define PAGED_CODE_LOCKED() ke_check_irql_max(APC_LEVEL, __func__)
#endif

/* Runs routine(context) at PASSIVE_LEVEL on a system worker thread.
 * Callable at IRQL <= DISPATCH_LEVEL. STATUS_INSUFFICIENT_RESOURCES if the
 * queue entry cannot be allocated. */
NTSTATUS ke_queue_work(void (*routine)(void *context), void *context);

/* Waits until every work item queued so far (and any it queued) has run.
 * PASSIVE_LEVEL only; for tests and shutdown. */
void ke_flush_work(void);

/* The calling thread's thread object (created on first use for threads
 * the executive did not create). Never NULL; no reference is taken. */
struct _KTHREAD *ke_thread_current(void);

/* Thread objects are ob objects of type *PsThreadType: the running thread
 * holds one reference, every handle or object reference one more. These
 * are ob_reference/ob_dereference. */
void ke_thread_get(struct _KTHREAD *thread);
void ke_thread_put(struct _KTHREAD *thread);

/* The thread object behind a thread handle (or NtCurrentThread()),
 * referenced; NULL if the handle is not a thread handle. */
struct _KTHREAD *ke_thread_from_handle(HANDLE handle);

/* Interrupt objects, for io's IoConnectInterrupt(Ex)/IoDisconnectInterrupt
 * and whoever delivers (emulated) interrupts. lock NULL: the object's own
 * spin lock. synchronize_irql >= irql. STATUS_INVALID_PARAMETER on bad
 * levels, STATUS_INSUFFICIENT_RESOURCES without memory. */
NTSTATUS ke_interrupt_create(PKSERVICE_ROUTINE service_routine, PVOID service_context,
                             PKSPIN_LOCK lock, ULONG vector, KIRQL irql,
                             KIRQL synchronize_irql, KINTERRUPT_MODE mode,
                             PKINTERRUPT *interrupt);
void ke_interrupt_delete(PKINTERRUPT interrupt);
/* Delivers one interrupt on the calling thread: raises to the object's
 * synchronize IRQL, takes its spin lock, calls the ISR. Returns what the
 * ISR returned (TRUE: it recognized the interrupt). Any IRQL below the
 * object's synchronize IRQL. */
BOOLEAN ke_interrupt_deliver(PKINTERRUPT interrupt);

/* Spin-lock word operations without IRQL changes or checks (ERESOURCE,
 * ExInterlocked*, interrupt locks use them at whatever IRQL they run). */
void ke_spin_lock_raw(PKSPIN_LOCK lock);
void ke_spin_unlock_raw(PKSPIN_LOCK lock);

/* Times in 100 ns units: interrupt time is CLOCK_MONOTONIC, system time is
 * CLOCK_REALTIME since 1601-01-01 UTC. */
ULONGLONG ke_interrupt_time(void);
LONGLONG ke_system_time(void);

/* ---------------------------------------------- private to src/ke/ */

/* Per-thread state; its address doubles as the spin-lock owner value. */
struct ke_tls {
    KIRQL irql;                 /* emulated IRQL of this thread */
    UCHAR dpc_cpu_valid;        /* cpu below is pinned while >= DISPATCH */
    UCHAR in_dpc;               /* running a DPC routine */
    ULONG cpu;                  /* processor reported while >= DISPATCH */
    LONG spinlocks_held;        /* diagnostics for bug-check messages */
    struct _KTHREAD *thread;    /* lazily created; see ke_thread_current */
};
/* initial-exec: the executive is linked at program start, never dlopen'ed,
 * so the IRQL read on every DDI is one %fs-relative load instead of a call
 * to __tls_get_addr. */
extern __thread struct ke_tls ke_tls __attribute__((tls_model("initial-exec")));

/* The thread object. Fields under "dispatcher lock" are guarded by it;
 * the others belong to the thread itself or are immutable. */
struct _KTHREAD {
    DISPATCHER_HEADER Header;       /* ThreadObject; signaled on exit (dispatcher lock) */
    LONG kernel_apc_disable;        /* owner thread only; < 0 = disabled */
    LONG special_apc_disable;       /* owner thread only */
    KPRIORITY priority;             /* recorded only; no scheduling effect */
    BOOLEAN system;                 /* created by PsCreateSystemThread or ke */
    BOOLEAN terminated;             /* dispatcher lock */
    pid_t tid;
    NTSTATUS exit_status;
    /* waiting (dispatcher lock) */
    pthread_cond_t wait_cond;
    NTSTATUS wait_status;           /* STATUS_PENDING while a wait is armed */
    PKWAIT_BLOCK wait_blocks;       /* the armed wait blocks */
    ULONG wait_count;
    WAIT_TYPE wait_type;
    KWAIT_BLOCK wait_block_array[THREAD_WAIT_OBJECTS];
    LIST_ENTRY mutants;             /* owned KMUTEXes (dispatcher lock) */
    KAFFINITY user_affinity;        /* owner thread: saved by KeSetSystemAffinityThread */
    BOOLEAN system_affinity;        /* owner thread */
    /* start */
    PKSTART_ROUTINE start_routine;
    PVOID start_context;
};

struct _ETHREAD { struct _KTHREAD Tcb; };
struct _KPROCESS { DISPATCHER_HEADER Header; };
struct _EPROCESS { struct _KPROCESS Pcb; };

void ke_dispatcher_lock(void);
void ke_dispatcher_unlock(void);
/* With the dispatcher lock held: satisfies waiters of a newly signaled
 * object as far as its state allows. */
void ke_signal_object(DISPATCHER_HEADER *header);
/* Converts a Windows timeout (NULL forever, < 0 relative, > 0 absolute)
 * into an absolute interrupt time; ULLONG max for NULL. */
ULONGLONG ke_timeout_to_deadline(const LARGE_INTEGER *timeout);
/* pthread helpers on the dispatcher lock (CLOCK_MONOTONIC condvars). */
void ke_cond_init(pthread_cond_t *cond);
/* Waits on cond with the dispatcher lock held until deadline (interrupt
 * time); returns FALSE on timeout. */
BOOLEAN ke_cond_wait_until(pthread_cond_t *cond, ULONGLONG deadline);

/* fork() support: the ke locks are taken around fork (dispatcher, then
 * DPC, then work queue) so that the child gets them consistent; in the
 * child the DPC, timer and worker threads are gone and are started again
 * on demand. phase: KE_FORK_PREPARE, KE_FORK_PARENT, KE_FORK_CHILD. */
enum ke_fork_phase { KE_FORK_PREPARE, KE_FORK_PARENT, KE_FORK_CHILD };
void ke_dpc_atfork(enum ke_fork_phase phase);
void ke_work_atfork(enum ke_fork_phase phase);
void ke_timer_atfork_child(void);

ULONG ke_processor_count(void);
/* Abandons every mutex thread still owns (dispatcher lock held). */
void ke_abandon_mutants(struct _KTHREAD *thread);
void ke_thread_exit(NTSTATUS status) __attribute__((noreturn));
/* Creates a system thread running routine(context); returns a referenced
 * thread object, or NULL. */
struct _KTHREAD *ke_thread_create(PKSTART_ROUTINE routine, PVOID context);

#endif /* DDK_KE_INTERNAL_H */
