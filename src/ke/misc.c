/*
 * misc.c - small ke DDIs: thread affinity, NUMA node, floating-point
 * state, process attach.
 *
 * Affinity is real (pthread_setaffinity_np on the calling thread, best
 * effort). There is one node. Floating-point state needs no saving: Linux
 * preserves it across preemption, so the save/restore DDIs succeed without
 * doing anything, which is what they guarantee. There is one process (the
 * System process of the emulation), so attaching to it changes nothing.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <sched.h>

static KAFFINITY ke_get_affinity(void)
{
    cpu_set_t set;
    KAFFINITY a = 0;

    if (pthread_getaffinity_np(pthread_self(), sizeof(set), &set))
        return KeQueryActiveProcessors();
    for (ULONG i = 0; i < ke_processor_count(); i++)
        if (CPU_ISSET(i, &set))
            a |= (KAFFINITY)1 << i;
    return a;
}

static void ke_set_affinity(KAFFINITY a)
{
    cpu_set_t set;

    a &= KeQueryActiveProcessors();
    if (!a)
        return;
    CPU_ZERO(&set);
    for (ULONG i = 0; i < ke_processor_count(); i++)
        if (a & ((KAFFINITY)1 << i))
            CPU_SET(i, &set);
    (void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

NTKERNELAPI KAFFINITY NTAPI KeSetSystemAffinityThreadEx(KAFFINITY Affinity)
{
    struct _KTHREAD *t = ke_thread_current();
    KAFFINITY previous = ke_get_affinity();

    ke_check_irql_max(APC_LEVEL, "KeSetSystemAffinityThreadEx");
    if (!t->system_affinity) {
        t->user_affinity = previous;
        t->system_affinity = TRUE;
    }
    ke_set_affinity(Affinity);
    return previous;
}

NTKERNELAPI void NTAPI KeSetSystemAffinityThread(KAFFINITY Affinity)
{
    ke_check_irql_max(APC_LEVEL, "KeSetSystemAffinityThread");
    (void)KeSetSystemAffinityThreadEx(Affinity);
}

NTKERNELAPI void NTAPI KeRevertToUserAffinityThread(void)
{
    struct _KTHREAD *t = ke_thread_current();

    ke_check_irql_max(APC_LEVEL, "KeRevertToUserAffinityThread");
    if (t->system_affinity) {
        ke_set_affinity(t->user_affinity);
        t->system_affinity = FALSE;
    }
}

NTKERNELAPI void NTAPI KeRevertToUserAffinityThreadEx(KAFFINITY Affinity)
{
    struct _KTHREAD *t = ke_thread_current();

    ke_check_irql_max(APC_LEVEL, "KeRevertToUserAffinityThreadEx");
    if (Affinity) {
        ke_set_affinity(Affinity);
    } else if (t->system_affinity) {
        ke_set_affinity(t->user_affinity);
    }
    t->system_affinity = FALSE;
}

NTKERNELAPI void NTAPI KeSetSystemGroupAffinityThread(PGROUP_AFFINITY Affinity,
                                                      PGROUP_AFFINITY PreviousAffinity)
{
    KAFFINITY previous;

    ke_check_irql_max(APC_LEVEL, "KeSetSystemGroupAffinityThread");
    previous = KeSetSystemAffinityThreadEx(Affinity && Affinity->Group == 0 ? Affinity->Mask : 0);
    if (PreviousAffinity) {
        PreviousAffinity->Mask = previous;
        PreviousAffinity->Group = 0;
        PreviousAffinity->Reserved[0] = PreviousAffinity->Reserved[1] =
            PreviousAffinity->Reserved[2] = 0;
    }
}

NTKERNELAPI void NTAPI KeRevertToUserGroupAffinityThread(PGROUP_AFFINITY PreviousAffinity)
{
    KeRevertToUserAffinityThreadEx(PreviousAffinity ? PreviousAffinity->Mask : 0);
}

NTKERNELAPI USHORT NTAPI KeGetCurrentNodeNumber(void)
{
    return 0;
}

NTKERNELAPI USHORT NTAPI KeQueryHighestNodeNumber(void)
{
    return 0;
}

NTKERNELAPI NTSTATUS NTAPI KeSaveFloatingPointState(PKFLOATING_SAVE FloatSave)
{
    ke_check_irql_max(DISPATCH_LEVEL, "KeSaveFloatingPointState");
    if (FloatSave)
        FloatSave->Dummy = 0;
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI KeRestoreFloatingPointState(PKFLOATING_SAVE FloatSave)
{
    ke_check_irql_max(DISPATCH_LEVEL, "KeRestoreFloatingPointState");
    (void)FloatSave;
    return STATUS_SUCCESS;
}

NTKERNELAPI void NTAPI KeStackAttachProcess(PRKPROCESS Process, PRKAPC_STATE ApcState)
{
    ke_check_irql_max(APC_LEVEL, "KeStackAttachProcess");
    if ((PEPROCESS)Process != PsGetCurrentProcess())
        krnl_log_once(KRNL_LOG_WARN, "KeStackAttachProcess: only the System process exists; "
                      "attach is a no-op");
    InitializeListHead(&ApcState->ApcListHead[0]);
    InitializeListHead(&ApcState->ApcListHead[1]);
    ApcState->Process = Process;
    ApcState->InProgressFlags = 0;
    ApcState->KernelApcPending = FALSE;
    ApcState->UserApcPendingAll = FALSE;
}

NTKERNELAPI void NTAPI KeUnstackDetachProcess(PRKAPC_STATE ApcState)
{
    ke_check_irql_max(APC_LEVEL, "KeUnstackDetachProcess");
    (void)ApcState;
}
