/*
 * test_lookaside.c - lookaside lists: Windows x64 layouts, caching up to
 * Depth, custom Allocate/Free routines, the Ex variants with flush and
 * delete, and concurrent use.
 */
#include "krnl_test.h"
#include "pool_drv.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static int group_setup(void **state)
{
    (void)state;
    kt_setup_root();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kt_rm_rf(kt_root);
    return 0;
}

static void test_layouts(void **state)
{
    (void)state;
    assert_int_equal(sizeof(GENERAL_LOOKASIDE), 0x80);
    assert_int_equal(sizeof(GENERAL_LOOKASIDE_POOL), 0x60);
    assert_int_equal(sizeof(NPAGED_LOOKASIDE_LIST), 0x80);
    assert_int_equal(sizeof(PAGED_LOOKASIDE_LIST), 0x80);
    assert_int_equal(sizeof(LOOKASIDE_LIST_EX), 0x60);
    assert_int_equal(_Alignof(NPAGED_LOOKASIDE_LIST), 64);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, Depth), 0x10);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, MaximumDepth), 0x12);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, TotalAllocates), 0x14);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, AllocateMisses), 0x18);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, TotalFrees), 0x1c);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, FreeMisses), 0x20);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, Type), 0x24);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, Tag), 0x28);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, Size), 0x2c);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, AllocateEx), 0x30);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, FreeEx), 0x38);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, ListEntry), 0x40);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, LastTotalAllocates), 0x50);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE, LastAllocateMisses), 0x54);
    assert_int_equal(offsetof(GENERAL_LOOKASIDE_POOL, Future), 0x58);
}

static void test_npaged_default_routines(void **state)
{
    NPAGED_LOOKASIDE_LIST la;
    void *e[4];
    (void)state;

    ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 200, 'kooL', 0);
    assert_int_equal(la.L.Size, 200);
    assert_int_equal(la.L.Tag, 'kooL');
    assert_true(la.L.Depth > 0);
    for (int i = 0; i < 4; i++) {
        e[i] = ExAllocateFromNPagedLookasideList(&la);
        assert_non_null(e[i]);
        /* default entries are pool blocks with the list's tag */
        assert_int_equal(krnl_pool_block_tag(e[i]), 'kooL');
        memset(e[i], 0x5A, 200);
    }
    assert_int_equal(la.L.TotalAllocates, 4);
    assert_int_equal(la.L.AllocateMisses, 4);
    for (int i = 0; i < 4; i++)
        ExFreeToNPagedLookasideList(&la, e[i]);
    assert_int_equal(la.L.TotalFrees, 4);
    assert_int_equal(la.L.FreeMisses, 0);
    assert_int_equal(la.L.ListHead.HeaderX64.Depth, 4);
    /* cached entries come back LIFO, without touching the allocator */
    void *again = ExAllocateFromNPagedLookasideList(&la);
    assert_ptr_equal(again, e[3]);
    assert_int_equal(la.L.AllocateMisses, 4);
    ExFreeToNPagedLookasideList(&la, again);
    ExDeleteNPagedLookasideList(&la);
    assert_int_equal(la.L.ListHead.HeaderX64.Depth, 0);
}

struct counting {
    int allocs, frees;
    POOL_TYPE type;
    SIZE_T size;
    ULONG tag;
};
static struct counting cnt;

static PVOID NTAPI my_allocate(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    cnt.allocs++;
    cnt.type = PoolType;
    cnt.size = NumberOfBytes;
    cnt.tag = Tag;
    return malloc(NumberOfBytes);
}

static VOID NTAPI my_free(PVOID Buffer)
{
    cnt.frees++;
    free(Buffer);
}

