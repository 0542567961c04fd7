/*
 * pool.c - where the allocating Rtl DDIs get memory.
 *
 * RtlCreateUnicodeString and friends allocate from the pool on Windows and
 * the caller frees with RtlFreeUnicodeString (or, for some, ExFreePool), so
 * both sides must agree on one allocator. The pool belongs to the krnl
 * layer; the references below are weak so that the run-time library also
 * links (and its tests run) in a build where the pool is absent, falling
 * back to malloc/free consistently for both allocation and release.
 */
#include <wdm.h>
#include "rtl/rtl.h"

#include <stdlib.h>

#ifndef POOL_FLAG_NON_PAGED
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_PAGED 0x0000000000000100ULL
NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI VOID NTAPI ExFreePool(PVOID P);
#endif
#pragma weak ExAllocatePool2
#pragma weak ExFreePool

void *rtl_pool_alloc(size_t size, ULONG tag)
{
    if (ExAllocatePool2 && ExFreePool)
        return ExAllocatePool2(POOL_FLAG_PAGED, size, tag);
    return malloc(size ? size : 1);
}

void rtl_pool_free(void *p)
{
    if (!p)
        return;
    if (ExAllocatePool2 && ExFreePool)
        ExFreePool(p);
    else
        free(p);
}
