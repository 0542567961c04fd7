/*
 * pool.c - where the allocating Rtl DDIs get memory.
 *
 * RtlCreateUnicodeString and friends allocate from the pool on Windows and
 * the caller frees with RtlFreeUnicodeString (or, for some, ExFreePool), so
 * both sides use the executive pool (krnl layer): paged pool, tag "Strg",
 * which also puts these buffers under the pool's tag accounting and leak
 * reports.
 */
#include <wdm.h>
#include "rtl/rtl.h"

void *rtl_pool_alloc(size_t size, ULONG tag)
{
    return ExAllocatePool2(POOL_FLAG_PAGED, size ? size : 1, tag);
}

void rtl_pool_free(void *p)
{
    if (p)
        ExFreePool(p);
}