static void test_custom_routines_and_depth(void **state)
{
    PAGED_LOOKASIDE_LIST la;
    void *e[6];
    (void)state;

    memset(&cnt, 0, sizeof(cnt));
    ExInitializePagedLookasideList(&la, my_allocate, my_free, 0, 48, 'pooL', 2);
    assert_int_equal(la.L.Depth, 2);
    for (int i = 0; i < 6; i++)
        e[i] = ExAllocateFromPagedLookasideList(&la);
    assert_int_equal(cnt.allocs, 6);
    assert_int_equal(cnt.type, PagedPool);
    assert_int_equal(cnt.size, 48);
    assert_int_equal(cnt.tag, 'pooL');
    for (int i = 0; i < 6; i++)
        ExFreeToPagedLookasideList(&la, e[i]);
    /* only Depth entries are kept; the rest went to the Free routine */
    assert_int_equal(cnt.frees, 4);
    assert_int_equal(la.L.FreeMisses, 4);
    assert_int_equal(la.L.ListHead.HeaderX64.Depth, 2);
    void *x = ExAllocateFromPagedLookasideList(&la);
    assert_ptr_equal(x, e[1]);
    assert_int_equal(cnt.allocs, 6);
    ExFreeToPagedLookasideList(&la, x);
    ExDeletePagedLookasideList(&la);
    assert_int_equal(cnt.frees, 6);
}

struct my_ctx {
    LOOKASIDE_LIST_EX la;
    int allocs, frees;
};

static PVOID NTAPI ex_allocate(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
                               PLOOKASIDE_LIST_EX Lookaside)
{
    struct my_ctx *c = CONTAINING_RECORD(Lookaside, struct my_ctx, la);
    c->allocs++;
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
}

static VOID NTAPI ex_free(PVOID Buffer, PLOOKASIDE_LIST_EX Lookaside)
{
    struct my_ctx *c = CONTAINING_RECORD(Lookaside, struct my_ctx, la);
    c->frees++;
    ExFreePool(Buffer);
}

static void test_ex_lists(void **state)
{
    struct my_ctx c;
    void *e[5];
    (void)state;

    memset(&c, 0, sizeof(c));
    assert_int_equal(ExInitializeLookasideListEx(&c.la, ex_allocate, ex_free, NonPagedPoolNx,
                                                 0, 64, 'xEaL', 3), STATUS_SUCCESS);
    for (int i = 0; i < 5; i++)
        assert_non_null(e[i] = ExAllocateFromLookasideListEx(&c.la));
    assert_int_equal(c.allocs, 5);
    for (int i = 0; i < 5; i++)
        ExFreeToLookasideListEx(&c.la, e[i]);
    assert_int_equal(c.frees, 2);
    /* flush empties the cache through FreeEx; the list stays usable */
    ExFlushLookasideListEx(&c.la);
    assert_int_equal(c.frees, 5);
    e[0] = ExAllocateFromLookasideListEx(&c.la);
    assert_int_equal(c.allocs, 6);
    ExFreeToLookasideListEx(&c.la, e[0]);
    ExDeleteLookasideListEx(&c.la);
    assert_int_equal(c.frees, 6);

    /* default routines */
    LOOKASIDE_LIST_EX d;
    assert_int_equal(ExInitializeLookasideListEx(&d, NULL, NULL, PagedPool,
                                                 EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL, 10,
                                                 'dfeD', 0), STATUS_SUCCESS);
    e[0] = ExAllocateFromLookasideListEx(&d);
    assert_non_null(e[0]);
    assert_int_equal(krnl_pool_block_tag(e[0]), 'dfeD');
    ExFreeToLookasideListEx(&d, e[0]);
    ExDeleteLookasideListEx(&d);

    /* both failure flags at once, or unknown flags: parameter 5 */
    assert_int_equal(ExInitializeLookasideListEx(&d, NULL, NULL, PagedPool,
                                                 EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL |
                                                 EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE,
                                                 10, 'dfeD', 0), STATUS_INVALID_PARAMETER_5);
    assert_int_equal(ExInitializeLookasideListEx(&d, NULL, NULL, PagedPool, 0x80, 10, 'dfeD', 0),
                     STATUS_INVALID_PARAMETER_5);
}

