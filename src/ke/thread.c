/*
 * thread.c - thread objects and system threads (Ps*).
 *
 * Every OS thread that enters the executive gets a struct _KTHREAD: system
 * threads at creation, any other thread (a test's main thread, a client
 * thread) on first use. A thread object is a dispatcher object that
 * becomes signaled when its thread terminates, so drivers can wait for a
 * system thread to finish. It is reference counted: the running thread
 * holds one reference (dropped at exit, by the TLS destructor for threads
 * the executive did not create), the creator's handle holds another.
 *
 * Until the object manager owns thread handles, the handle returned by
 * PsCreateSystemThread is the tagged address of the thread object
 * (ke_thread_from_handle); ZwClose/ObReferenceObjectByHandle on it belong
 * to ob.
 *
 * Priorities are recorded (KeSetPriorityThread/KeQueryPriorityThread) but
 * change nothing: Linux schedules these threads as ordinary threads.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>


static pthread_key_t ke_thread_key;
static pthread_once_t ke_thread_key_once = PTHREAD_ONCE_INIT;
static struct _EPROCESS ke_system_process;

static void ke_foreign_thread_exit(void *arg);

static void ke_thread_key_init(void)
{
    pthread_key_create(&ke_thread_key, ke_foreign_thread_exit);
    ke_system_process.Pcb.Header.Type = ProcessObject;
    InitializeListHead(&ke_system_process.Pcb.Header.WaitListHead);
}

static struct _KTHREAD *ke_thread_alloc(void)
{
    struct _KTHREAD *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->Header.Type = ThreadObject;
    t->Header.Size = (UCHAR)(sizeof(DISPATCHER_HEADER) / sizeof(LONG));
    t->Header.SignalState = 0;
    InitializeListHead(&t->Header.WaitListHead);
    InitializeListHead(&t->mutants);
    ke_cond_init(&t->wait_cond);
    t->refs = 1;
    t->priority = 8;
    t->exit_status = STATUS_PENDING;
    return t;
}

void ke_thread_get(struct _KTHREAD *thread)
{
    __atomic_add_fetch(&thread->refs, 1, __ATOMIC_RELAXED);
}

void ke_thread_put(struct _KTHREAD *thread)
{
    if (thread && __atomic_sub_fetch(&thread->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        pthread_cond_destroy(&thread->wait_cond);
        free(thread);
    }
}

struct _KTHREAD *ke_thread_current(void)
{
    struct _KTHREAD *t = ke_tls.thread;
    if (__builtin_expect(t != NULL, 1))
        return t;
    pthread_once(&ke_thread_key_once, ke_thread_key_init);
    t = ke_thread_alloc();
    if (!t)
        krnl_bugcheck(0x17 /* NO_MORE_SYSTEM_PTES-like: out of memory */, 0, 0, 0, 0, NULL,
                      "cannot allocate a thread object");
    t->tid = (pid_t)syscall(SYS_gettid);
    ke_tls.thread = t;
    pthread_setspecific(ke_thread_key, t);
    return t;
}

/* Marks the thread terminated: abandons its mutexes, signals its object. */
static void ke_thread_terminate(struct _KTHREAD *t, NTSTATUS status)
{
    ke_dispatcher_lock();
    t->exit_status = status;
    t->terminated = TRUE;
    ke_abandon_mutants(t);
    t->Header.SignalState = 1;
    ke_signal_object(&t->Header);
    ke_dispatcher_unlock();
}

static void ke_foreign_thread_exit(void *arg)
{
    struct _KTHREAD *t = arg;
    if (!t)
        return;
    ke_thread_terminate(t, STATUS_SUCCESS);
    ke_tls.thread = NULL;
    ke_thread_put(t);
}

void ke_thread_exit(NTSTATUS status)
{
    struct _KTHREAD *t = ke_thread_current();

    /* Mutexes still owned are abandoned (their next owner gets
     * STATUS_ABANDONED); that also ends the APC disable they implied. */
    ke_dispatcher_lock();
    if (!IsListEmpty(&t->mutants))
        krnl_log(KRNL_LOG_WARN, "system thread %d exits owning a mutex: abandoned", (int)t->tid);
    ke_abandon_mutants(t);
    ke_dispatcher_unlock();
    if (ke_tls.irql != PASSIVE_LEVEL)
        krnl_bugcheck(IRQL_NOT_LESS_OR_EQUAL, 0, ke_tls.irql, 0,
                      (ULONG_PTR)t->start_routine, NULL,
                      "system thread %d exits at IRQL %u", (int)t->tid, (unsigned)ke_tls.irql);
    if (t->kernel_apc_disable || t->special_apc_disable)
        krnl_bugcheck(KERNEL_APC_PENDING_DURING_EXIT, 0, (ULONG_PTR)(LONG_PTR)t->kernel_apc_disable,
                      ke_tls.irql, (ULONG_PTR)(LONG_PTR)t->special_apc_disable, NULL,
                      "KERNEL_APC_PENDING_DURING_EXIT: system thread %d exits inside a "
                      "critical or guarded region (or owning a mutex)", (int)t->tid);
    ke_thread_terminate(t, status);
    pthread_setspecific(ke_thread_key, NULL);
    ke_tls.thread = NULL;
    ke_thread_put(t);
    pthread_exit(NULL);
}

