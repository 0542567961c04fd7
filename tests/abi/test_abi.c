/*
 * test_abi.c - structure sizes and offsets a driver relies on match
 * Windows x64. (Values are the documented/debugger-visible x64 layouts.)
 */
#include <wdm.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static void test_basic_widths(void **state)
{
    (void)state;
    assert_int_equal(sizeof(CHAR), 1);
    assert_int_equal(sizeof(WCHAR), 2);
    assert_int_equal(sizeof(SHORT), 2);
    assert_int_equal(sizeof(LONG), 4);
    assert_int_equal(sizeof(ULONG), 4);
    assert_int_equal(sizeof(LONGLONG), 8);
    assert_int_equal(sizeof(ULONG_PTR), sizeof(void *));
    assert_int_equal(sizeof(SIZE_T), 8);
    assert_int_equal(sizeof(BOOLEAN), 1);
    assert_int_equal(sizeof(NTSTATUS), 4);
    assert_int_equal(sizeof(L"ab"), 6);
}

static void test_base_structures(void **state)
{
    (void)state;
    assert_int_equal(sizeof(UNICODE_STRING), 0x10);
    assert_int_equal(offsetof(UNICODE_STRING, Buffer), 8);
    assert_int_equal(sizeof(LIST_ENTRY), 0x10);
    assert_int_equal(sizeof(LARGE_INTEGER), 8);
    assert_int_equal(offsetof(LARGE_INTEGER, HighPart), 4);
    assert_int_equal(offsetof(LARGE_INTEGER, u.HighPart), 4);
    assert_int_equal(sizeof(GUID), 16);
    assert_int_equal(sizeof(OBJECT_ATTRIBUTES), 0x30);
    assert_int_equal(offsetof(OBJECT_ATTRIBUTES, ObjectName), 0x10);
}

static void test_ke_structures(void **state)
{
    (void)state;
    assert_int_equal(sizeof(KEVENT), 0x18);
    assert_int_equal(offsetof(DISPATCHER_HEADER, SignalState), 4);
    assert_int_equal(offsetof(DISPATCHER_HEADER, WaitListHead), 8);
    assert_int_equal(sizeof(KDPC), 0x40);
    assert_int_equal(offsetof(KDPC, DeferredRoutine), 0x18);
    assert_int_equal(offsetof(KDPC, DeferredContext), 0x20);
    assert_int_equal(sizeof(KTIMER), 0x40);
    assert_int_equal(offsetof(KTIMER, Dpc), 0x30);
    assert_int_equal(offsetof(KTIMER, Period), 0x3c);
    assert_int_equal(sizeof(KAPC), 0x58);
    assert_int_equal(sizeof(KMUTEX), 0x38);
    assert_int_equal(sizeof(FAST_MUTEX), 0x38);
    assert_int_equal(sizeof(ERESOURCE), 0x68);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_widths),
        cmocka_unit_test(test_base_structures),
        cmocka_unit_test(test_ke_structures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
