/*
 * test_pool.c - the pool DDIs: documented flag semantics, the BAD_POOL_CALLER
 * bug checks for misuse, and per-driver tag accounting with leak reports.
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

static int all_zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i])
            return 0;
    return 1;
}

static void test_pool2_zeroed_aligned(void **state)
{
    (void)state;
    for (SIZE_T size = 1; size < 70000; size = size * 3 + 1) {
        unsigned char *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, size, '1gaT');
        assert_non_null(p);
        assert_true(all_zero(p, size));
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_int_equal(ExQueryPoolBlockSize(p, NULL), size);
        memset(p, 0xAB, size);
        ExFreePoolWithTag(p, '1gaT');
    }
    void *c = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_CACHE_ALIGNED, 100, '1gaT');
    assert_non_null(c);
    assert_int_equal((uintptr_t)c % 64, 0);
    assert_true(all_zero(c, 100));
    ExFreePool(c);
    void *u = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 64, '1gaT');
    assert_non_null(u);
    assert_int_equal(krnl_pool_block_tag(u), '1gaT');
    ExFreePool(u);
}

static void test_pool2_invalid_flags(void **state)
{
    (void)state;
    /* no pool type, two pool types, reserved and unknown required flags,
     * and tag 0 fail with NULL, as documented */
    assert_null(ExAllocatePool2(0, 16, '1gaT'));
    assert_null(ExAllocatePool2(POOL_FLAG_UNINITIALIZED, 16, '1gaT'));
    assert_null(ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_NON_PAGED, 16, '1gaT'));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE, 16, '1gaT'));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED1, 16, '1gaT'));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED3, 16, '1gaT'));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | 0x800, 16, '1gaT'));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 0));
    /* an unknown optional flag is ignored */
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_SPECIAL_POOL | (1ull << 50), 16, '1gaT');
    assert_non_null(p);
    ExFreePoolWithTag(p, '1gaT');
    /* too big: NULL, not a crash */
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, (SIZE_T)1 << 41, '1gaT'));
    assert_null(ExAllocatePoolWithTag(NonPagedPoolNx, (SIZE_T)1 << 41, '1gaT'));
}

static void raise_on_failure(void *arg)
{
    (void)arg;
    (void)ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RAISE_ON_FAILURE, (SIZE_T)1 << 41, '1gaT');
}

static void quota_raises(void *arg)
{
    (void)arg;
    (void)ExAllocatePoolWithQuotaTag(PagedPool, (SIZE_T)1 << 41, '1gaT');
}

static void test_raise_on_failure(void **state)
{
    int died;
    char *r;
    (void)state;
    /* No handler: the raise is unhandled, the child must not survive. */
    r = kt_run_child(raise_on_failure, NULL, &died);
    assert_true(died);
    free(r);
    r = kt_run_child(quota_raises, NULL, &died);
    assert_true(died);
    free(r);
    /* ... unless POOL_QUOTA_FAIL_INSTEAD_OF_RAISE */
    assert_null(ExAllocatePoolWithQuotaTag((POOL_TYPE)(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE),
                                           (SIZE_T)1 << 41, '1gaT'));
}

static void test_pool_type_forms(void **state)
{
    void *p;
    (void)state;

    p = ExAllocatePoolZero(NonPagedPoolNx, 300, 'ZloP');
    assert_non_null(p);
    assert_true(all_zero(p, 300));
    assert_int_equal(krnl_pool_block_tag(p), 'ZloP');
    ExFreePoolWithTag(p, 'ZloP');

    p = ExAllocatePoolWithTag((POOL_TYPE)(NonPagedPoolNx | POOL_ZERO_ALLOCATION), 64, 'ZloP');
    assert_non_null(p);
    assert_true(all_zero(p, 64));
    ExFreePool(p);

    p = ExAllocatePoolUninitialized(PagedPool, 32, 'UloP');
    assert_non_null(p);
    ExFreePoolWithTag(p, 'UloP');

    p = ExAllocatePool(NonPagedPool, 10);
    assert_non_null(p);
    char t[5];
    krnl_format_tag(krnl_pool_block_tag(p), t);
    assert_string_equal(t, "None");
    ExFreePool(p);

    p = ExAllocatePoolWithQuotaTag(PagedPool, 10, 'QloP');
    assert_non_null(p);
    ExFreePoolWithTag(p, 'QloP');

    p = ExAllocatePoolWithTag(NonPagedPoolCacheAligned, 10, 'CloP');
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 64, 0);
    ExFreePool(p);

    p = ExAllocatePoolWithTagPriority(NonPagedPoolNx, 10, 'PloP', HighPoolPriority);
    assert_non_null(p);
    ExFreePool2(p, 'PloP', NULL, 0);
}

