/*
 * test_ob_callbacks.c - ObRegisterCallbacks: pre-operation callbacks see
 * and narrow process/thread handle creation and duplication, post
 * callbacks see the result, registration rules (version, types,
 * altitudes), and nothing runs after ObUnRegisterCallbacks.
 */
#include <wdm.h>
#include "ob/ob.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static int pre_calls, post_calls;
static OB_OPERATION last_op;
static BOOLEAN last_kernel;
static ACCESS_MASK post_granted, pre_original;
static PVOID post_context, last_object;

static OB_PREOP_CALLBACK_STATUS NTAPI pre(PVOID ctx, POB_PRE_OPERATION_INFORMATION info)
{
    assert_ptr_equal(ctx, (PVOID)0x1234);
    pre_calls++;
    last_op = info->Operation;
    last_kernel = info->KernelHandle;
    last_object = info->Object;
    if (info->Operation == OB_OPERATION_HANDLE_CREATE) {
        pre_original = info->Parameters->CreateHandleInformation.OriginalDesiredAccess;
        info->Parameters->CreateHandleInformation.DesiredAccess &= ~0x1u;  /* no terminate */
        info->Parameters->CreateHandleInformation.DesiredAccess |= 0x80000000u; /* ignored */
    } else {
        info->Parameters->DuplicateHandleInformation.DesiredAccess &= ~0x2u;
    }
    info->CallContext = (PVOID)0x5678;
    return OB_PREOP_SUCCESS;
}

static VOID NTAPI post(PVOID ctx, POB_POST_OPERATION_INFORMATION info)
{
    (void)ctx;
    post_calls++;
    post_granted = info->Parameters->CreateHandleInformation.GrantedAccess;
    post_context = info->CallContext;
    assert_int_equal(info->ReturnStatus, STATUS_SUCCESS);
}

static void test_callbacks(void **state)
{
    OB_OPERATION_REGISTRATION op = { PsThreadType,
                                     OB_OPERATION_HANDLE_CREATE | OB_OPERATION_HANDLE_DUPLICATE,
                                     pre, post };
    OB_CALLBACK_REGISTRATION reg = { OB_FLT_REGISTRATION_VERSION, 1,
                                     { 12, 12, (PWCH)L"321000" }, (PVOID)0x1234, &op };
    OBJECT_HANDLE_INFORMATION hi;
    PVOID handle, other, obj;
    HANDLE h, d;

    (void)state;
    assert_int_equal(ObGetFilterVersion(), 0x0100);
    assert_int_equal(ObRegisterCallbacks(&reg, &handle), STATUS_SUCCESS);
    assert_int_equal(ObRegisterCallbacks(&reg, &other), (NTSTATUS)0xC01C0011L);

    assert_int_equal(ObOpenObjectByPointer(KeGetCurrentThread(), 0, NULL, 0x1FFFFF, *PsThreadType,
                                           KernelMode, &h), STATUS_SUCCESS);
    assert_int_equal(pre_calls, 1);
    assert_int_equal(last_op, OB_OPERATION_HANDLE_CREATE);
    assert_false(last_kernel);
    assert_ptr_equal(last_object, KeGetCurrentThread());
    assert_int_equal(pre_original, 0x1FFFFF);
    assert_int_equal(post_calls, 1);
    assert_int_equal(post_granted, 0x1FFFFE);
    assert_ptr_equal(post_context, (PVOID)0x5678);
    assert_int_equal(ObReferenceObjectByHandle(h, 0, *PsThreadType, KernelMode, &obj, &hi),
                     STATUS_SUCCESS);
    assert_int_equal(hi.GrantedAccess, 0x1FFFFE);
    ObDereferenceObject(obj);

    assert_int_equal(ZwDuplicateObject(NtCurrentProcess(), h, NtCurrentProcess(), &d, 0, 0,
                                       DUPLICATE_SAME_ACCESS), STATUS_SUCCESS);
    assert_int_equal(last_op, OB_OPERATION_HANDLE_DUPLICATE);
    assert_int_equal(post_granted, 0x1FFFFC);
    assert_int_equal(ZwClose(d), STATUS_SUCCESS);

    /* Other types are not watched. */
    pre_calls = 0;
    {
        POBJECT_TYPE t = ob_create_type("CbOther", NULL, 0x1F0001);
        void *b;
        HANDLE hb;

        assert_int_equal(ob_create_object(t, 8, 0, NULL, &b), STATUS_SUCCESS);
        assert_int_equal(ob_open_handle(b, GENERIC_ALL, OBJ_KERNEL_HANDLE, &hb), STATUS_SUCCESS);
        assert_int_equal(pre_calls, 0);
        assert_int_equal(ZwClose(hb), STATUS_SUCCESS);
        ObDereferenceObject(b);
    }

    ObUnRegisterCallbacks(handle);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(ObOpenObjectByPointer(KeGetCurrentThread(), OBJ_KERNEL_HANDLE, NULL, 0x1FFFFF,
                                           *PsThreadType, KernelMode, &h), STATUS_SUCCESS);
    assert_int_equal(pre_calls, 0);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    /* The altitude is free again. */
    assert_int_equal(ObRegisterCallbacks(&reg, &handle), STATUS_SUCCESS);
    ObUnRegisterCallbacks(handle);
}

static void test_registration_rules(void **state)
{
    OB_OPERATION_REGISTRATION op = { PsProcessType, OB_OPERATION_HANDLE_CREATE, pre, NULL };
    OB_CALLBACK_REGISTRATION reg = { OB_FLT_REGISTRATION_VERSION, 1,
                                     { 10, 10, (PWCH)L"40000" }, NULL, &op };
    PVOID handle;

    (void)state;
    reg.Version = 0x0200;
    assert_int_equal(ObRegisterCallbacks(&reg, &handle), STATUS_INVALID_PARAMETER);
    reg.Version = OB_FLT_REGISTRATION_VERSION;
    reg.OperationRegistrationCount = 0;
    assert_int_equal(ObRegisterCallbacks(&reg, &handle), STATUS_INVALID_PARAMETER);
    reg.OperationRegistrationCount = 1;
    op.ObjectType = IoFileObjectType;
    assert_int_equal(ObRegisterCallbacks(&reg, &handle), STATUS_INVALID_PARAMETER);
    op.ObjectType = PsProcessType;
    op.Operations = 0x4;
    assert_int_equal(ObRegisterCallbacks(&reg, &handle), STATUS_INVALID_PARAMETER);
    op.Operations = OB_OPERATION_HANDLE_CREATE;
    reg.Altitude.Length = 0;
    assert_int_equal(ObRegisterCallbacks(&reg, &handle), STATUS_INVALID_PARAMETER);
    reg.Altitude.Length = 10;
    assert_int_equal(ObRegisterCallbacks(NULL, &handle), STATUS_INVALID_PARAMETER);
    assert_int_equal(ObRegisterCallbacks(&reg, &handle), STATUS_SUCCESS);
    ObUnRegisterCallbacks(handle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_callbacks),
        cmocka_unit_test(test_registration_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
