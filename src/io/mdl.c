/*
 * io/mdl.c - memory descriptor lists.
 *
 * OpenDDK runs in one address space with no physical memory of its own,
 * so an MDL here describes virtual memory only: the "page frame number"
 * of a page is its virtual page number (address >> PAGE_SHIFT), locking
 * pages pins nothing (the memory cannot move or be paged out), and the
 * system address of a locked MDL is the described address itself.
 * MmProbeAndLockPages on behalf of a UserMode caller still checks the
 * range against the caller buffers registered for the current request
 * (buffers.c) and raises STATUS_ACCESS_VIOLATION, as Windows does for a
 * bad user address.
 *
 * An MDL's Size is a CSHORT, which limits one MDL to
 * IO_MDL_MAX_PAGES pages (about 16 MB); IoAllocateMdl returns NULL beyond.
 */
#include "io/iop.h"

#include <stdlib.h>
#include <string.h>

#define IO_MDL_MAX_PAGES ((0x7fff - sizeof(MDL)) / sizeof(PFN_NUMBER))

NTKERNELAPI SIZE_T NTAPI MmSizeOfMdl(PVOID Base, SIZE_T Length)
{
    return sizeof(MDL) + sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES(Base, Length);
}

NTKERNELAPI PMDL NTAPI IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
                                     BOOLEAN ChargeQuota, PIRP Irp)
{
    UNREFERENCED_PARAMETER(ChargeQuota);
    if (!Length || ADDRESS_AND_SIZE_TO_SPAN_PAGES(VirtualAddress, Length) > IO_MDL_MAX_PAGES)
        return NULL;
    SIZE_T size = MmSizeOfMdl(VirtualAddress, Length);
    PMDL mdl = io_pool_alloc(size, IO_TAG_MDL);
    if (!mdl)
        return NULL;
    MmInitializeMdl(mdl, VirtualAddress, Length);
    if (Irp) {
        if (!SecondaryBuffer || !Irp->MdlAddress) {
            Irp->MdlAddress = mdl;
        } else {
            PMDL tail = Irp->MdlAddress;
            while (tail->Next)
                tail = tail->Next;
            tail->Next = mdl;
        }
    }
    return mdl;
}

NTKERNELAPI void NTAPI IoFreeMdl(PMDL Mdl)
{
    if (!Mdl)
        return;
    io_pool_free(Mdl, IO_TAG_MDL);
}

NTKERNELAPI PMDL NTAPI MmCreateMdl(PMDL MemoryDescriptorList, PVOID Base, SIZE_T Length)
{
    PMDL mdl = MemoryDescriptorList;
    if (!mdl) {
        mdl = io_pool_alloc(MmSizeOfMdl(Base, Length), IO_TAG_MDL);
        if (!mdl)
            return NULL;
    }
    MmInitializeMdl(mdl, Base, Length);
    return mdl;
}

static void io_mdl_fill_pfns(PMDL mdl)
{
    PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
    SIZE_T pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl), mdl->ByteCount);
    PFN_NUMBER first = (ULONG_PTR)mdl->StartVa >> PAGE_SHIFT;
    for (SIZE_T i = 0; i < pages; i++)
        pfn[i] = first + i;
}

NTKERNELAPI void NTAPI MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
                                           LOCK_OPERATION Operation)
{
    PMDL mdl = MemoryDescriptorList;
    ke_check_irql_max(DISPATCH_LEVEL, "MmProbeAndLockPages");
    if (AccessMode == UserMode) {
        NTSTATUS st = io_probe(MmGetMdlVirtualAddress(mdl), mdl->ByteCount, 1,
                               Operation != IoReadAccess);
        if (!NT_SUCCESS(st))
            io_raise(st, MmGetMdlVirtualAddress(mdl));
    }
    io_mdl_fill_pfns(mdl);
    mdl->MdlFlags |= MDL_PAGES_LOCKED;
    if (Operation != IoReadAccess)
        mdl->MdlFlags |= MDL_WRITE_OPERATION;
    mdl->Process = NULL;
}