static void test_pool3_extended_parameters(void **state)
{
    POOL_EXTENDED_PARAMETER params[2];
    void *p;
    (void)state;

    memset(params, 0, sizeof(params));
    assert_int_equal(sizeof(POOL_EXTENDED_PARAMETER), 16);
    params[0].Type = PoolExtendedParameterPriority;
    params[0].Priority = LowPoolPriority;
    p = ExAllocatePool3(POOL_FLAG_NON_PAGED, 40, '3loP', params, 1);
    assert_non_null(p);
    assert_true(all_zero(p, 40));
    ExFreePoolWithTag(p, '3loP');

    /* an unknown required parameter fails; an optional one is ignored */
    params[1].Type = 77;
    params[1].Optional = 0;
    assert_null(ExAllocatePool3(POOL_FLAG_NON_PAGED, 40, '3loP', params, 2));
    params[1].Optional = 1;
    p = ExAllocatePool3(POOL_FLAG_NON_PAGED, 40, '3loP', params, 2);
    assert_non_null(p);
    ExFreePoolWithTag(p, '3loP');
    assert_null(ExAllocatePool3(POOL_FLAG_NON_PAGED, 40, '3loP', NULL, 1));
}

/* ---- misuse: BAD_POOL_CALLER ---------------------------------------- */

static void free_wrong_tag(void *arg)
{
    (void)arg;
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, '1gaT');
    ExFreePoolWithTag(p, '2gaT');
}

static void free_twice(void *arg)
{
    (void)arg;
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, '1gaT');
    ExFreePoolWithTag(p, '1gaT');
    ExFreePoolWithTag(p, '1gaT');
}

static _Alignas(16) unsigned char not_pool[256];

static void free_not_pool(void *arg)
{
    (void)arg;
    ExFreePool(not_pool + 64);
}

static void free_null(void *arg)
{
    (void)arg;
    ExFreePoolWithTag(NULL, '1gaT');
}

static void alloc_must_succeed(void *arg)
{
    (void)arg;
    (void)ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 8, '1gaT');
}

static void alloc_tag_zero(void *arg)
{
    (void)arg;
    (void)ExAllocatePoolWithTag(NonPagedPool, 8, 0);
}

static void paged_at_dispatch(void *arg)
{
    KIRQL old;
    (void)arg;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    (void)ExAllocatePool2(POOL_FLAG_PAGED, 8, '1gaT');
}

static void free_paged_at_dispatch(void *arg)
{
    KIRQL old;
    (void)arg;
    void *p = ExAllocatePool2(POOL_FLAG_PAGED, 8, '1gaT');
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ExFreePoolWithTag(p, '1gaT');
}

static void nonpaged_above_dispatch(void *arg)
{
    KIRQL old;
    (void)arg;
    KeRaiseIrql(HIGH_LEVEL, &old);
    (void)ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, '1gaT');
}

static void overrun(void *arg)
{
    (void)arg;
    unsigned char *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 10, '1gaT');
    p[10] = 0x42;    /* one past the end */
    ExFreePoolWithTag(p, '1gaT');
}

static void test_overrun_detected(void **state)
{
    int died;
    unsigned long long v;
    (void)state;
#if defined(DDK_SANITIZE)
    skip();   /* ASan reports the overrun itself, at the write */
#endif
    char *r = kt_run_child(overrun, NULL, &died);
    assert_true(died);
    assert_true(kt_has(r, "name", "\"SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION\""));
    assert_true(kt_param(r, 3, &v));
    assert_int_equal(v, 0x24);
    unsigned long long p, at;
    assert_true(kt_param(r, 0, &p));
    assert_true(kt_param(r, 1, &at));
    assert_int_equal(at - p, 10);    /* where the corruption starts */
    free(r);
}

