/*
 * irql.c - emulated IRQL, APC-disable regions and processor queries.
 *
 * IRQL is a per-thread number (ke_tls.irql). Raising it does not stop the
 * Linux scheduler, but everything that Windows forbids at a given IRQL is
 * checked against it, and the rules of KeRaiseIrql/KeLowerIrql are
 * enforced with the Windows bug checks (0x9 raising to a lower level, 0xA
 * lowering to a higher one). While a thread is at DISPATCH_LEVEL or above
 * it keeps reporting the processor it was on when it got there, as a
 * thread that cannot be rescheduled would.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"
#include <ddk/driver_abi.h>

#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__thread struct ke_tls ke_tls __attribute__((tls_model("initial-exec")));

static ULONG ke_ncpu;

ULONG ke_processor_count(void)
{
    ULONG n = __atomic_load_n(&ke_ncpu, __ATOMIC_RELAXED);
    if (!n) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c < 1 ? 1 : c > MAXIMUM_PROCESSORS ? MAXIMUM_PROCESSORS : (ULONG)c;
        __atomic_store_n(&ke_ncpu, n, __ATOMIC_RELAXED);
    }
    return n;
}

static ULONG ke_os_cpu(void)
{
    int c = sched_getcpu();
    return c < 0 ? 0 : (ULONG)c % ke_processor_count();
}

const char *ke_module_of(const void *addr)
{
    static __thread char name[256];
    Dl_info info;
    void *h;
    BOOLEAN is_driver;

    if (!addr || !dladdr(addr, &info) || !info.dli_fname)
        return NULL;
    /* Only driver modules (they export the entry stub's info block) are
     * named, in the form krnl's reports use: file name without ".so". */
    h = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
    if (!h)
        return NULL;
    is_driver = dlsym(h, DDK_DRIVER_INFO_SYMBOL) != NULL;
    dlclose(h);
    if (!is_driver)
        return NULL;
    const char *base = strrchr(info.dli_fname, '/');
    snprintf(name, sizeof(name), "%s", base ? base + 1 : info.dli_fname);
    size_t len = strlen(name);
    if (len > 3 && !strcmp(name + len - 3, ".so"))
        name[len - 3] = 0;
    return name;
}

void ke_check_irql_max_from(KIRQL max, const char *ddi, void *caller)
{
    KIRQL irql = ke_tls.irql;
    if (irql > max)
        krnl_bugcheck(IRQL_NOT_LESS_OR_EQUAL, 0, irql, 0, (ULONG_PTR)caller, ke_module_of(caller),
                      "%s called at IRQL %u (maximum %u)",
                      ddi ? ddi : "?", (unsigned)irql, (unsigned)max);
}

void (ke_check_irql_max)(KIRQL max, const char *ddi)
{
    ke_check_irql_max_from(max, ddi, __builtin_return_address(0));
}

NTKERNELAPI void NTAPI DdkCheckIrqlMax(KIRQL Max, const char *Function)
{
    ke_check_irql_max_from(Max, Function, __builtin_return_address(0));
}

NTKERNELAPI KIRQL NTAPI KeGetCurrentIrql(void)
{
    return ke_tls.irql;
}

static void ke_set_irql(KIRQL irql)
{
    if (irql >= DISPATCH_LEVEL && !ke_tls.dpc_cpu_valid) {
        ke_tls.cpu = ke_os_cpu();
        ke_tls.dpc_cpu_valid = 1;
    } else if (irql < DISPATCH_LEVEL && !ke_tls.in_dpc) {
        ke_tls.dpc_cpu_valid = 0;
    }
    ke_tls.irql = irql;
}

NTKERNELAPI KIRQL NTAPI KfRaiseIrql(KIRQL NewIrql)
{
    KIRQL old = ke_tls.irql;
    if (NewIrql < old || NewIrql > HIGH_LEVEL)
        krnl_bugcheck(IRQL_NOT_GREATER_OR_EQUAL, old, NewIrql, 0,
                      (ULONG_PTR)__builtin_return_address(0), ke_module_of(__builtin_return_address(0)),
                      "KeRaiseIrql from %u to %u",
                      (unsigned)old, (unsigned)NewIrql);
    ke_set_irql(NewIrql);
    return old;
}

NTKERNELAPI void NTAPI KeLowerIrql(KIRQL NewIrql)
{
    KIRQL old = ke_tls.irql;
    if (NewIrql > old)
        krnl_bugcheck(IRQL_NOT_LESS_OR_EQUAL, 0, old, NewIrql,
                      (ULONG_PTR)__builtin_return_address(0), ke_module_of(__builtin_return_address(0)),
                      "KeLowerIrql from %u to %u",
                      (unsigned)old, (unsigned)NewIrql);
    ke_set_irql(NewIrql);
}

NTKERNELAPI KIRQL NTAPI KeRaiseIrqlToDpcLevel(void)
{
    return KfRaiseIrql(DISPATCH_LEVEL);
}

