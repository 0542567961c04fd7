/*
 * test_mdl.c - MDLs and probing outside a request: layout of a built MDL,
 * "PFNs" (virtual page numbers here), locking and mapping, partial MDLs,
 * nonpaged-pool MDLs, IRP MDL chains, and ProbeForRead/ProbeForWrite /
 * MmProbeAndLockPages(UserMode) raising for ranges no request handed out.
 */
#include "io_test.h"
#include "io/iop.h"

static UCHAR buf[5 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void test_allocate_and_lock(void **state)
{
    (void)state;
    PUCHAR va = buf + 100;
    ULONG len = 2 * PAGE_SIZE;          /* spans 3 pages from offset 100 */
    PMDL mdl = IoAllocateMdl(va, len, FALSE, FALSE, NULL);
    assert_non_null(mdl);
    assert_int_equal(mdl->Size, sizeof(MDL) + 3 * sizeof(PFN_NUMBER));
    assert_int_equal(MmSizeOfMdl(va, len), sizeof(MDL) + 3 * sizeof(PFN_NUMBER));
    assert_ptr_equal(mdl->StartVa, buf);
    assert_int_equal(MmGetMdlByteOffset(mdl), 100);
    assert_int_equal(MmGetMdlByteCount(mdl), len);
    assert_ptr_equal(MmGetMdlVirtualAddress(mdl), va);
    assert_null(mdl->Next);

    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
    assert_true(mdl->MdlFlags & MDL_PAGES_LOCKED);
    assert_true(mdl->MdlFlags & MDL_WRITE_OPERATION);
    PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pfn[i], ((ULONG_PTR)buf >> PAGE_SHIFT) + i);

    PUCHAR sys = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
    assert_ptr_equal(sys, va);
    assert_true(mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority), va);

    /* a partial MDL for the second page onwards */
    PMDL part = IoAllocateMdl(buf + PAGE_SIZE + 8, 100, FALSE, FALSE, NULL);
    IoBuildPartialMdl(mdl, part, buf + PAGE_SIZE + 8, 100);
    assert_true(part->MdlFlags & MDL_PARTIAL);
    assert_int_equal(MmGetMdlByteOffset(part), 8);
    assert_int_equal(MmGetMdlByteCount(part), 100);
    assert_int_equal(MmGetMdlPfnArray(part)[0], pfn[1]);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(part, NormalPagePriority), buf + PAGE_SIZE + 8);
    MmPrepareMdlForReuse(part);
    assert_false(part->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED);
    IoFreeMdl(part);

    MmUnmapLockedPages(sys, mdl);
    assert_false(mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
    MmUnlockPages(mdl);
    assert_false(mdl->MdlFlags & MDL_PAGES_LOCKED);
    IoFreeMdl(mdl);
}

static void test_nonpaged_and_init(void **state)
{
    (void)state;
    union { MDL mdl; UCHAR raw[sizeof(MDL) + 4 * sizeof(PFN_NUMBER)]; } u;
    MmInitializeMdl(&u.mdl, buf + 10, PAGE_SIZE);
    assert_int_equal(u.mdl.Size, sizeof(MDL) + 2 * sizeof(PFN_NUMBER));
    MmBuildMdlForNonPagedPool(&u.mdl);
    assert_true(u.mdl.MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
    assert_ptr_equal(u.mdl.MappedSystemVa, buf + 10);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(&u.mdl, NormalPagePriority), buf + 10);
    assert_int_equal(MmGetMdlPfnArray(&u.mdl)[1], ((ULONG_PTR)buf >> PAGE_SHIFT) + 1);
}