static void expect_bad_pool_caller(void (*fn)(void *), unsigned long long p1)
{
    int died;
    unsigned long long v;
    char *r = kt_run_child(fn, NULL, &died);

    assert_true(died);
    assert_non_null(r);
    assert_true(kt_has(r, "code", "\"0x000000C2\""));
    assert_true(kt_has(r, "name", "\"BAD_POOL_CALLER\""));
    assert_true(kt_param(r, 0, &v));
    assert_int_equal(v, p1);
    free(r);
}

static void test_bugcheck_wrong_tag(void **state)
{
    int died;
    unsigned long long v;
    (void)state;
    expect_bad_pool_caller(free_wrong_tag, 0x0A);
    char *r = kt_run_child(free_wrong_tag, NULL, &died);
    assert_true(kt_param(r, 2, &v));
    assert_int_equal(v, '1gaT');        /* allocator's tag */
    assert_true(kt_param(r, 3, &v));
    assert_int_equal(v, '2gaT');        /* tag of the free */
    free(r);
}

static void test_bugcheck_double_free(void **state)
{
    (void)state;
    expect_bad_pool_caller(free_twice, 0x07);
}

static void test_bugcheck_not_pool(void **state)
{
    (void)state;
    expect_bad_pool_caller(free_not_pool, 0x99);
    expect_bad_pool_caller(free_null, 0x46);
}

static void test_irql_rules(void **state)
{
    KIRQL old;
    (void)state;
    expect_bad_pool_caller(paged_at_dispatch, 0x08);
    expect_bad_pool_caller(free_paged_at_dispatch, 0x09);
    expect_bad_pool_caller(nonpaged_above_dispatch, 0x08);
    /* non-paged pool at DISPATCH_LEVEL is fine */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, '1gaT');
    assert_non_null(p);
    ExFreePoolWithTag(p, '1gaT');
    KeLowerIrql(old);
}

static void test_bugcheck_bad_allocations(void **state)
{
    (void)state;
    expect_bad_pool_caller(alloc_must_succeed, 0x9A);
    expect_bad_pool_caller(alloc_tag_zero, 0x9B);
}

/* ---- accounting ------------------------------------------------------ */

struct usage {
    ULONG tag;
    size_t allocs, bytes;
    int other_tags;
};

static void usage_cb(void *ctx, const void *module, ULONG tag, size_t allocs, size_t bytes)
{
    struct usage *u = ctx;
    (void)module;
    if (tag == u->tag) {
        u->allocs += allocs;
        u->bytes += bytes;
    } else {
        u->other_tags++;
    }
}

static char *capture_leak_report(const void *base, const char *name, size_t *count)
{
    char path[] = "/tmp/ddk-krnl-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    char *text = calloc(1, 8192);

    unlink(path);
    dup2(fd, 2);
    *count = krnl_pool_report_leaks(base, name);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, text, 8191);
    text[n > 0 ? n : 0] = 0;
    close(fd);
    return text;
}

static void test_accounting_by_module(void **state)
{
    const void *drv_base = NULL, *self_base = krnl_module_base((void *)test_accounting_by_module);
    NTSTATUS (NTAPI *entry)(struct _DRIVER_OBJECT *, PUNICODE_STRING) = NULL;
    struct pool_drv_cmd cmd = { .op = POOL_DRV_ALLOC, .tag = '1gaT', .count = 3, .size = 100 };
    struct usage u;
    void *mine[2];
    size_t n;
    (void)state;

    void *h = kt_load_driver("pool_drv", &drv_base, &entry);
    assert_non_null(h);
    assert_true(drv_base != self_base);

    assert_int_equal(entry((void *)&cmd, NULL), STATUS_SUCCESS);
    mine[0] = ExAllocatePool2(POOL_FLAG_PAGED, 50, '1tsT');
    mine[1] = ExAllocatePool2(POOL_FLAG_PAGED, 70, '1tsT');

    /* the driver holds exactly its 3 'Tag1' blocks */
    memset(&u, 0, sizeof(u));
    u.tag = '1gaT';
    assert_int_equal(krnl_pool_usage(drv_base, usage_cb, &u), 3);
    assert_int_equal(u.allocs, 3);
    assert_int_equal(u.bytes, 300);
    assert_int_equal(u.other_tags, 0);

    /* the test program holds its own, and none of the driver's */
    memset(&u, 0, sizeof(u));
    u.tag = '1tsT';
    krnl_pool_usage(self_base, usage_cb, &u);
    assert_int_equal(u.allocs, 2);
    assert_int_equal(u.bytes, 120);
    memset(&u, 0, sizeof(u));
    u.tag = '1gaT';
    krnl_pool_usage(self_base, usage_cb, &u);
    assert_int_equal(u.allocs, 0);

    /* the leak report names driver, count, tag and bytes */
    char *log = capture_leak_report(drv_base, "pool_drv", &n);
    assert_int_equal(n, 3);
    assert_non_null(strstr(log, "driver pool_drv leaked 3 allocations with tag 'Tag1' (300 bytes)"));
    free(log);

    /* freeing one by the test program still uncharges the driver */
    ExFreePoolWithTag(cmd.ptrs[2], '1gaT');
    cmd.op = POOL_DRV_FREE;
    cmd.count = 2;
    assert_int_equal(entry((void *)&cmd, NULL), STATUS_SUCCESS);
    log = capture_leak_report(drv_base, "pool_drv", &n);
    assert_int_equal(n, 0);
    assert_null(strstr(log, "leaked"));
    free(log);

    ExFreePool(mine[0]);
    ExFreePool(mine[1]);
    dlclose(h);
    krnl_pool_module_unloaded(drv_base);
}

