/*
 * test_ex.c - spin-lock-guarded lists and counters, run-down protection
 * (a waiter blocks until the last holder leaves; no new holders after),
 * time zone conversion, UUIDs, and the callback-object stubs.
 */
#include "krnl_test.h"

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

static void test_interlocked_lists(void **state)
{
    KSPIN_LOCK lock;
    LIST_ENTRY head, a, b, c;
    SINGLE_LIST_ENTRY shead = { NULL }, s1, s2;
    (void)state;

    KeInitializeSpinLock(&lock);
    InitializeListHead(&head);
    assert_null(ExInterlockedInsertTailList(&head, &a, &lock));
    assert_ptr_equal(ExInterlockedInsertTailList(&head, &b, &lock), &a);
    assert_ptr_equal(ExInterlockedInsertHeadList(&head, &c, &lock), &a);
    assert_ptr_equal(ExInterlockedRemoveHeadList(&head, &lock), &c);
    assert_ptr_equal(ExInterlockedRemoveHeadList(&head, &lock), &a);
    assert_ptr_equal(ExInterlockedRemoveHeadList(&head, &lock), &b);
    assert_null(ExInterlockedRemoveHeadList(&head, &lock));

    assert_null(ExInterlockedPushEntryList(&shead, &s1, &lock));
    assert_ptr_equal(ExInterlockedPushEntryList(&shead, &s2, &lock), &s1);
    assert_ptr_equal(ExInterlockedPopEntryList(&shead, &lock), &s2);
    assert_ptr_equal(ExInterlockedPopEntryList(&shead, &lock), &s1);
    assert_null(ExInterlockedPopEntryList(&shead, &lock));

    /* at DISPATCH_LEVEL too; the IRQL is back where it was after */
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ULONG u = 5;
    assert_int_equal(ExInterlockedAddUlong(&u, 3, &lock), 5);
    assert_int_equal(u, 8);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);

    LARGE_INTEGER big = { .QuadPart = 1LL << 40 }, inc = { .QuadPart = 7 };
    assert_int_equal(ExInterlockedAddLargeInteger(&big, inc, &lock).QuadPart, 1LL << 40);
    assert_int_equal(big.QuadPart, (1LL << 40) + 7);
    ExInterlockedAddLargeStatistic(&big, 3);
    assert_int_equal(big.QuadPart, (1LL << 40) + 10);
}

static EX_RUNDOWN_REF rr;
static volatile int released;

static void *holder(void *arg)
{
    (void)arg;
    usleep(100000);
    released = 1;
    ExReleaseRundownProtection(&rr);
    return NULL;
}

static void test_rundown(void **state)
{
    pthread_t t;
    (void)state;

    ExInitializeRundownProtection(&rr);
    assert_true(ExAcquireRundownProtection(&rr));
    assert_true(ExAcquireRundownProtectionEx(&rr, 2));
    ExReleaseRundownProtectionEx(&rr, 2);
    pthread_create(&t, NULL, holder, NULL);
    ExWaitForRundownProtectionRelease(&rr);
    /* the wait ended only after the last holder left */
    assert_int_equal(released, 1);
    assert_false(ExAcquireRundownProtection(&rr));
    pthread_join(t, NULL);
    ExRundownCompleted(&rr);
    assert_false(ExAcquireRundownProtection(&rr));
    ExReInitializeRundownProtection(&rr);
    assert_true(ExAcquireRundownProtection(&rr));
    ExReleaseRundownProtection(&rr);
    /* nobody holding: the wait returns at once */
    ExWaitForRundownProtectionRelease(&rr);
}

static void over_release(void *arg)
{
    (void)arg;
    EX_RUNDOWN_REF r;
    ExInitializeRundownProtection(&r);
    ExReleaseRundownProtection(&r);
}

static void test_rundown_misuse(void **state)
{
    int died;
    (void)state;
    char *r = kt_run_child(over_release, NULL, &died);
    assert_true(died);
    assert_true(kt_has(r, "name", "\"DRIVER_VERIFIER_DETECTED_VIOLATION\""));
    free(r);
}

static void test_time_and_uuid(void **state)
{
    LARGE_INTEGER sys, local, back;
    UUID a, b;
    (void)state;

    KeQuerySystemTime(&sys);
    ExSystemTimeToLocalTime(&sys, &local);
    ExLocalTimeToSystemTime(&local, &back);
    assert_int_equal(back.QuadPart, sys.QuadPart);
    /* TZ=UTC in this process? then equal; in any case within a day */
    assert_true(llabs(local.QuadPart - sys.QuadPart) <= 14LL * 3600 * 10000000LL);

    assert_int_equal(ExUuidCreate(&a), STATUS_SUCCESS);
    assert_int_equal(ExUuidCreate(&b), STATUS_SUCCESS);
    assert_memory_not_equal(&a, &b, sizeof(a));
    assert_int_equal(a.Data3 >> 12, 4);
    assert_int_equal(a.Data4[0] & 0xC0, 0x80);
    assert_int_equal(ExUuidCreate(NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(ExGetPreviousMode(), KernelMode);
}

static void test_callback_stubs(void **state)
{
    PCALLBACK_OBJECT cb = (PCALLBACK_OBJECT)1;
    (void)state;
    assert_int_equal(ExCreateCallback(&cb, NULL, TRUE, TRUE), STATUS_NOT_IMPLEMENTED);
    assert_null(cb);
    assert_null(ExRegisterCallback(NULL, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interlocked_lists),
        cmocka_unit_test(test_rundown),
        cmocka_unit_test(test_rundown_misuse),
        cmocka_unit_test(test_time_and_uuid),
        cmocka_unit_test(test_callback_stubs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
