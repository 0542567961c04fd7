/*
 * resource.c - ERESOURCE, the executive's reader/writer lock.
 *
 * The ERESOURCE keeps Windows' size (0x68) and most of its meaning:
 *   Flag & ResourceOwnedExclusive   owned exclusively
 *   OwnerEntry                      the exclusive owner and its recursion count
 *   OwnerTable                      shared owners (thread, count); its
 *                                   capacity is kept in the side allocation
 *   ActiveCount                     number of granted owners
 *   ActiveEntries                   shared owner entries in use
 *   NumberOf{Shared,Exclusive}Waiters, ContentionCount
 *   SharedWaiters / ExclusiveWaiters  a KSEMAPHORE / synchronization KEVENT
 *                                   in a side allocation made by
 *                                   ExInitializeResourceLite and freed by
 *                                   ExDeleteResourceLite
 * SpinLock guards all of these; it is taken as a plain busy lock without
 * touching the emulated IRQL, and never held across a wait.
 *
 * Ownership is handed off: a releaser that makes the resource free grants
 * it to waiters before waking them (shared waiters as a batch after an
 * exclusive release, else one exclusive waiter; one exclusive waiter
 * first after the last shared release), so a woken waiter owns the
 * resource without racing for it. New shared requests wait while
 * exclusive waiters exist (ExAcquireResourceSharedLite), except with
 * ExAcquireSharedStarveExclusive or when the caller already holds it.
 * Recursion: an exclusive owner may acquire again, exclusive or shared; a
 * shared owner may acquire shared again.
 *
 * Releasing a resource the thread does not own is bug check
 * RESOURCE_NOT_OWNED (0xE3).
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

struct ke_resource {
    KSEMAPHORE shared_wait;
    KEVENT exclusive_wait;
    ULONG capacity;             /* entries in owners (resource SpinLock) */
    OWNER_ENTRY *owners;        /* == ERESOURCE.OwnerTable */
};

#define KE_RES_SIDE(r) CONTAINING_RECORD((r)->SharedWaiters, struct ke_resource, shared_wait)

