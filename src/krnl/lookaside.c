/*
 * lookaside.c - lookaside lists: per-list caches of fixed-size entries
 * (NPAGED_LOOKASIDE_LIST, PAGED_LOOKASIDE_LIST, LOOKASIDE_LIST_EX).
 *
 * All three share the GENERAL_LOOKASIDE fields, so one implementation
 * serves them through the common layout. Cached entries form a LIFO chain
 * through their first pointer; the chain lives in ListHead: the low
 * qword holds the number of entries in its low 16 bits (where
 * ExQueryDepthSList looks) and a lock bit in bit 63, the high qword the
 * first entry. The lock is held for a handful of instructions and never
 * while calling out, so it is a spin lock that never sleeps; Allocate and
 * Free routines run unlocked.
 *
 * Depth: the list never caches more than Depth entries; a free beyond
 * that goes to the Free routine (counted in FreeMisses). A Depth of 0 at
 * initialization means EX_MAXIMUM_LOOKASIDE_DEPTH_BASE. (Windows tunes
 * Depth over time between 4 and MaximumDepth; here it stays fixed.)
 *
 * Entries allocated by the default routine are charged to the module
 * that called ExAllocateFrom...LookasideList..., like any pool block.
 * Future[0] holds the LOOKASIDE_LIST_EX flags.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"
#include "ke/ke.h"

#include <stdint.h>
#include <string.h>

#define LK_LOCK  (1ull << 63)
#define LK_COUNT 0xFFFFull

static inline void lk_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline ULONGLONG lk_lock(PGENERAL_LOOKASIDE_POOL L)
{
    ULONGLONG v;
    for (;;) {
        v = __atomic_fetch_or(&L->ListHead.Alignment, LK_LOCK, __ATOMIC_ACQUIRE);
        if (!(v & LK_LOCK))
            return v;
        while (__atomic_load_n(&L->ListHead.Alignment, __ATOMIC_RELAXED) & LK_LOCK)
            lk_relax();
    }
}

static inline void lk_unlock(PGENERAL_LOOKASIDE_POOL L, ULONGLONG v)
{
    __atomic_store_n(&L->ListHead.Alignment, v & ~LK_LOCK, __ATOMIC_RELEASE);
}

static void *lk_pop(PGENERAL_LOOKASIDE_POOL L)
{
    ULONGLONG v;
    void **top;

    /* Unlocked peek: an empty list is the common miss, skip the lock. */
    if (!(__atomic_load_n(&L->ListHead.Alignment, __ATOMIC_RELAXED) & LK_COUNT))
        return NULL;
    v = lk_lock(L);
    top = (void **)(uintptr_t)L->ListHead.Region;
    if (!top) {
        lk_unlock(L, v);
        return NULL;
    }
    L->ListHead.Region = (ULONGLONG)(uintptr_t)*top;
    lk_unlock(L, v - 1);
    return top;
}

static int lk_push(PGENERAL_LOOKASIDE_POOL L, void *entry)
{
    ULONGLONG v = lk_lock(L);
    if ((v & LK_COUNT) >= L->Depth) {
        lk_unlock(L, v);
        return 0;
    }
    *(void **)entry = (void *)(uintptr_t)L->ListHead.Region;
    L->ListHead.Region = (ULONGLONG)(uintptr_t)entry;
    lk_unlock(L, v + 1);
    return 1;
}

/* The default routines. The lookaside DDIs recognize them and allocate
 * on behalf of their own caller instead. */
static PVOID NTAPI lk_default_allocate(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
}

static VOID NTAPI lk_default_free(PVOID Buffer)
{
    ExFreePool(Buffer);
}

static PVOID NTAPI lk_default_allocate_ex(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
                                          PLOOKASIDE_LIST_EX Lookaside)
{
    (void)Lookaside;
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
}

static VOID NTAPI lk_default_free_ex(PVOID Buffer, PLOOKASIDE_LIST_EX Lookaside)
{
    (void)Lookaside;
    ExFreePool(Buffer);
}

static void lk_init(PGENERAL_LOOKASIDE_POOL L, POOL_TYPE type, SIZE_T size, ULONG tag,
                    USHORT depth)
{
    memset(L, 0, sizeof(*L));
    if (size < LOOKASIDE_MINIMUM_BLOCK_SIZE)
        size = LOOKASIDE_MINIMUM_BLOCK_SIZE;
    L->Type = type;
    L->Size = (ULONG)size;
    L->Tag = tag;
    L->Depth = depth ? depth : EX_MAXIMUM_LOOKASIDE_DEPTH_BASE;
    L->MaximumDepth = L->Depth;
    InitializeListHead(&L->ListEntry);
}

static void *lk_default_pool(PGENERAL_LOOKASIDE_POOL L, const void *caller)
{
    POOL_FLAGS f = POOL_FLAG_UNINITIALIZED |
                   (((ULONG)L->Type & 1) ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED);
    if (((ULONG)L->Type & POOL_RAISE_IF_ALLOCATION_FAILURE) ||
        (L->Future[0] & EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL))
        f |= POOL_FLAG_RAISE_ON_FAILURE;
    return krnl_pool_alloc_caller(f, L->Size, L->Tag ? L->Tag : 'enoN', caller);
}

static void *lk_allocate(PGENERAL_LOOKASIDE_POOL L, int ex, const void *caller)
{
    void *e;

    __atomic_add_fetch(&L->TotalAllocates, 1, __ATOMIC_RELAXED);
    e = lk_pop(L);
    if (e)
        return e;
    __atomic_add_fetch(&L->AllocateMisses, 1, __ATOMIC_RELAXED);
    if (ex) {
        if (L->AllocateEx == lk_default_allocate_ex)
            return lk_default_pool(L, caller);
        return L->AllocateEx(L->Type, L->Size, L->Tag, (PLOOKASIDE_LIST_EX)L);
    }
    if (L->Allocate == lk_default_allocate)
        return lk_default_pool(L, caller);
    return L->Allocate(L->Type, L->Size, L->Tag);
}