NTKERNELAPI void NTAPI MmUnlockPages(PMDL MemoryDescriptorList)
{
    PMDL mdl = MemoryDescriptorList;
    if (!(mdl->MdlFlags & MDL_PAGES_LOCKED) && !(mdl->MdlFlags & MDL_PARTIAL))
        krnl_log(KRNL_LOG_WARN, "MmUnlockPages: MDL %p was not locked", (void *)mdl);
    mdl->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA | MDL_WRITE_OPERATION);
    mdl->MappedSystemVa = NULL;
}

NTKERNELAPI void NTAPI MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList)
{
    PMDL mdl = MemoryDescriptorList;
    io_mdl_fill_pfns(mdl);
    mdl->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
    mdl->MappedSystemVa = MmGetMdlVirtualAddress(mdl);
}

NTKERNELAPI PVOID NTAPI MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
                                                     KPROCESSOR_MODE AccessMode,
                                                     MEMORY_CACHING_TYPE CacheType,
                                                     PVOID RequestedAddress,
                                                     ULONG BugCheckOnFailure, ULONG Priority)
{
    PMDL mdl = MemoryDescriptorList;
    UNREFERENCED_PARAMETER(CacheType);
    UNREFERENCED_PARAMETER(RequestedAddress);
    UNREFERENCED_PARAMETER(BugCheckOnFailure);
    UNREFERENCED_PARAMETER(Priority);
    PVOID va = MmGetMdlVirtualAddress(mdl);
    if (AccessMode == KernelMode) {
        mdl->MappedSystemVa = va;
        mdl->MdlFlags |= (mdl->MdlFlags & MDL_PARTIAL) ? MDL_PARTIAL_HAS_BEEN_MAPPED
                                                       : MDL_MAPPED_TO_SYSTEM_VA;
    }
    return va;
}

NTKERNELAPI PVOID NTAPI MmMapLockedPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode)
{
    return MmMapLockedPagesSpecifyCache(MemoryDescriptorList, AccessMode, MmCached, NULL, TRUE,
                                        NormalPagePriority);
}

NTKERNELAPI void NTAPI MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList)
{
    PMDL mdl = MemoryDescriptorList;
    if (BaseAddress == mdl->MappedSystemVa) {
        mdl->MappedSystemVa = NULL;
        mdl->MdlFlags &= ~(MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED);
    }
}

NTKERNELAPI void NTAPI MmPrepareMdlForReuse(PMDL Mdl)
{
    if (Mdl->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED)
        MmUnmapLockedPages(Mdl->MappedSystemVa, Mdl);
    Mdl->MdlFlags &= ~(MDL_PARTIAL_HAS_BEEN_MAPPED | MDL_MAPPED_TO_SYSTEM_VA);
    Mdl->MappedSystemVa = NULL;
}