static void *ke_thread_main(void *arg)
{
    struct _KTHREAD *t = arg;

    __atomic_store_n(&t->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
    ke_tls.thread = t;
    ke_tls.irql = PASSIVE_LEVEL;
    pthread_setspecific(ke_thread_key, t);
    t->start_routine(t->start_context);
    ke_thread_exit(STATUS_SUCCESS);
}

struct _KTHREAD *ke_thread_create(PKSTART_ROUTINE routine, PVOID context)
{
    struct _KTHREAD *t;
    pthread_attr_t attr;
    pthread_t pt;
    int rc;

    pthread_once(&ke_thread_key_once, ke_thread_key_init);
    t = ke_thread_alloc();
    if (!t)
        return NULL;
    t->system = TRUE;
    t->start_routine = routine;
    t->start_context = context;
    t->refs = 2; /* the running thread + the caller */
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&pt, &attr, ke_thread_main, t);
    pthread_attr_destroy(&attr);
    if (rc) {
        pthread_cond_destroy(&t->wait_cond);
        free(t);
        return NULL;
    }
    return t;
}

/* ---------------------------------------------------------------- Ps* */

#define KE_HANDLE_TAG ((ULONG_PTR)1)

struct _KTHREAD *ke_thread_from_handle(HANDLE handle)
{
    ULONG_PTR h = (ULONG_PTR)handle;
    if (handle == NtCurrentThread()) {
        struct _KTHREAD *t = ke_thread_current();
        ke_thread_get(t);
        return t;
    }
    if (!(h & KE_HANDLE_TAG))
        return NULL;
    struct _KTHREAD *t = (struct _KTHREAD *)(h & ~KE_HANDLE_TAG);
    ke_thread_get(t);
    return t;
}

NTKERNELAPI NTSTATUS NTAPI PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                                POBJECT_ATTRIBUTES ObjectAttributes,
                                                HANDLE ProcessHandle, PCLIENT_ID ClientId,
                                                PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    struct _KTHREAD *t;
    (void)DesiredAccess;
    (void)ObjectAttributes;

    ke_check_irql_max(PASSIVE_LEVEL, "PsCreateSystemThread");
    if (!ThreadHandle || !StartRoutine)
        return STATUS_INVALID_PARAMETER;
    if (ProcessHandle && ProcessHandle != NtCurrentProcess()) {
        krnl_log_once(KRNL_LOG_WARN, "PsCreateSystemThread: threads in other processes "
                      "are not supported; creating a system thread");
    }
    t = ke_thread_create(StartRoutine, StartContext);
    if (!t)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (ClientId) {
        /* The thread id is known once it runs; wait for it briefly. */
        while (!__atomic_load_n(&t->tid, __ATOMIC_ACQUIRE))
            sched_yield();
        ClientId->UniqueProcess = (HANDLE)(ULONG_PTR)getpid();
        ClientId->UniqueThread = (HANDLE)(ULONG_PTR)t->tid;
    }
    *ThreadHandle = (HANDLE)((ULONG_PTR)t | KE_HANDLE_TAG);
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    if (!ke_thread_current()->system)
        return STATUS_INVALID_PARAMETER;
    ke_thread_exit(ExitStatus);
}

NTKERNELAPI PKTHREAD NTAPI KeGetCurrentThread(void)
{
    return ke_thread_current();
}

NTKERNELAPI PETHREAD NTAPI PsGetCurrentThread(void)
{
    return (PETHREAD)ke_thread_current();
}

NTKERNELAPI HANDLE NTAPI PsGetCurrentThreadId(void)
{
    return (HANDLE)(ULONG_PTR)ke_thread_current()->tid;
}

NTKERNELAPI HANDLE NTAPI PsGetThreadId(PETHREAD Thread)
{
    return Thread ? (HANDLE)(ULONG_PTR)Thread->Tcb.tid : NULL;
}

NTKERNELAPI PEPROCESS NTAPI PsGetCurrentProcess(void)
{
    pthread_once(&ke_thread_key_once, ke_thread_key_init);
    return &ke_system_process;
}

NTKERNELAPI HANDLE NTAPI PsGetCurrentProcessId(void)
{
    return (HANDLE)(ULONG_PTR)getpid();
}

NTKERNELAPI HANDLE NTAPI PsGetProcessId(PEPROCESS Process)
{
    return Process == &ke_system_process ? (HANDLE)(ULONG_PTR)getpid() : NULL;
}

NTKERNELAPI BOOLEAN NTAPI PsIsSystemThread(PETHREAD Thread)
{
    return Thread ? Thread->Tcb.system : FALSE;
}

NTKERNELAPI BOOLEAN NTAPI PsIsThreadTerminating(PETHREAD Thread)
{
    BOOLEAN r;
    ke_dispatcher_lock();
    r = Thread ? Thread->Tcb.terminated : FALSE;
    ke_dispatcher_unlock();
    return r;
}

NTKERNELAPI KPRIORITY NTAPI KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    ke_check_irql_max(DISPATCH_LEVEL, "KeSetPriorityThread");
    return __atomic_exchange_n(&Thread->priority, Priority, __ATOMIC_RELAXED);
}

NTKERNELAPI KPRIORITY NTAPI KeQueryPriorityThread(PKTHREAD Thread)
{
    return __atomic_load_n(&Thread->priority, __ATOMIC_RELAXED);
}

NTKERNELAPI LONG NTAPI KeSetBasePriorityThread(PKTHREAD Thread, LONG Increment)
{
    /* Recorded as a priority change relative to the default (8). */
    LONG old = __atomic_load_n(&Thread->priority, __ATOMIC_RELAXED) - 8;
    __atomic_store_n(&Thread->priority, 8 + Increment, __ATOMIC_RELAXED);
    return old;
}