static void lk_release(PGENERAL_LOOKASIDE_POOL L, int ex, void *e)
{
    if (ex)
        L->FreeEx(e, (PLOOKASIDE_LIST_EX)L);
    else
        L->Free(e);
}

static void lk_free(PGENERAL_LOOKASIDE_POOL L, int ex, void *e)
{
    __atomic_add_fetch(&L->TotalFrees, 1, __ATOMIC_RELAXED);
    if (lk_push(L, e))
        return;
    __atomic_add_fetch(&L->FreeMisses, 1, __ATOMIC_RELAXED);
    lk_release(L, ex, e);
}

static void lk_flush(PGENERAL_LOOKASIDE_POOL L, int ex)
{
    void *e;
    while ((e = lk_pop(L)) != NULL)
        lk_release(L, ex, e);
}

#define LK(list) ((PGENERAL_LOOKASIDE_POOL)(void *)&(list)->L)
#define CALLER __builtin_return_address(0)

/* ---- NPAGED_LOOKASIDE_LIST ---------------------------------------- */

NTKERNELAPI VOID NTAPI ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside,
        PALLOCATE_FUNCTION Allocate, PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size,
        ULONG Tag, USHORT Depth)
{
    PGENERAL_LOOKASIDE_POOL L = LK(Lookaside);
    lk_init(L, (POOL_TYPE)(NonPagedPool | (Flags & (POOL_NX_ALLOCATION | POOL_RAISE_IF_ALLOCATION_FAILURE))),
            Size, Tag, Depth);
    L->Allocate = Allocate ? Allocate : lk_default_allocate;
    L->Free = Free ? Free : lk_default_free;
}

NTKERNELAPI VOID NTAPI ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    lk_flush(LK(Lookaside), 0);
}

NTKERNELAPI PVOID NTAPI ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ExAllocateFromNPagedLookasideList");
    return lk_allocate(LK(Lookaside), 0, CALLER);
}

NTKERNELAPI VOID NTAPI ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    ke_check_irql_max(DISPATCH_LEVEL, "ExFreeToNPagedLookasideList");
    lk_free(LK(Lookaside), 0, Entry);
}

/* ---- PAGED_LOOKASIDE_LIST ----------------------------------------- */

NTKERNELAPI VOID NTAPI ExInitializePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside,
        PALLOCATE_FUNCTION Allocate, PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size,
        ULONG Tag, USHORT Depth)
{
    PGENERAL_LOOKASIDE_POOL L = LK(Lookaside);
    lk_init(L, (POOL_TYPE)(PagedPool | (Flags & POOL_RAISE_IF_ALLOCATION_FAILURE)), Size, Tag, Depth);
    L->Allocate = Allocate ? Allocate : lk_default_allocate;
    L->Free = Free ? Free : lk_default_free;
}

NTKERNELAPI VOID NTAPI ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
    lk_flush(LK(Lookaside), 0);
}

NTKERNELAPI PVOID NTAPI ExAllocateFromPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
    ke_check_irql_max(APC_LEVEL, "ExAllocateFromPagedLookasideList");
    return lk_allocate(LK(Lookaside), 0, CALLER);
}

NTKERNELAPI VOID NTAPI ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    ke_check_irql_max(APC_LEVEL, "ExFreeToPagedLookasideList");
    lk_free(LK(Lookaside), 0, Entry);
}

/* ---- LOOKASIDE_LIST_EX -------------------------------------------- */

NTKERNELAPI NTSTATUS NTAPI ExInitializeLookasideListEx(PLOOKASIDE_LIST_EX Lookaside,
        PALLOCATE_FUNCTION_EX Allocate, PFREE_FUNCTION_EX Free, POOL_TYPE PoolType,
        ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth)
{
    PGENERAL_LOOKASIDE_POOL L;
    const ULONG known = EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL |
                        EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE;

    if (!Lookaside)
        return STATUS_INVALID_PARAMETER_1;
    if ((Flags & ~known) || (Flags & known) == known)
        return STATUS_INVALID_PARAMETER_5;
    if (Size > MAXULONG)
        return STATUS_INVALID_PARAMETER_6;
    L = LK(Lookaside);
    lk_init(L, PoolType, Size, Tag, Depth);
    L->AllocateEx = Allocate ? Allocate : lk_default_allocate_ex;
    L->FreeEx = Free ? Free : lk_default_free_ex;
    L->Future[0] = Flags;
    return STATUS_SUCCESS;
}

NTKERNELAPI VOID NTAPI ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    lk_flush(LK(Lookaside), 1);
}

NTKERNELAPI PVOID NTAPI ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    ke_check_irql_max(((ULONG)Lookaside->L.Type & 1) ? APC_LEVEL : DISPATCH_LEVEL,
                      "ExAllocateFromLookasideListEx");
    return lk_allocate(LK(Lookaside), 1, CALLER);
}

NTKERNELAPI VOID NTAPI ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry)
{
    ke_check_irql_max(((ULONG)Lookaside->L.Type & 1) ? APC_LEVEL : DISPATCH_LEVEL,
                      "ExFreeToLookasideListEx");
    lk_free(LK(Lookaside), 1, Entry);
}

NTKERNELAPI VOID NTAPI ExFlushLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    lk_flush(LK(Lookaside), 1);
}