NTKERNELAPI void NTAPI IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress,
                                         ULONG Length)
{
    PUCHAR src_va = MmGetMdlVirtualAddress(SourceMdl);
    PUCHAR va = VirtualAddress;
    if (va < src_va || va > src_va + SourceMdl->ByteCount) {
        krnl_log(KRNL_LOG_ERROR, "IoBuildPartialMdl: %p is outside the source MDL %p",
                 VirtualAddress, (void *)SourceMdl);
        return;
    }
    ULONG offset = (ULONG)(va - src_va);
    if (Length == 0)
        Length = SourceMdl->ByteCount - offset;
    if ((ULONG64)offset + Length > SourceMdl->ByteCount) {
        krnl_log(KRNL_LOG_ERROR, "IoBuildPartialMdl: range [%p, +%u) exceeds the source MDL %p",
                 VirtualAddress, Length, (void *)SourceMdl);
        return;
    }
    SIZE_T pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, Length);
    if ((SIZE_T)TargetMdl->Size < sizeof(MDL) + pages * sizeof(PFN_NUMBER)) {
        krnl_log(KRNL_LOG_ERROR, "IoBuildPartialMdl: target MDL %p is too small",
                 (void *)TargetMdl);
        return;
    }
    TargetMdl->StartVa = PAGE_ALIGN(va);
    TargetMdl->ByteOffset = BYTE_OFFSET(va);
    TargetMdl->ByteCount = Length;
    TargetMdl->Process = SourceMdl->Process;
    TargetMdl->MdlFlags = (CSHORT)(MDL_PARTIAL | (TargetMdl->MdlFlags & MDL_ALLOCATED_FIXED_SIZE) |
        (SourceMdl->MdlFlags & (MDL_SOURCE_IS_NONPAGED_POOL | MDL_IO_SPACE | MDL_WRITE_OPERATION)));
    TargetMdl->MappedSystemVa = (SourceMdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL) ? va : NULL;
    SIZE_T first = ((ULONG_PTR)PAGE_ALIGN(va) - (ULONG_PTR)SourceMdl->StartVa) >> PAGE_SHIFT;
    memcpy(MmGetMdlPfnArray(TargetMdl), MmGetMdlPfnArray(SourceMdl) + first,
           pages * sizeof(PFN_NUMBER));
}

/* ------------------------------------------------------------------ */
/* Pages for MDLs                                                        */
/* ------------------------------------------------------------------ */

/* MdlFlags bit marking pages MmAllocatePagesForMdl allocated, so that
 * MmFreePagesFromMdl frees only those (MDL_INTERNAL is the system's own). */
#define IO_MDL_OWNS_PAGES MDL_INTERNAL

NTKERNELAPI PMDL NTAPI MmAllocatePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
                                               PHYSICAL_ADDRESS HighAddress,
                                               PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes,
                                               MEMORY_CACHING_TYPE CacheType, ULONG Flags)
{
    UNREFERENCED_PARAMETER(LowAddress);
    UNREFERENCED_PARAMETER(HighAddress);
    UNREFERENCED_PARAMETER(SkipBytes);
    UNREFERENCED_PARAMETER(CacheType);
    SIZE_T bytes = ROUND_TO_PAGES(TotalBytes);
    if (!TotalBytes || TotalBytes > MAXULONG || bytes / PAGE_SIZE > IO_MDL_MAX_PAGES)
        return NULL;
    void *pages = aligned_alloc(PAGE_SIZE, bytes);
    if (!pages)
        return NULL;
    if (!(Flags & MM_DONT_ZERO_ALLOCATION))
        memset(pages, 0, bytes);
    PMDL mdl = io_pool_alloc(MmSizeOfMdl(pages, TotalBytes), IO_TAG_MDL);
    if (!mdl) {
        free(pages);
        return NULL;
    }
    MmInitializeMdl(mdl, pages, TotalBytes);
    io_mdl_fill_pfns(mdl);
    mdl->MdlFlags |= MDL_PAGES_LOCKED | IO_MDL_OWNS_PAGES;
    return mdl;
}

NTKERNELAPI PMDL NTAPI MmAllocatePagesForMdl(PHYSICAL_ADDRESS LowAddress,
                                             PHYSICAL_ADDRESS HighAddress,
                                             PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes)
{
    return MmAllocatePagesForMdlEx(LowAddress, HighAddress, SkipBytes, TotalBytes, MmCached, 0);
}

NTKERNELAPI void NTAPI MmFreePagesFromMdl(PMDL MemoryDescriptorList)
{
    PMDL mdl = MemoryDescriptorList;
    if (!(mdl->MdlFlags & IO_MDL_OWNS_PAGES)) {
        krnl_log(KRNL_LOG_ERROR, "MmFreePagesFromMdl: MDL %p does not describe pages from "
                 "MmAllocatePagesForMdl", (void *)mdl);
        return;
    }
    free(mdl->StartVa);
    mdl->MdlFlags &= ~(IO_MDL_OWNS_PAGES | MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA);
    mdl->MappedSystemVa = NULL;
    mdl->ByteCount = 0;
}
