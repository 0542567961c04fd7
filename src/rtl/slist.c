/*
 * slist.c - interlocked singly linked lists (SLIST_HEADER).
 *
 * The 16-byte header changes only through one cmpxchg16b: the low quad
 * holds Depth (16 bits) and a Sequence (48 bits) bumped by every push, pop
 * and flush, the high quad the first entry. The sequence defeats ABA: a
 * pop that read "first = A, next = B" cannot succeed after A was popped
 * and pushed again, because the sequence moved. As on Windows, a popper
 * may read first->Next of an entry another thread just popped (and maybe
 * freed); entries should stay mapped while a list is in use (lookaside
 * lists recycle them, never unmap them).
 *
 * The high quad stores the entry's full address; with entries 16-byte
 * aligned (MEMORY_ALLOCATION_ALIGNMENT) that is exactly the Windows x64
 * encoding (NextEntry = address >> 4 in bits 4..63, Reserved = 0).
 */
#include <wdm.h>
#include "rtl/rtl.h"

#define SL_DEPTH_MASK 0xFFFFULL
#define SL_SEQ_ONE    0x10000ULL

static inline void sl_read(PSLIST_HEADER h, LONG64 cur[2])
{
    cur[0] = (LONG64)__atomic_load_n(&h->Alignment, __ATOMIC_ACQUIRE);
    cur[1] = (LONG64)__atomic_load_n(&h->Region, __ATOMIC_ACQUIRE);
}

PSLIST_ENTRY NTAPI InterlockedPushEntrySList(PSLIST_HEADER ListHead, PSLIST_ENTRY ListEntry)
{
    LONG64 cur[2];

    sl_read(ListHead, cur);
    for (;;) {
        ULONG64 lo = (ULONG64)cur[0];
        ULONG64 nlo = ((lo & ~SL_DEPTH_MASK) + SL_SEQ_ONE) | (((lo & SL_DEPTH_MASK) + 1) & SL_DEPTH_MASK);

        ListEntry->Next = (PSLIST_ENTRY)(ULONG_PTR)cur[1];
        if (InterlockedCompareExchange128((LONG64 volatile *)ListHead, (LONG64)(ULONG_PTR)ListEntry,
                                          (LONG64)nlo, cur))
            return (PSLIST_ENTRY)(ULONG_PTR)cur[1];
    }
}

PSLIST_ENTRY NTAPI InterlockedPushListSListEx(PSLIST_HEADER ListHead, PSLIST_ENTRY List,
                                             PSLIST_ENTRY ListEnd, ULONG Count)
{
    LONG64 cur[2];

    sl_read(ListHead, cur);
    for (;;) {
        ULONG64 lo = (ULONG64)cur[0];
        ULONG64 nlo = ((lo & ~SL_DEPTH_MASK) + SL_SEQ_ONE) |
                      (((lo & SL_DEPTH_MASK) + Count) & SL_DEPTH_MASK);

        ListEnd->Next = (PSLIST_ENTRY)(ULONG_PTR)cur[1];
        if (InterlockedCompareExchange128((LONG64 volatile *)ListHead, (LONG64)(ULONG_PTR)List,
                                          (LONG64)nlo, cur))
            return (PSLIST_ENTRY)(ULONG_PTR)cur[1];
    }
}

PSLIST_ENTRY NTAPI InterlockedPopEntrySList(PSLIST_HEADER ListHead)
{
    LONG64 cur[2];

    sl_read(ListHead, cur);
    for (;;) {
        PSLIST_ENTRY first = (PSLIST_ENTRY)(ULONG_PTR)cur[1];
        ULONG64 lo = (ULONG64)cur[0], nlo;
        PSLIST_ENTRY next;

        if (!first)
            return NULL;
        next = __atomic_load_n(&first->Next, __ATOMIC_RELAXED);
        nlo = ((lo & ~SL_DEPTH_MASK) + SL_SEQ_ONE) | (((lo & SL_DEPTH_MASK) - 1) & SL_DEPTH_MASK);
        if (InterlockedCompareExchange128((LONG64 volatile *)ListHead, (LONG64)(ULONG_PTR)next,
                                          (LONG64)nlo, cur))
            return first;
    }
}

PSLIST_ENTRY NTAPI InterlockedFlushSList(PSLIST_HEADER ListHead)
{
    LONG64 cur[2];

    sl_read(ListHead, cur);
    for (;;) {
        ULONG64 nlo = ((ULONG64)cur[0] & ~SL_DEPTH_MASK) + SL_SEQ_ONE;

        if (!cur[1])
            return NULL;
        if (InterlockedCompareExchange128((LONG64 volatile *)ListHead, 0, (LONG64)nlo, cur))
            return (PSLIST_ENTRY)(ULONG_PTR)cur[1];
    }
}

USHORT NTAPI QueryDepthSList(PSLIST_HEADER ListHead)
{
    return (USHORT)(__atomic_load_n(&ListHead->Alignment, __ATOMIC_ACQUIRE) & SL_DEPTH_MASK);
}

PSLIST_ENTRY NTAPI RtlFirstEntrySList(const SLIST_HEADER *ListHead)
{
    return (PSLIST_ENTRY)(ULONG_PTR)__atomic_load_n(&ListHead->Region, __ATOMIC_ACQUIRE);
}
