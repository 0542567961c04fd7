/*
 * thread.c - thread objects and system threads (Ps*).
 *
 * Every OS thread that enters the executive gets a struct _KTHREAD: system
 * threads at creation, any other thread (a test's main thread, a client
 * thread) on first use. A thread object is a dispatcher object that
 * becomes signaled when its thread terminates, so drivers can wait for a
 * system thread to finish. It is an object of the object manager (type
 * *PsThreadType): the running thread holds one reference (dropped at exit,
 * by a TLS destructor for threads the executive did not create),
 * PsCreateSystemThread returns a real handle (ObReferenceObjectByHandle
 * with *PsThreadType, ZwClose), and ObReferenceObject/ObDereferenceObject
 * work on PETHREAD/PKTHREAD. The one process object (PsGetCurrentProcess)
 * is an ob object too.
 *
 * Priorities are recorded (KeSetPriorityThread/KeQueryPriorityThread) but
 * change nothing: Linux schedules these threads as ordinary threads.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"
#include "ob/ob.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>


static pthread_key_t ke_thread_key;
static pthread_once_t ke_thread_key_once = PTHREAD_ONCE_INIT;
static struct _EPROCESS *ke_system_process;

static void ke_foreign_thread_exit(void *arg);

static void ke_thread_delete(void *body)
{
    struct _KTHREAD *t = body;
    pthread_cond_destroy(&t->wait_cond);
}

static void ke_thread_key_init(void)
{
    static const struct ob_type_procs procs = { .delete_proc = ke_thread_delete };
    void *body;

    pthread_key_create(&ke_thread_key, ke_foreign_thread_exit);
    ob_type_set_procedures(*PsThreadType, &procs);
    /* The process object lives as long as the process (its creation
     * reference is never dropped). */
    if (NT_SUCCESS(ob_create_object(*PsProcessType, sizeof(struct _EPROCESS), 0, NULL, &body))) {
        ke_system_process = body;
        ke_system_process->Pcb.Header.Type = ProcessObject;
        ke_system_process->Pcb.Header.Size = (UCHAR)(sizeof(DISPATCHER_HEADER) / sizeof(LONG));
        InitializeListHead(&ke_system_process->Pcb.Header.WaitListHead);
    }
}

static struct _KTHREAD *ke_thread_alloc(void)
{
    void *body;
    struct _KTHREAD *t;

    pthread_once(&ke_thread_key_once, ke_thread_key_init);
    if (!NT_SUCCESS(ob_create_object(*PsThreadType, sizeof(struct _KTHREAD), 0, NULL, &body)))
        return NULL;
    t = body;
    t->Header.Type = ThreadObject;
    t->Header.Size = (UCHAR)(sizeof(DISPATCHER_HEADER) / sizeof(LONG));
    t->Header.SignalState = 0;
    InitializeListHead(&t->Header.WaitListHead);
    InitializeListHead(&t->mutants);
    ke_cond_init(&t->wait_cond);
    t->priority = 8;
    t->exit_status = STATUS_PENDING;
    return t;
}

void ke_thread_get(struct _KTHREAD *thread)
{
    ob_reference(thread);
}

void ke_thread_put(struct _KTHREAD *thread)
{
    ob_dereference(thread);
}

struct _KTHREAD *ke_thread_current(void)
{
    struct _KTHREAD *t = ke_tls.thread;
    if (__builtin_expect(t != NULL, 1))
        return t;
    pthread_once(&ke_thread_key_once, ke_thread_key_init);
    t = ke_thread_alloc();
    if (!t)
        krnl_bugcheck(MUST_SUCCEED_POOL_EMPTY, 0, 0, 0, 0, NULL,
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
                      "system thread %d exits inside a "
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
    ob_reference(t); /* the running thread's; the creation reference is the caller's */
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&pt, &attr, ke_thread_main, t);
    pthread_attr_destroy(&attr);
    if (rc) {
        ob_dereference(t);
        ob_dereference(t);
        return NULL;
    }
    return t;
}

/* ---------------------------------------------------------------- Ps* */

struct _KTHREAD *ke_thread_from_handle(HANDLE handle)
{
    void *body;

    if (handle == NtCurrentThread()) {
        struct _KTHREAD *t = ke_thread_current();
        ke_thread_get(t);
        return t;
    }
    if (!NT_SUCCESS(ob_reference_by_handle(handle, 0, *PsThreadType, KernelMode, &body, NULL)))
        return NULL;
    return body;
}

NTKERNELAPI NTSTATUS NTAPI PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                                POBJECT_ATTRIBUTES ObjectAttributes,
                                                HANDLE ProcessHandle, PCLIENT_ID ClientId,
                                                PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    struct _KTHREAD *t;
    NTSTATUS status;
    HANDLE h;

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
    /* The handle takes its own reference; the creation one is dropped. */
    status = ob_open_handle(t, DesiredAccess ? DesiredAccess : THREAD_ALL_ACCESS,
                            ObjectAttributes ? (ObjectAttributes->Attributes &
                                                (OBJ_KERNEL_HANDLE | OBJ_INHERIT)) : 0, &h);
    if (!NT_SUCCESS(status)) {
        /* The thread runs anyway (Windows cannot undo it either). */
        ke_thread_put(t);
        return status;
    }
    if (ClientId) {
        /* The thread id is known once it runs; wait for it briefly. */
        while (!__atomic_load_n(&t->tid, __ATOMIC_ACQUIRE))
            sched_yield();
        ClientId->UniqueProcess = (HANDLE)(ULONG_PTR)getpid();
        ClientId->UniqueThread = (HANDLE)(ULONG_PTR)t->tid;
    }
    ke_thread_put(t);
    *ThreadHandle = h;
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
    return ke_system_process;
}

NTKERNELAPI HANDLE NTAPI PsGetCurrentProcessId(void)
{
    return (HANDLE)(ULONG_PTR)getpid();
}

NTKERNELAPI HANDLE NTAPI PsGetProcessId(PEPROCESS Process)
{
    return Process && Process == ke_system_process ? (HANDLE)(ULONG_PTR)getpid() : NULL;
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
