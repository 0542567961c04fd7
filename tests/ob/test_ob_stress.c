/*
 * test_ob_stress.c - the object manager under many threads: objects
 * created, referenced and deleted, handles opened on one thread and
 * closed on another, names inserted and removed while others look them
 * up, forged handles thrown in. At the end every object is gone, every
 * handle closed, and every delete ran exactly once.
 */
#include <wdm.h>
#include "ob/ob.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define THREADS 8
#define ROUNDS  20000
#define SLOTS   64

static POBJECT_TYPE type;
static volatile LONG created, deleted, failures;
static HANDLE slots[SLOTS];               /* exchanged atomically */
static void *shared_named;

static void on_delete(void *body)
{
    ULONG *magic = body;

    if (*magic != 0xC0FFEE)
        __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
    *magic = 0;
    __atomic_add_fetch(&deleted, 1, __ATOMIC_RELAXED);
}

static void *new_obj(void)
{
    ULONG *b;

    if (!NT_SUCCESS(ob_create_object(type, 32, 0, NULL, (void **)&b)))
        return NULL;
    *b = 0xC0FFEE;
    __atomic_add_fetch(&created, 1, __ATOMIC_RELAXED);
    return b;
}

static volatile int first_failure_line;

#define check(cond) check_at((cond), __LINE__)
static void check_at(int cond, int line)
{
    if (!cond) {
        __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
        __atomic_compare_exchange_n(&first_failure_line, &(int){ 0 }, line, 0,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    }
}

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(ULONG_PTR)arg * 7919u + 1;
    WCHAR name[64];
    UNICODE_STRING n, path;

    for (int i = 0; i < ROUNDS; i++) {
        void *b = new_obj(), *o;
        HANDLE h, old;
        int len;

        if (!b) {
            check(0);
            continue;
        }
        seed = seed * 1103515245 + 12345;
        check(ob_open_handle(b, GENERIC_ALL, (seed & 1) ? OBJ_KERNEL_HANDLE : 0, &h) ==
              STATUS_SUCCESS);
        check(ObReferenceObjectByHandle(h, 0, type, KernelMode, &o, NULL) == STATUS_SUCCESS);
        check(o == b);
        ObDereferenceObject(o);

        /* Hand the handle to whoever comes next; close what was there. */
        old = __atomic_exchange_n(&slots[(seed >> 8) % SLOTS], h, __ATOMIC_ACQ_REL);
        if (old)
            check(ZwClose(old) == STATUS_SUCCESS);

        /* A unique name for a while. */
        if ((seed >> 4) % 4 == 0) {
            len = 0;
            for (const char *p = "\\KernelObjects\\stress-"; *p; p++)
                name[len++] = (WCHAR)*p;
            for (unsigned v = (unsigned)(ULONG_PTR)arg * 1000000u + (unsigned)i; ; v /= 10) {
                name[len++] = (WCHAR)('0' + v % 10);
                if (v < 10)
                    break;
            }
            n.Buffer = name;
            n.Length = n.MaximumLength = (USHORT)(len * 2);
            /* Permanent: another thread may close the last handle of b
             * meanwhile, which would take a temporary name away. */
            check(ob_insert_object(b, &n, OBJ_PERMANENT) == STATUS_SUCCESS);
            o = NULL;
            check(ob_lookup(&n, 0, type, &o, NULL) == STATUS_SUCCESS && o == b);
            if (o)
                ObDereferenceObject(o);
            ob_remove_name(b);
        }

        /* The shared name, looked up by everyone. */
        path.Buffer = (PWCH)L"\\KernelObjects\\stress-shared\\tail";
        path.Length = path.MaximumLength = (USHORT)(sizeof(L"\\KernelObjects\\stress-shared\\tail") - 2);
        {
            UNICODE_STRING rem;

            if (ob_lookup(&path, 0, NULL, &o, &rem) == STATUS_SUCCESS) {
                check(o == shared_named && rem.Length == 10);
                ob_free_string(&rem);
                ObDereferenceObject(o);
            } else {
                check(0);
            }
        }

        /* Forged values never do harm (these can never be valid: a
         * kernel prefix that is not all ones). */
        check(ZwClose((HANDLE)(ULONG_PTR)((ULONG64)(seed & 0xFFFFFF) << 2 | (1ull << 50))) ==
              STATUS_INVALID_HANDLE);
        ObDereferenceObject(b);
    }
    return NULL;
}

static void test_many_threads(void **state)
{
    static const struct ob_type_procs procs = { .delete_proc = on_delete };
    pthread_t t[THREADS];
    ULONG handles_before;
    UNICODE_STRING n;

    (void)state;
    type = ob_create_type("StressObj", NULL, 0x1F0001);
    ob_type_set_procedures(type, &procs);
    shared_named = new_obj();
    n.Buffer = (PWCH)L"\\KernelObjects\\stress-shared";
    n.Length = n.MaximumLength = (USHORT)(sizeof(L"\\KernelObjects\\stress-shared") - 2);
    assert_int_equal(ob_insert_object(shared_named, &n, OBJ_PERMANENT), STATUS_SUCCESS);
    handles_before = ob_handle_table_count();

    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(ULONG_PTR)(i + 1)), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < SLOTS; i++)
        if (slots[i])
            assert_int_equal(ZwClose(slots[i]), STATUS_SUCCESS);

    if (failures)
        fail_msg("%d failed checks, the first at line %d", (int)failures, first_failure_line);
    assert_int_equal(ob_handle_table_count(), handles_before);
    ObMakeTemporaryObject(shared_named);
    ObDereferenceObject(shared_named);
    assert_int_equal(deleted, created);
    assert_int_equal(created, THREADS * ROUNDS + 1);
    assert_int_equal(ob_type_object_count(type), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