static void test_irp_mdl_chain(void **state)
{
    (void)state;
    PIRP irp = IoAllocateIrp(1, FALSE);
    PMDL a = IoAllocateMdl(buf, 10, FALSE, FALSE, irp);
    PMDL b = IoAllocateMdl(buf + 20, 10, TRUE, FALSE, irp);
    PMDL c = IoAllocateMdl(buf + 40, 10, TRUE, FALSE, irp);
    assert_ptr_equal(irp->MdlAddress, a);
    assert_ptr_equal(a->Next, b);
    assert_ptr_equal(b->Next, c);
    /* sizes an MDL cannot describe, and zero */
    assert_null(IoAllocateMdl(buf, 0, FALSE, FALSE, NULL));
    assert_null(IoAllocateMdl(buf, 0x7fffffff, FALSE, FALSE, NULL));
    io_irp_release_buffers(irp);
    assert_null(irp->MdlAddress);
    IoFreeIrp(irp);
}

static void test_probe_outside_request(void **state)
{
    (void)state;
    volatile NTSTATUS st = STATUS_SUCCESS;

    ProbeForRead(buf, 0, 4);            /* length 0: always fine */
    __try {
        ProbeForRead(buf, 16, 1);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        st = GetExceptionCode();
    }
    assert_int_equal(st, STATUS_ACCESS_VIOLATION);

    st = STATUS_SUCCESS;
    __try {
        ProbeForWrite(buf + 2, 16, 4);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        st = GetExceptionCode();
    }
    assert_int_equal(st, STATUS_DATATYPE_MISALIGNMENT);

    st = STATUS_SUCCESS;
    PMDL mdl = IoAllocateMdl(buf, 64, FALSE, FALSE, NULL);
    __try {
        MmProbeAndLockPages(mdl, UserMode, IoReadAccess);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        st = GetExceptionCode();
    }
    assert_int_equal(st, STATUS_ACCESS_VIOLATION);
    assert_false(mdl->MdlFlags & MDL_PAGES_LOCKED);

    /* inside a registered frame the same probes pass */
    struct io_probe_frame f = { .base = { buf, NULL }, .len = { sizeof(buf), 0 },
                                .writable = { TRUE, FALSE } };
    io_probe_push(&f);
    ProbeForRead(buf, 16, 1);
    ProbeForWrite(buf + 4, 16, 4);
    MmProbeAndLockPages(mdl, UserMode, IoReadAccess);
    assert_true(mdl->MdlFlags & MDL_PAGES_LOCKED);
    assert_int_equal(io_probe(buf + sizeof(buf) - 4, 8, 1, FALSE), STATUS_ACCESS_VIOLATION);
    io_probe_pop(&f);
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
}

static void test_pages_for_mdl(void **state)
{
    (void)state;
    PHYSICAL_ADDRESS low = { .QuadPart = 0 }, high = { .QuadPart = -1 }, skip = { .QuadPart = 0 };
    PMDL mdl = MmAllocatePagesForMdl(low, high, skip, 3 * PAGE_SIZE + 5);
    assert_non_null(mdl);
    assert_int_equal(MmGetMdlByteCount(mdl), 3 * PAGE_SIZE + 5);
    assert_int_equal(MmGetMdlByteOffset(mdl), 0);
    assert_true(mdl->MdlFlags & MDL_PAGES_LOCKED);
    PUCHAR p = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
                                            NormalPagePriority);
    assert_non_null(p);
    assert_int_equal(p[0], 0);
    assert_int_equal(p[3 * PAGE_SIZE + 4], 0);     /* zeroed */
    memset(p, 0xee, 3 * PAGE_SIZE + 5);
    assert_int_equal(MmGetMdlPfnArray(mdl)[3], ((ULONG_PTR)p >> PAGE_SHIFT) + 3);
    MmUnmapLockedPages(p, mdl);
    MmFreePagesFromMdl(mdl);
    assert_int_equal(MmGetMdlByteCount(mdl), 0);
    ExFreePool(mdl);
    assert_null(MmAllocatePagesForMdl(low, high, skip, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocate_and_lock),
        cmocka_unit_test(test_nonpaged_and_init),
        cmocka_unit_test(test_irp_mdl_chain),
        cmocka_unit_test(test_probe_outside_request),
        cmocka_unit_test(test_pages_for_mdl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