NTKERNELAPI KIRQL NTAPI KeRaiseIrqlToSynchLevel(void)
{
    return KfRaiseIrql(SYNCH_LEVEL);
}

/* ------------------------------------------------ APC-disable regions */

NTKERNELAPI void NTAPI KeEnterCriticalRegion(void)
{
    ke_thread_current()->kernel_apc_disable--;
}

NTKERNELAPI void NTAPI KeLeaveCriticalRegion(void)
{
    struct _KTHREAD *t = ke_thread_current();
    if (t->kernel_apc_disable >= 0)
        krnl_bugcheck(APC_INDEX_MISMATCH, (ULONG_PTR)__builtin_return_address(0), 0,
                      (ULONG_PTR)t->kernel_apc_disable, 0, NULL,
                      "KeLeaveCriticalRegion without KeEnterCriticalRegion");
    t->kernel_apc_disable++;
}

NTKERNELAPI void NTAPI KeEnterGuardedRegion(void)
{
    ke_check_irql_max(APC_LEVEL, "KeEnterGuardedRegion");
    ke_thread_current()->special_apc_disable--;
}

NTKERNELAPI void NTAPI KeLeaveGuardedRegion(void)
{
    struct _KTHREAD *t = ke_thread_current();
    if (t->special_apc_disable >= 0)
        krnl_bugcheck(APC_INDEX_MISMATCH, (ULONG_PTR)__builtin_return_address(0), 0,
                      (ULONG_PTR)t->special_apc_disable, 0, NULL,
                      "KeLeaveGuardedRegion without KeEnterGuardedRegion");
    t->special_apc_disable++;
}

NTKERNELAPI BOOLEAN NTAPI KeAreApcsDisabled(void)
{
    struct _KTHREAD *t = ke_thread_current();
    return (BOOLEAN)(ke_tls.irql >= APC_LEVEL || t->kernel_apc_disable || t->special_apc_disable);
}

NTKERNELAPI BOOLEAN NTAPI KeAreAllApcsDisabled(void)
{
    return (BOOLEAN)(ke_tls.irql >= APC_LEVEL || ke_thread_current()->special_apc_disable);
}

/* ---------------------------------------------------------- processors */

NTKERNELAPI ULONG NTAPI KeGetCurrentProcessorNumber(void)
{
    if (ke_tls.dpc_cpu_valid)
        return ke_tls.cpu;
    return ke_os_cpu();
}

NTKERNELAPI ULONG NTAPI KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
    ULONG n = KeGetCurrentProcessorNumber();
    if (ProcNumber) {
        ProcNumber->Group = 0;
        ProcNumber->Number = (UCHAR)n;
        ProcNumber->Reserved = 0;
    }
    return n;
}

NTKERNELAPI KAFFINITY NTAPI KeQueryActiveProcessors(void)
{
    ULONG n = ke_processor_count();
    return n >= 64 ? ~(KAFFINITY)0 : (((KAFFINITY)1 << n) - 1);
}

NTKERNELAPI ULONG NTAPI KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
    if (ActiveProcessors)
        *ActiveProcessors = KeQueryActiveProcessors();
    return ke_processor_count();
}

NTKERNELAPI ULONG NTAPI KeQueryActiveProcessorCountEx(USHORT GroupNumber)
{
    return (GroupNumber == 0 || GroupNumber == ALL_PROCESSOR_GROUPS) ? ke_processor_count() : 0;
}

NTKERNELAPI ULONG NTAPI KeQueryMaximumProcessorCount(void)
{
    return ke_processor_count();
}

NTKERNELAPI ULONG NTAPI KeQueryMaximumProcessorCountEx(USHORT GroupNumber)
{
    return KeQueryActiveProcessorCountEx(GroupNumber);
}

NTKERNELAPI USHORT NTAPI KeQueryActiveGroupCount(void)
{
    return 1;
}

NTKERNELAPI USHORT NTAPI KeQueryMaximumGroupCount(void)
{
    return 1;
}

NTKERNELAPI ULONG NTAPI KeGetProcessorIndexFromNumber(PPROCESSOR_NUMBER ProcNumber)
{
    if (!ProcNumber || ProcNumber->Group != 0 || ProcNumber->Number >= ke_processor_count())
        return (ULONG)-1; /* INVALID_PROCESSOR_INDEX */
    return ProcNumber->Number;
}

NTKERNELAPI NTSTATUS NTAPI KeGetProcessorNumberFromIndex(ULONG ProcIndex,
                                                         PPROCESSOR_NUMBER ProcNumber)
{
    if (!ProcNumber || ProcIndex >= ke_processor_count())
        return STATUS_INVALID_PARAMETER;
    ProcNumber->Group = 0;
    ProcNumber->Number = (UCHAR)ProcIndex;
    ProcNumber->Reserved = 0;
    return STATUS_SUCCESS;
}

NTKERNELAPI CCHAR NTAPI KeQueryNumberProcessors_(void)
{
    return (CCHAR)ke_processor_count();
}
