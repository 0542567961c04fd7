/*
 * test_remlock.c - remove locks: acquire/release, STATUS_DELETE_PENDING
 * once IoReleaseRemoveLockAndWait has started, and the wait lasting
 * exactly until every outstanding acquisition is released, also under
 * concurrent acquirers.
 */
#include "io_test.h"
#include <pthread.h>

static IO_REMOVE_LOCK lock;
static volatile int waiter_done;

static void *remove_waiter(void *arg)
{
    (void)arg;
    assert_int_equal(IoAcquireRemoveLock(&lock, (PVOID)1), STATUS_SUCCESS);
    IoReleaseRemoveLockAndWait(&lock, (PVOID)1);
    __atomic_store_n(&waiter_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void test_basic(void **state)
{
    (void)state;
    IoInitializeRemoveLock(&lock, 'tseT', 0, 0);
    assert_int_equal(lock.Common.IoCount, 1);
    assert_false(lock.Common.Removed);
    assert_int_equal(IoAcquireRemoveLock(&lock, NULL), STATUS_SUCCESS);
    assert_int_equal(IoAcquireRemoveLock(&lock, NULL), STATUS_SUCCESS);
    assert_int_equal(lock.Common.IoCount, 3);
    IoReleaseRemoveLock(&lock, NULL);
    IoReleaseRemoveLock(&lock, NULL);
    assert_int_equal(lock.Common.IoCount, 1);
}

static void test_release_and_wait(void **state)
{
    (void)state;
    pthread_t th;
    IoInitializeRemoveLock(&lock, 'tseT', 0, 0);
    /* two I/O operations in flight */
    assert_int_equal(IoAcquireRemoveLock(&lock, (PVOID)2), STATUS_SUCCESS);
    assert_int_equal(IoAcquireRemoveLock(&lock, (PVOID)3), STATUS_SUCCESS);
    waiter_done = 0;
    pthread_create(&th, NULL, remove_waiter, NULL);
    while (!__atomic_load_n(&lock.Common.Removed, __ATOMIC_ACQUIRE))
        usleep(1000);
    /* removal has started: new acquisitions fail */
    assert_int_equal(IoAcquireRemoveLock(&lock, (PVOID)4), STATUS_DELETE_PENDING);
    usleep(20000);
    assert_int_equal(__atomic_load_n(&waiter_done, __ATOMIC_ACQUIRE), 0);
    IoReleaseRemoveLock(&lock, (PVOID)2);
    usleep(20000);
    assert_int_equal(__atomic_load_n(&waiter_done, __ATOMIC_ACQUIRE), 0);
    IoReleaseRemoveLock(&lock, (PVOID)3);
    pthread_join(th, NULL);
    assert_int_equal(waiter_done, 1);
    assert_int_equal(lock.Common.IoCount, 0);
    assert_int_equal(IoAcquireRemoveLock(&lock, (PVOID)5), STATUS_DELETE_PENDING);
}

/* Acquirers hammer the lock while it is removed: when the remover's wait
 * ends, nobody may be inside, and nobody may get in afterwards. */
static volatile LONG inside, stop, late_entries, removed_done;

static void *hammer(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        if (IoAcquireRemoveLock(&lock, NULL) != STATUS_SUCCESS)
            continue;
        if (__atomic_load_n(&removed_done, __ATOMIC_ACQUIRE))
            __atomic_add_fetch(&late_entries, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST);
        for (volatile int k = 0; k < 50; k++)
            ;
        __atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
        IoReleaseRemoveLock(&lock, NULL);
    }
    return NULL;
}

static void test_remove_under_load(void **state)
{
    (void)state;
    pthread_t th[3];
    for (int round = 0; round < 20; round++) {
        IoInitializeRemoveLock(&lock, 'tseT', 0, 0);
        inside = stop = late_entries = removed_done = 0;
        for (int i = 0; i < 3; i++)
            pthread_create(&th[i], NULL, hammer, NULL);
        usleep(2000);
        assert_int_equal(IoAcquireRemoveLock(&lock, NULL), STATUS_SUCCESS);
        IoReleaseRemoveLockAndWait(&lock, NULL);
        assert_int_equal(__atomic_load_n(&inside, __ATOMIC_SEQ_CST), 0);
        __atomic_store_n(&removed_done, 1, __ATOMIC_RELEASE);
        usleep(1000);
        __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
        for (int i = 0; i < 3; i++)
            pthread_join(th[i], NULL);
        assert_int_equal(late_entries, 0);
        assert_int_equal(lock.Common.IoCount, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_release_and_wait),
        cmocka_unit_test(test_remove_under_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