struct usage {
    ULONG tag;
    size_t allocs;
};

static void usage_cb(void *ctx, const void *module, ULONG tag, size_t allocs, size_t bytes)
{
    struct usage *u = ctx;
    (void)module;
    (void)bytes;
    if (tag == u->tag)
        u->allocs += allocs;
}

static void test_entries_charged_to_caller(void **state)
{
    NPAGED_LOOKASIDE_LIST la;
    const void *base = NULL;
    NTSTATUS (NTAPI *entry)(struct _DRIVER_OBJECT *, PUNICODE_STRING) = NULL;
    struct pool_drv_cmd cmd = { .op = POOL_DRV_LOOKASIDE, .count = 3 };
    struct usage u = { 'vrDL', 0 };
    (void)state;

    void *h = kt_load_driver("pool_drv", &base, &entry);
    assert_non_null(h);
    ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 32, 'vrDL', 0);
    cmd.lookaside = &la;
    assert_int_equal(entry((void *)&cmd, NULL), STATUS_SUCCESS);
    krnl_pool_usage(base, usage_cb, &u);
    assert_int_equal(u.allocs, 3);
    for (int i = 0; i < 3; i++)
        ExFreeToNPagedLookasideList(&la, cmd.ptrs[i]);
    ExDeleteNPagedLookasideList(&la);
    u.allocs = 0;
    krnl_pool_usage(base, usage_cb, &u);
    assert_int_equal(u.allocs, 0);
    dlclose(h);
    krnl_pool_module_unloaded(base);
}

static void paged_lookaside_at_dispatch(void *arg)
{
    PAGED_LOOKASIDE_LIST la;
    KIRQL old;
    (void)arg;
    ExInitializePagedLookasideList(&la, NULL, NULL, 0, 32, 'qrIL', 0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    (void)ExAllocateFromPagedLookasideList(&la);
}

static void test_paged_irql(void **state)
{
    int died;
    (void)state;
    char *r = kt_run_child(paged_lookaside_at_dispatch, NULL, &died);
    assert_true(died);
    assert_true(kt_has(r, "name", "\"IRQL_NOT_LESS_OR_EQUAL\""));
    assert_true(kt_has(r, "irql", "2"));   /* the faulting thread's IRQL */
    free(r);
}

static NPAGED_LOOKASIDE_LIST shared;

static void *hammer(void *arg)
{
    void *held[8];
    (void)arg;
    for (int i = 0; i < 50000; i++) {
        int n = 1 + (i & 7);
        for (int k = 0; k < n; k++) {
            held[k] = ExAllocateFromNPagedLookasideList(&shared);
            if (!held[k])
                return (void *)1;
            *(volatile uint64_t *)held[k] = (uint64_t)(uintptr_t)held[k];
        }
        for (int k = 0; k < n; k++) {
            if (*(volatile uint64_t *)held[k] != (uint64_t)(uintptr_t)held[k])
                return (void *)2;   /* handed to two threads at once */
            ExFreeToNPagedLookasideList(&shared, held[k]);
        }
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    pthread_t th[4];
    void *ret;
    (void)state;
    ExInitializeNPagedLookasideList(&shared, NULL, NULL, 0, 64, 'cnoC', 16);
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, hammer, NULL);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], &ret);
        assert_null(ret);
    }
    assert_int_equal(shared.L.TotalAllocates, shared.L.TotalFrees);
    assert_true(shared.L.ListHead.HeaderX64.Depth <= 16);
    ExDeleteNPagedLookasideList(&shared);
    struct usage u = { 'cnoC', 0 };
    krnl_pool_usage(NULL, usage_cb, &u);
    assert_int_equal(u.allocs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_npaged_default_routines),
        cmocka_unit_test(test_custom_routines_and_depth),
        cmocka_unit_test(test_ex_lists),
        cmocka_unit_test(test_entries_charged_to_caller),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_paged_irql),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