static void driver_frees_wrong_tag(void *arg)
{
    const void *base = NULL;
    NTSTATUS (NTAPI *entry)(struct _DRIVER_OBJECT *, PUNICODE_STRING) = NULL;
    struct pool_drv_cmd cmd = { .op = POOL_DRV_ALLOC, .tag = '1gaT', .count = 1, .size = 8 };
    (void)arg;
    if (!kt_load_driver("pool_drv", &base, &entry))
        _exit(0);
    entry((void *)&cmd, NULL);
    cmd.op = POOL_DRV_FREE_WRONG_TAG;
    entry((void *)&cmd, NULL);
}

static void test_bugcheck_blames_driver(void **state)
{
    int died;
    (void)state;
    char *r = kt_run_child(driver_frees_wrong_tag, NULL, &died);
    assert_true(died);
    assert_true(kt_has(r, "name", "\"BAD_POOL_CALLER\""));
    assert_true(kt_has(r, "driver", "\"pool_drv\""));
    assert_true(kt_has(r, "driver_source", "\"backtrace\""));
    free(r);
}

static void *stress_thread(void *arg)
{
    ULONG tag = (ULONG)(uintptr_t)arg;
    void *held[64] = { 0 };
    for (int i = 0; i < 40000; i++) {
        int k = (i * 7) & 63;
        if (held[k])
            ExFreePoolWithTag(held[k], tag);
        held[k] = ExAllocatePool2(POOL_FLAG_NON_PAGED, (SIZE_T)(16 + (i & 255)), tag);
        if (!held[k])
            return (void *)1;
        *(volatile char *)held[k] = 1;
    }
    for (int k = 0; k < 64; k++)
        if (held[k])
            ExFreePoolWithTag(held[k], tag);
    return NULL;
}

static void test_threads_balance(void **state)
{
    pthread_t th[4];
    struct usage u;
    void *ret;
    (void)state;
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, stress_thread, (void *)(uintptr_t)'SsrT');
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], &ret);
        assert_null(ret);
    }
    memset(&u, 0, sizeof(u));
    u.tag = 'SsrT';
    krnl_pool_usage(NULL, usage_cb, &u);
    assert_int_equal(u.allocs, 0);
    assert_int_equal(u.bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool2_zeroed_aligned),
        cmocka_unit_test(test_pool2_invalid_flags),
        cmocka_unit_test(test_raise_on_failure),
        cmocka_unit_test(test_pool_type_forms),
        cmocka_unit_test(test_pool3_extended_parameters),
        cmocka_unit_test(test_bugcheck_wrong_tag),
        cmocka_unit_test(test_bugcheck_double_free),
        cmocka_unit_test(test_bugcheck_not_pool),
        cmocka_unit_test(test_bugcheck_bad_allocations),
        cmocka_unit_test(test_irql_rules),
        cmocka_unit_test(test_overrun_detected),
        cmocka_unit_test(test_accounting_by_module),
        cmocka_unit_test(test_bugcheck_blames_driver),
        cmocka_unit_test(test_threads_balance),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
