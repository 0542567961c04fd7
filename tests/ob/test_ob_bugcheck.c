/*
 * test_ob_bugcheck.c - reference-count misuse stops the system with the
 * Windows bug-check code (REFERENCE_BY_POINTER 0x18, BAD_OBJECT_HEADER
 * 0x189): each case runs in a forked child; the test asserts the child
 * died through the bug check path and left a report naming the code.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "ob/ob.h"
#include "krnl/krnl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static POBJECT_TYPE type;

static void *new_obj(void)
{
    void *b;

    if (!type)
        type = ob_create_type("BugObj", NULL, 0x1F0001);
    if (!NT_SUCCESS(ob_create_object(type, 16, 0, NULL, &b)))
        abort();
    return b;
}

static void over_dereference(void)
{
    void *b = new_obj();

    ObDereferenceObject(b);
    ObDereferenceObject(b);
}

static void reference_after_free(void)
{
    void *b = new_obj();

    ObDereferenceObject(b);
    ObReferenceObject(b);
}

static void dereference_below_handles(void)
{
    void *b = new_obj();
    HANDLE h;

    ob_open_handle(b, GENERIC_ALL, OBJ_KERNEL_HANDLE, &h);
    ObDereferenceObject(b);
    ObDereferenceObject(b);      /* the handle's reference, stolen */
}

static DECLSPEC_ALIGN(16) UCHAR not_an_object[256];

static void bad_header(void)
{
    ObReferenceObject(not_an_object + 128);
}

static void query_freed(void)
{
    void *b = new_obj();

    ObDereferenceObject(b);
    (void)ObGetObjectType(b);
}

static void close_at_dispatch(void)
{
    void *b = new_obj();
    HANDLE h;
    KIRQL old;

    ob_open_handle(b, GENERIC_ALL, OBJ_KERNEL_HANDLE, &h);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ZwClose(h);
}

static void by_handle_at_dispatch(void)
{
    void *b = new_obj(), *o;
    HANDLE h;
    KIRQL old;

    ob_open_handle(b, GENERIC_ALL, OBJ_KERNEL_HANDLE, &h);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ObReferenceObjectByHandle(h, 0, NULL, KernelMode, &o, NULL);
}

/* Runs fn in a child with its own state root; returns the code found in
 * the child's report (0 if none) after checking how the child ended. */
static ULONG run_child(void (*fn)(void))
{
    char root[] = "/tmp/ddk-ob-bugcheck-XXXXXX", crash[128], path[512], buf[4096];
    ULONG code = 0;
    int status;
    pid_t pid;
    DIR *d;
    struct dirent *e;

    assert_non_null(mkdtemp(root));
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        krnl_init(root);
        krnl_set_bugcheck_hook(NULL);
        fn();
        _exit(0);                  /* no bug check: the test fails below */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    snprintf(crash, sizeof(crash), "%s/crash", root);
    d = opendir(crash);
    assert_non_null(d);
    while ((e = readdir(d))) {
        FILE *f;
        size_t n;
        char *c;

        if (strncmp(e->d_name, "bugcheck-", 9))
            continue;
        snprintf(path, sizeof(path), "%s/%s", crash, e->d_name);
        f = fopen(path, "r");
        assert_non_null(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = 0;
        fclose(f);
        c = strstr(buf, "\"code_value\": ");
        assert_non_null(c);
        code = (ULONG)strtoul(c + 14, NULL, 10);
        unlink(path);
    }
    closedir(d);
    rmdir(crash);
    rmdir(root);
    return code;
}

static void test_over_dereference(void **state)
{
    (void)state;
    assert_int_equal(run_child(over_dereference), OB_BUGCHECK_REFERENCE_BY_POINTER);
}

static void test_reference_after_free(void **state)
{
    (void)state;
    assert_int_equal(run_child(reference_after_free), OB_BUGCHECK_REFERENCE_BY_POINTER);
}

static void test_dereference_below_handles(void **state)
{
    (void)state;
    assert_int_equal(run_child(dereference_below_handles), OB_BUGCHECK_REFERENCE_BY_POINTER);
}

static void test_bad_header(void **state)
{
    (void)state;
    assert_int_equal(run_child(bad_header), OB_BUGCHECK_BAD_OBJECT_HEADER);
}

static void test_query_freed(void **state)
{
    (void)state;
    assert_int_equal(run_child(query_freed), OB_BUGCHECK_REFERENCE_BY_POINTER);
}

static void test_irql(void **state)
{
    (void)state;
    assert_int_equal(run_child(close_at_dispatch), 0xA);
    assert_int_equal(run_child(by_handle_at_dispatch), 0xA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_over_dereference),
        cmocka_unit_test(test_reference_after_free),
        cmocka_unit_test(test_dereference_below_handles),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_query_freed),
        cmocka_unit_test(test_irql),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