static void res_lock(PERESOURCE r)
{
    unsigned spins = 0;
    for (;;) {
        ULONG_PTR expected = 0;
        if (__atomic_compare_exchange_n(&r->SpinLock, &expected, 1, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return;
        if (++spins < 128)
            __builtin_ia32_pause();
        else {
            spins = 0;
            sched_yield();
        }
    }
}

static void res_unlock(PERESOURCE r)
{
    __atomic_store_n(&r->SpinLock, 0, __ATOMIC_RELEASE);
}

static ERESOURCE_THREAD res_self(void)
{
    return (ERESOURCE_THREAD)ke_thread_current();
}

static void res_check(PERESOURCE r, const char *ddi)
{
    if (!r->SharedWaiters)
        krnl_bugcheck(RESOURCE_NOT_OWNED, (ULONG_PTR)r, res_self(), 0, 0, NULL,
                      "%s on resource %p that was not initialized (or was deleted)", ddi,
                      (void *)r);
}

static OWNER_ENTRY *res_find_shared(PERESOURCE r, ERESOURCE_THREAD t)
{
    struct ke_resource *side = KE_RES_SIDE(r);
    for (ULONG i = 0; i < side->capacity; i++)
        if (side->owners[i].OwnerThread == t)
            return &side->owners[i];
    return NULL;
}

/* Adds t as a shared owner with count 1 (resource lock held). */
static void res_add_shared(PERESOURCE r, ERESOURCE_THREAD t)
{
    struct ke_resource *side = KE_RES_SIDE(r);
    for (ULONG i = 0; i < side->capacity; i++) {
        if (!side->owners[i].OwnerThread) {
            side->owners[i].OwnerThread = t;
            side->owners[i].OwnerCount = 1;
            r->ActiveEntries++;
            return;
        }
    }
    ULONG cap = side->capacity * 2;
    OWNER_ENTRY *n = realloc(side->owners, cap * sizeof(*n));
    if (!n)
        krnl_bugcheck(MUST_SUCCEED_POOL_EMPTY, (ULONG_PTR)r, 0, 0, 0, NULL, "out of memory for resource owners");
    memset(n + side->capacity, 0, (cap - side->capacity) * sizeof(*n));
    n[side->capacity].OwnerThread = t;
    n[side->capacity].OwnerCount = 1;
    side->owners = n;
    side->capacity = cap;
    r->OwnerTable = n;
    r->ActiveEntries++;
}

/* What a release decided to wake, done after the resource lock is dropped. */
struct res_wake {
    LONG shared;
    BOOLEAN exclusive;
};

/* The resource just became free (lock held): grant it to waiters. */
static void res_grant(PERESOURCE r, BOOLEAN prefer_shared, struct res_wake *w)
{
    if (r->NumberOfSharedWaiters && (prefer_shared || !r->NumberOfExclusiveWaiters)) {
        w->shared = (LONG)r->NumberOfSharedWaiters;
        r->ActiveCount = (SHORT)r->NumberOfSharedWaiters;
        r->NumberOfSharedWaiters = 0;
    } else if (r->NumberOfExclusiveWaiters) {
        r->NumberOfExclusiveWaiters--;
        r->Flag |= ResourceOwnedExclusive;
        r->ActiveCount = 1;
        r->OwnerEntry.OwnerThread = 0; /* reserved for the woken waiter */
        r->OwnerEntry.OwnerCount = 0;
        w->exclusive = TRUE;
    }
}

static void res_wake(PERESOURCE r, const struct res_wake *w)
{
    if (w->shared)
        KeReleaseSemaphore(r->SharedWaiters, 0, w->shared, FALSE);
    if (w->exclusive)
        KeSetEvent(r->ExclusiveWaiters, 0, FALSE);
}

static void res_init_fields(PERESOURCE r, struct ke_resource *side)
{
    r->SystemResourcesList.Flink = r->SystemResourcesList.Blink = &r->SystemResourcesList;
    r->ActiveCount = 0;
    r->Flag = 0;
    memset(&r->OwnerEntry, 0, sizeof(r->OwnerEntry));
    r->ActiveEntries = 0;
    r->ContentionCount = 0;
    r->NumberOfSharedWaiters = 0;
    r->NumberOfExclusiveWaiters = 0;
    r->Reserved2 = NULL;
    r->Address = NULL;
    r->SpinLock = 0;
    KeInitializeSemaphore(&side->shared_wait, 0, MAXLONG);
    KeInitializeEvent(&side->exclusive_wait, SynchronizationEvent, FALSE);
    memset(side->owners, 0, side->capacity * sizeof(*side->owners));
    r->OwnerTable = side->owners;
    r->SharedWaiters = &side->shared_wait;
    r->ExclusiveWaiters = &side->exclusive_wait;
}

NTKERNELAPI NTSTATUS NTAPI ExInitializeResourceLite(PERESOURCE Resource)
{
    struct ke_resource *side = calloc(1, sizeof(*side));
    if (!side)
        return STATUS_INSUFFICIENT_RESOURCES;
    side->capacity = 4;
    side->owners = calloc(side->capacity, sizeof(*side->owners));
    if (!side->owners) {
        free(side);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    res_init_fields(Resource, side);
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI ExReinitializeResourceLite(PERESOURCE Resource)
{
    res_check(Resource, "ExReinitializeResourceLite");
    res_init_fields(Resource, KE_RES_SIDE(Resource));
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI ExDeleteResourceLite(PERESOURCE Resource)
{
    struct ke_resource *side;

    ke_check_irql_max(APC_LEVEL, "ExDeleteResourceLite");
    res_check(Resource, "ExDeleteResourceLite");
    side = KE_RES_SIDE(Resource);
    if (Resource->NumberOfSharedWaiters || Resource->NumberOfExclusiveWaiters)
        krnl_log(KRNL_LOG_WARN, "ExDeleteResourceLite: resource %p still has waiters",
                 (void *)Resource);
    Resource->SharedWaiters = Resource->ExclusiveWaiters = NULL;
    Resource->OwnerTable = NULL;
    free(side->owners);
    free(side);
    return STATUS_SUCCESS;
}

NTKERNELAPI BOOLEAN NTAPI ExAcquireResourceExclusiveLite(PERESOURCE Resource, BOOLEAN Wait)
{
    ERESOURCE_THREAD self = res_self();

    ke_check_irql_max(APC_LEVEL, "ExAcquireResourceExclusiveLite");
    res_check(Resource, "ExAcquireResourceExclusiveLite");
    res_lock(Resource);
    if (Resource->ActiveCount == 0) {
        Resource->Flag |= ResourceOwnedExclusive;
        Resource->ActiveCount = 1;
        Resource->OwnerEntry.OwnerThread = self;
        Resource->OwnerEntry.OwnerCount = 1;
        res_unlock(Resource);
        return TRUE;
    }
    if ((Resource->Flag & ResourceOwnedExclusive) && Resource->OwnerEntry.OwnerThread == self) {
        Resource->OwnerEntry.OwnerCount++;
        res_unlock(Resource);
        return TRUE;
    }
    if (!Wait) {
        res_unlock(Resource);
        return FALSE;
    }
    if (!(Resource->Flag & ResourceOwnedExclusive) && res_find_shared(Resource, self))
        krnl_log_once(KRNL_LOG_ERROR, "ExAcquireResourceExclusiveLite: thread already owns "
                      "resource %p shared; this deadlocks (as on Windows)", (void *)Resource);
    Resource->NumberOfExclusiveWaiters++;
    Resource->ContentionCount++;
    res_unlock(Resource);

    KeWaitForSingleObject(Resource->ExclusiveWaiters, WrResource, KernelMode, FALSE, NULL);

    res_lock(Resource);
    Resource->OwnerEntry.OwnerThread = self;
    Resource->OwnerEntry.OwnerCount = 1;
    res_unlock(Resource);
    return TRUE;
}

enum res_shared_mode { RES_SHARED, RES_STARVE_EXCLUSIVE, RES_WAIT_FOR_EXCLUSIVE };

static BOOLEAN res_acquire_shared(PERESOURCE r, BOOLEAN wait, enum res_shared_mode mode,
                                  const char *ddi)
{
    ERESOURCE_THREAD self = res_self();
    OWNER_ENTRY *e;

    ke_check_irql_max(APC_LEVEL, ddi);
    res_check(r, ddi);
    res_lock(r);
    if (r->ActiveCount == 0) {
        res_add_shared(r, self);
        r->ActiveCount = 1;
        res_unlock(r);
        return TRUE;
    }
    if (r->Flag & ResourceOwnedExclusive) {
        if (r->OwnerEntry.OwnerThread == self) {
            r->OwnerEntry.OwnerCount++;
            res_unlock(r);
            return TRUE;
        }
    } else if ((e = res_find_shared(r, self)) != NULL) {
        e->OwnerCount++;
        res_unlock(r);
        return TRUE;
    } else if (mode == RES_STARVE_EXCLUSIVE || !r->NumberOfExclusiveWaiters) {
        res_add_shared(r, self);
        r->ActiveCount++;
        res_unlock(r);
        return TRUE;
    }
    if (!wait) {
        res_unlock(r);
        return FALSE;
    }
    r->NumberOfSharedWaiters++;
    r->ContentionCount++;
    res_unlock(r);

    KeWaitForSingleObject(r->SharedWaiters, WrResource, KernelMode, FALSE, NULL);

    res_lock(r);
    res_add_shared(r, self); /* ActiveCount was counted by the granter */
    res_unlock(r);
    return TRUE;
}

NTKERNELAPI BOOLEAN NTAPI ExAcquireResourceSharedLite(PERESOURCE Resource, BOOLEAN Wait)
{
    return res_acquire_shared(Resource, Wait, RES_SHARED, "ExAcquireResourceSharedLite");
}

NTKERNELAPI BOOLEAN NTAPI ExAcquireSharedStarveExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    return res_acquire_shared(Resource, Wait, RES_STARVE_EXCLUSIVE,
                              "ExAcquireSharedStarveExclusive");
}

NTKERNELAPI BOOLEAN NTAPI ExAcquireSharedWaitForExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    return res_acquire_shared(Resource, Wait, RES_WAIT_FOR_EXCLUSIVE,
                              "ExAcquireSharedWaitForExclusive");
}

static void res_release(PERESOURCE r, ERESOURCE_THREAD t, const char *ddi)
{
    struct res_wake w = { 0, FALSE };
    OWNER_ENTRY *e;

    ke_check_irql_max(DISPATCH_LEVEL, ddi);
    res_check(r, ddi);
    res_lock(r);
    if (r->Flag & ResourceOwnedExclusive) {
        if (r->OwnerEntry.OwnerThread != t) {
            ERESOURCE_THREAD owner = r->OwnerEntry.OwnerThread;
            res_unlock(r);
            krnl_bugcheck(RESOURCE_NOT_OWNED, (ULONG_PTR)r, t, (ULONG_PTR)r->OwnerTable, 0, NULL,
                          "%s on resource %p owned exclusively by %p",
                          ddi, (void *)r, (void *)owner);
        }
        if (--r->OwnerEntry.OwnerCount == 0) {
            r->Flag &= (USHORT)~ResourceOwnedExclusive;
            r->OwnerEntry.OwnerThread = 0;
            r->ActiveCount = 0;
            res_grant(r, TRUE, &w);
        }
    } else {
        e = res_find_shared(r, t);
        if (!e) {
            res_unlock(r);
            krnl_bugcheck(RESOURCE_NOT_OWNED, (ULONG_PTR)r, t, (ULONG_PTR)r->OwnerTable, 0, NULL,
                          "%s on resource %p not owned by this thread",
                          ddi, (void *)r);
        }
        if (--e->OwnerCount == 0) {
            e->OwnerThread = 0;
            r->ActiveEntries--;
            if (--r->ActiveCount == 0)
                res_grant(r, FALSE, &w);
        }
    }
    res_unlock(r);
    res_wake(r, &w);
}

NTKERNELAPI void FASTCALL ExReleaseResourceLite(PERESOURCE Resource)
{
    res_release(Resource, res_self(), "ExReleaseResourceLite");
}

NTKERNELAPI void NTAPI ExReleaseResourceForThreadLite(PERESOURCE Resource,
                                                      ERESOURCE_THREAD ResourceThreadId)
{
    res_release(Resource, ResourceThreadId, "ExReleaseResourceForThreadLite");
}

NTKERNELAPI void NTAPI ExConvertExclusiveToSharedLite(PERESOURCE Resource)
{
    ERESOURCE_THREAD self = res_self();
    struct res_wake w = { 0, FALSE };
    ULONG count;

    ke_check_irql_max(APC_LEVEL, "ExConvertExclusiveToSharedLite");
    res_check(Resource, "ExConvertExclusiveToSharedLite");
    res_lock(Resource);
    if (!(Resource->Flag & ResourceOwnedExclusive) || Resource->OwnerEntry.OwnerThread != self) {
        res_unlock(Resource);
        krnl_bugcheck(RESOURCE_NOT_OWNED, (ULONG_PTR)Resource, self, 0, 0, NULL,
                      "ExConvertExclusiveToSharedLite on resource %p not "
                      "owned exclusively by this thread", (void *)Resource);
    }
    count = Resource->OwnerEntry.OwnerCount;
    Resource->Flag &= (USHORT)~ResourceOwnedExclusive;
    Resource->OwnerEntry.OwnerThread = 0;
    Resource->OwnerEntry.OwnerCount = 0;
    res_add_shared(Resource, self);
    res_find_shared(Resource, self)->OwnerCount = count;
    Resource->ActiveCount = 1;
    if (Resource->NumberOfSharedWaiters) {
        w.shared = (LONG)Resource->NumberOfSharedWaiters;
        Resource->ActiveCount = (SHORT)(Resource->ActiveCount + w.shared);
        Resource->NumberOfSharedWaiters = 0;
    }
    res_unlock(Resource);
    res_wake(Resource, &w);
}

NTKERNELAPI BOOLEAN NTAPI ExIsResourceAcquiredExclusiveLite(PERESOURCE Resource)
{
    ERESOURCE_THREAD self = res_self();
    BOOLEAN r;

    res_lock(Resource);
    r = (Resource->Flag & ResourceOwnedExclusive) && Resource->OwnerEntry.OwnerThread == self;
    res_unlock(Resource);
    return r;
}

NTKERNELAPI ULONG NTAPI ExIsResourceAcquiredSharedLite(PERESOURCE Resource)
{
    ERESOURCE_THREAD self = res_self();
    ULONG n = 0;
    OWNER_ENTRY *e;

    res_lock(Resource);
    if (Resource->Flag & ResourceOwnedExclusive) {
        if (Resource->OwnerEntry.OwnerThread == self)
            n = Resource->OwnerEntry.OwnerCount;
    } else if (Resource->SharedWaiters && (e = res_find_shared(Resource, self)) != NULL) {
        n = e->OwnerCount;
    }
    res_unlock(Resource);
    return n;
}

NTKERNELAPI ULONG NTAPI ExGetExclusiveWaiterCount(PERESOURCE Resource)
{
    return __atomic_load_n(&Resource->NumberOfExclusiveWaiters, __ATOMIC_RELAXED);
}

NTKERNELAPI ULONG NTAPI ExGetSharedWaiterCount(PERESOURCE Resource)
{
    return __atomic_load_n(&Resource->NumberOfSharedWaiters, __ATOMIC_RELAXED);
}

NTKERNELAPI ERESOURCE_THREAD NTAPI ExGetCurrentResourceThread(void)
{
    return res_self();
}

NTKERNELAPI PVOID NTAPI ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE Resource)
{
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(Resource, TRUE);
    return (PVOID)res_self();
}

NTKERNELAPI PVOID NTAPI ExEnterCriticalRegionAndAcquireResourceShared(PERESOURCE Resource)
{
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(Resource, TRUE);
    return (PVOID)res_self();
}

NTKERNELAPI void FASTCALL ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE Resource)
{
    ExReleaseResourceLite(Resource);
    KeLeaveCriticalRegion();
}
