/*
 * test_ob.c - the object manager: reference counts and delete order,
 * handle validation (forged, stale, wrong type, wrong access), the
 * namespace with symbolic links and remainders, and the DDIs on top.
 */
#include <wdm.h>
#include "ob/ob.h"
#include "se/se.h"
#include "krnl/krnl.h"
#include "ke/ke.h"

#include <pthread.h>


#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static POBJECT_TYPE test_type, other_type;
static int deletes, closes;
static char order_log[64];             /* 'c' + count per close, 'd' per delete */
static KIRQL delete_irql;
static pthread_t delete_thread;
static ULONG last_close_count;
static void *deleted[16];

static void test_delete(void *body)
{
    if (deletes < 16)
        deleted[deletes] = body;
    delete_irql = KeGetCurrentIrql();
    if (strlen(order_log) < sizeof(order_log) - 1)
        strcat(order_log, "d");
    delete_thread = pthread_self();
    deletes++;
}

static void test_close(void *body, ULONG handle_count, KPROCESSOR_MODE mode)
{
    (void)body;
    (void)mode;
    closes++;
    last_close_count = handle_count;
    if (strlen(order_log) < sizeof(order_log) - 2) {
        char e[3] = { 'c', (char)('0' + (handle_count > 9 ? 9 : handle_count)), 0 };
        strcat(order_log, e);
    }
}

static NTSTATUS test_query_name(void *body, UNICODE_STRING *name)
{
    (void)body;
    return ob_string_dup(L"\\Device\\Owner\\file", sizeof(L"\\Device\\Owner\\file") - 2, name);
}

static int setup(void **state)
{
    static const struct ob_type_procs procs = { .delete_proc = test_delete,
                                                .close_proc = test_close };
    static const GENERIC_MAPPING map = { 0x20001, 0x20002, 0x20004, 0x1F000F };
    (void)state;
    if (!test_type) {
        test_type = ob_create_type("TestObj", &map, 0x1F000F);
        other_type = ob_create_type("OtherObj", NULL, 0x1F0001);
        ob_type_set_procedures(test_type, &procs);
    }
    deletes = closes = 0;
    order_log[0] = 0;
    memset(deleted, 0, sizeof(deleted));
    return 0;
}

static void *new_obj(void)
{
    void *b = NULL;

    assert_int_equal(ob_create_object(test_type, 40, 0, NULL, &b), STATUS_SUCCESS);
    assert_non_null(b);
    assert_int_equal((ULONG_PTR)b & 15, 0);
    return b;
}

static void init_us(UNICODE_STRING *u, const WCHAR *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    u->Buffer = (PWCH)s;
    u->Length = (USHORT)(n * 2);
    u->MaximumLength = u->Length;
}

/* ---- references ---------------------------------------------------------- */

static void test_refcount_and_delete(void **state)
{
    LONG before = ob_type_object_count(test_type);
    UCHAR *b = new_obj();

    (void)state;
    assert_int_equal(ob_type_object_count(test_type), before + 1);
    for (int i = 0; i < 40; i++)
        assert_int_equal(b[i], 0);                  /* zeroed body */
    assert_int_equal(ob_pointer_count(b), 1);
    assert_int_equal(ObfReferenceObject(b), 2);
    ObReferenceObject(b);
    assert_int_equal(ob_pointer_count(b), 3);
    assert_int_equal(ObfDereferenceObject(b), 2);
    ObDereferenceObject(b);
    assert_int_equal(deletes, 0);
    assert_ptr_equal(ObGetObjectType(b), test_type);
    assert_int_equal(ObReferenceObjectByPointer(b, 0, other_type, KernelMode),
                     STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(ObReferenceObjectByPointer(b, 0, test_type, KernelMode), STATUS_SUCCESS);
    ObDereferenceObjectWithTag(b, 'tseT');
    assert_int_equal(deletes, 0);
    ObDereferenceObject(b);                         /* the creator's reference */
    assert_int_equal(deletes, 1);
    assert_ptr_equal(deleted[0], b);
    assert_int_equal(ob_type_object_count(test_type), before);
    assert_false(ob_is_object(b));
}

static void test_handle_keeps_object_alive(void **state)
{
    void *b = new_obj(), *o;
    HANDLE h, h2;

    (void)state;
    assert_int_equal(ob_open_handle(b, GENERIC_ALL, OBJ_KERNEL_HANDLE, &h), STATUS_SUCCESS);
    assert_int_equal(ob_open_handle(b, GENERIC_READ, 0, &h2), STATUS_SUCCESS);
    assert_int_equal(ob_handle_count(b), 2);
    ObDereferenceObject(b);                         /* creator gone; the handles hold it */
    assert_int_equal(deletes, 0);
    assert_int_equal(ObReferenceObjectByHandle(h, 0, test_type, KernelMode, &o, NULL),
                     STATUS_SUCCESS);
    assert_ptr_equal(o, b);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(closes, 1);
    assert_int_equal(last_close_count, 1);
    assert_int_equal(ZwClose(h2), STATUS_SUCCESS);
    assert_int_equal(closes, 2);
    assert_int_equal(last_close_count, 0);          /* the last handle: io's cleanup */
    assert_int_equal(deletes, 0);                   /* o still referenced */
    ObDereferenceObject(o);
    assert_int_equal(deletes, 1);
}

/* Closes come before the delete, and a directory outlives its entries. */
static void test_delete_order(void **state)
{
    void *b = new_obj(), *dir;
    HANDLE h1, h2, hd;
    UNICODE_STRING n, rem;
    OBJECT_ATTRIBUTES oa;
    LONG dirs;

    (void)state;
    init_us(&n, L"\\Device");                 /* the namespace exists */
    assert_int_equal(ob_lookup(&n, 0, ob_directory_type(), &dir, NULL), STATUS_SUCCESS);
    ObDereferenceObject(dir);
    dirs = ob_type_object_count(ob_directory_type());
    assert_int_equal(ob_open_handle(b, GENERIC_ALL, OBJ_KERNEL_HANDLE, &h1), STATUS_SUCCESS);
    assert_int_equal(ob_open_handle(b, GENERIC_ALL, OBJ_KERNEL_HANDLE, &h2), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h2), STATUS_SUCCESS);
    ObDereferenceObject(b);
    assert_int_equal(ZwClose(h1), STATUS_SUCCESS);
    assert_string_equal(order_log, "c1c0d");

    /* A temporary directory holding a permanent entry: closing the
     * directory's handle removes its name, but the object lives on while
     * the entry does, and goes with it. */
    order_log[0] = 0;
    deletes = 0;
    init_us(&n, L"\\KernelObjects\\OrderDir");
    InitializeObjectAttributes(&oa, &n, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(ZwCreateDirectoryObject(&hd, DIRECTORY_ALL_ACCESS, &oa), STATUS_SUCCESS);
    assert_int_equal(ob_type_object_count(ob_directory_type()), dirs + 1);
    b = new_obj();
    init_us(&n, L"\\KernelObjects\\OrderDir\\Entry");
    assert_int_equal(ob_insert_object(b, &n, OBJ_PERMANENT), STATUS_SUCCESS);
    ObDereferenceObject(b);
    assert_int_equal(ZwClose(hd), STATUS_SUCCESS);
    init_us(&n, L"\\KernelObjects\\OrderDir");
    assert_int_equal(ob_lookup(&n, 0, NULL, &dir, &rem), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ob_type_object_count(ob_directory_type()), dirs + 1);
    assert_int_equal(deletes, 0);
    ObMakeTemporaryObject(b);                       /* the entry goes, then the directory */
    assert_int_equal(deletes, 1);
    assert_int_equal(ob_type_object_count(ob_directory_type()), dirs);
}

static void test_defer_delete(void **state)
{
    void *b = new_obj();

    (void)state;
    ObDereferenceObjectDeferDelete(b);
    ke_flush_work();
    assert_false(pthread_equal(delete_thread, pthread_self()));
    assert_int_equal(deletes, 1);
    assert_int_equal(delete_irql, PASSIVE_LEVEL);
}

/* The last dereference at DISPATCH_LEVEL: the delete runs later, on a
 * worker, at PASSIVE_LEVEL. */
static void test_delete_at_dispatch_is_deferred(void **state)
{
    void *b = new_obj();
    KIRQL old;

    (void)state;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ObDereferenceObject(b);
    KeLowerIrql(old);
    ke_flush_work();
    assert_false(pthread_equal(delete_thread, pthread_self()));
    assert_int_equal(delete_irql, PASSIVE_LEVEL);
    assert_int_equal(deletes, 1);

    /* At PASSIVE_LEVEL it runs at once, on the caller's thread. */
    b = new_obj();
    ObDereferenceObject(b);
    assert_int_equal(deletes, 2);
    assert_true(pthread_equal(delete_thread, pthread_self()));
}

/* ---- handles --------------------------------------------------------------- */

static void test_handle_values(void **state)
{
    void *b = new_obj(), *o = (void *)1;
    HANDLE hk, hu;

    (void)state;
    assert_int_equal(ob_open_handle(b, GENERIC_READ, OBJ_KERNEL_HANDLE, &hk), STATUS_SUCCESS);
    assert_int_equal(ob_open_handle(b, GENERIC_READ, 0, &hu), STATUS_SUCCESS);
    assert_int_equal((ULONG_PTR)hk & 3, 0);
    assert_int_equal((ULONG_PTR)hu & 3, 0);
    assert_true((LONG_PTR)hk < 0);                  /* kernel handles look negative */
    assert_true((LONG_PTR)hu > 0);
    /* Both are 32-bit values, sign-extended, as on 64-bit Windows. */
    assert_true((LONG_PTR)hk == (LONG_PTR)(LONG)(ULONG)(ULONG_PTR)hk);
    assert_true((ULONG_PTR)hu <= 0x7FFFFFFF);
    /* A kernel handle truncated and zero-extended is not that handle. */
    assert_int_equal(ObReferenceObjectByHandle((HANDLE)(ULONG_PTR)(ULONG)(ULONG_PTR)hk, 0,
                                               test_type, KernelMode, &o, NULL),
                     STATUS_INVALID_HANDLE);
    /* A kernel handle is refused to UserMode. */
    assert_int_equal(ObReferenceObjectByHandle(hk, 0, test_type, UserMode, &o, NULL),
                     STATUS_INVALID_HANDLE);
    assert_null(o);
    assert_int_equal(ObCloseHandle(hk, UserMode), STATUS_INVALID_HANDLE);
    /* NULL, pseudo and garbage values. */
    assert_int_equal(ObReferenceObjectByHandle(NULL, 0, NULL, KernelMode, &o, NULL),
                     STATUS_INVALID_HANDLE);
    assert_int_equal(ZwClose(NULL), STATUS_INVALID_HANDLE);
    assert_int_equal(ZwClose((HANDLE)(LONG_PTR)-7), STATUS_INVALID_HANDLE);
    assert_int_equal(ZwClose(hk), STATUS_SUCCESS);
    assert_int_equal(ZwClose(hu), STATUS_SUCCESS);
    ObDereferenceObject(b);
    assert_int_equal(deletes, 1);
}

static void test_stale_handles(void **state)
{
    void *b = new_obj(), *o;
    HANDLE h, stale[64];

    (void)state;
    for (int i = 0; i < 64; i++) {
        assert_int_equal(ob_open_handle(b, GENERIC_READ, 0, &stale[i]), STATUS_SUCCESS);
        assert_int_equal(ZwClose(stale[i]), STATUS_SUCCESS);
    }
    /* Slots are reused, values are not. */
    assert_int_equal(ob_open_handle(b, GENERIC_READ, 0, &h), STATUS_SUCCESS);
    for (int i = 0; i < 64; i++) {
        assert_true(stale[i] != h);
        assert_int_equal(ObReferenceObjectByHandle(stale[i], 0, NULL, KernelMode, &o, NULL),
                         STATUS_INVALID_HANDLE);
        assert_int_equal(ZwClose(stale[i]), STATUS_INVALID_HANDLE);
    }
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_INVALID_HANDLE);   /* double close */
    ObDereferenceObject(b);
}

static void test_forged_handles(void **state)
{
    void *b = new_obj(), *o;
    HANDLE h;
    ULONG before = ob_handle_table_count();
    unsigned seed = 12345;

    (void)state;
    assert_int_equal(ob_open_handle(b, GENERIC_READ, 0, &h), STATUS_SUCCESS);
    for (int i = 0; i < 100000; i++) {
        ULONG_PTR v;
        NTSTATUS s;

        seed = seed * 1103515245 + 12345;
        v = ((ULONG_PTR)seed << 33) ^ ((ULONG_PTR)rand_r(&seed) << 2) ^ (ULONG_PTR)i;
        if (i % 3 == 1)
            v &= 0xFFFFF;                           /* small values like real handles */
        else if (i % 3 == 2)
            v = (ULONG_PTR)(LONG_PTR)(LONG)(ULONG)v; /* any 32-bit value, sign-extended */
        if ((v & ~3ull) == ((ULONG_PTR)h & ~3ull))
            continue;
        s = ObReferenceObjectByHandle((HANDLE)v, 0, NULL, KernelMode, &o, NULL);
        assert_int_equal(s, STATUS_INVALID_HANDLE);
    }
    /* The low two bits are ignored, as on Windows. */
    assert_int_equal(ObReferenceObjectByHandle((HANDLE)((ULONG_PTR)h | 3), 0, NULL, KernelMode,
                                               &o, NULL), STATUS_SUCCESS);
    ObDereferenceObject(o);
    assert_int_equal(ob_handle_table_count(), before + 1);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    ObDereferenceObject(b);
}

static void test_wrong_type_and_access(void **state)
{
    void *b = new_obj(), *o = (void *)1;
    OBJECT_HANDLE_INFORMATION info;
    HANDLE h;

    (void)state;
    /* GENERIC_READ maps to 0x20001 with this type's mapping. */
    assert_int_equal(ob_open_handle(b, GENERIC_READ, 0, &h), STATUS_SUCCESS);
    assert_int_equal(ObReferenceObjectByHandle(h, 0, other_type, KernelMode, &o, NULL),
                     STATUS_OBJECT_TYPE_MISMATCH);
    assert_null(o);
    assert_int_equal(ObReferenceObjectByHandle(h, 0x1, test_type, UserMode, &o, &info),
                     STATUS_SUCCESS);
    assert_int_equal(info.GrantedAccess, 0x20001);
    ObDereferenceObject(o);
    assert_int_equal(ObReferenceObjectByHandle(h, GENERIC_READ, test_type, UserMode, &o, NULL),
                     STATUS_SUCCESS);
    ObDereferenceObject(o);
    assert_int_equal(ObReferenceObjectByHandle(h, 0x2, test_type, UserMode, &o, NULL),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(ObReferenceObjectByHandle(h, GENERIC_WRITE, test_type, UserMode, &o, NULL),
                     STATUS_ACCESS_DENIED);
    /* KernelMode callers are not access checked. */
    assert_int_equal(ObReferenceObjectByHandle(h, GENERIC_WRITE, test_type, KernelMode, &o, NULL),
                     STATUS_SUCCESS);
    ObDereferenceObject(o);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    ObDereferenceObject(b);
}

static void test_query_name_hook(void **state)
{
    static const struct ob_type_procs procs = { .query_name_proc = test_query_name };
    POBJECT_TYPE t = ob_create_type("NamedByOwner", NULL, 0x1F0001);
    UCHAR buf[256];
    POBJECT_NAME_INFORMATION ni = (POBJECT_NAME_INFORMATION)buf;
    ULONG len;
    void *b, *plain = new_obj();

    (void)state;
    ob_type_set_procedures(t, &procs);
    assert_int_equal(ob_create_object(t, 8, 0, NULL, &b), STATUS_SUCCESS);
    assert_int_equal(ObQueryNameString(b, ni, sizeof(buf), &len), STATUS_SUCCESS);
    assert_int_equal(ni->Name.Length, sizeof(L"\\Device\\Owner\\file") - 2);
    assert_memory_equal(ni->Name.Buffer, L"\\Device\\Owner\\file", ni->Name.Length);
    ObDereferenceObject(b);
    /* Unnamed without a hook: an empty name. */
    assert_int_equal(ObQueryNameString(plain, ni, sizeof(buf), &len), STATUS_SUCCESS);
    assert_int_equal(ni->Name.Length, 0);
    assert_int_equal(len, sizeof(OBJECT_NAME_INFORMATION));
    ObDereferenceObject(plain);
}

static void test_pseudo_handles(void **state)
{
    void *o;
    OBJECT_HANDLE_INFORMATION info;

    (void)state;
    assert_int_equal(ObReferenceObjectByHandle(NtCurrentThread(), 0, *PsThreadType, KernelMode,
                                               &o, &info), STATUS_SUCCESS);
    assert_ptr_equal(o, KeGetCurrentThread());
    ObDereferenceObject(o);
    assert_int_equal(ObReferenceObjectByHandle(NtCurrentProcess(), 0, *PsProcessType, UserMode,
                                               &o, NULL), STATUS_SUCCESS);
    assert_ptr_equal(o, PsGetCurrentProcess());
    ObDereferenceObject(o);
    assert_int_equal(ObReferenceObjectByHandle(NtCurrentProcess(), 0, *PsThreadType, KernelMode,
                                               &o, NULL), STATUS_OBJECT_TYPE_MISMATCH);
}

static void test_duplicate(void **state)
{
    void *b = new_obj(), *o;
    HANDLE h, d;

    (void)state;
    assert_int_equal(ob_open_handle(b, GENERIC_READ, OBJ_KERNEL_HANDLE, &h), STATUS_SUCCESS);
    assert_int_equal(ZwDuplicateObject(NtCurrentProcess(), h, NtCurrentProcess(), &d, 0, 0,
                                       DUPLICATE_SAME_ACCESS | DUPLICATE_SAME_ATTRIBUTES |
                                       DUPLICATE_CLOSE_SOURCE), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_INVALID_HANDLE);
    assert_int_equal(ObReferenceObjectByHandle(d, 0, test_type, KernelMode, &o, NULL),
                     STATUS_SUCCESS);
    assert_ptr_equal(o, b);
    ObDereferenceObject(o);
    assert_int_equal(ZwClose(d), STATUS_SUCCESS);
    ObDereferenceObject(b);
    assert_int_equal(deletes, 1);
}

/* ---- namespace ----------------------------------------------------------------- */

static void test_namespace_names(void **state)
{
    UNICODE_STRING n, rem;
    void *b = new_obj(), *o;
    UCHAR buf[256];
    POBJECT_NAME_INFORMATION ni = (POBJECT_NAME_INFORMATION)buf;
    ULONG len;

    (void)state;
    init_us(&n, L"\\Device\\ObTest0");
    assert_int_equal(ob_insert_object(b, &n, OBJ_PERMANENT), STATUS_SUCCESS);
    assert_int_equal(ob_insert_object(b, &n, 0), STATUS_INVALID_PARAMETER);
    {
        void *c = new_obj();
        UNICODE_STRING up;

        init_us(&up, L"\\DEVICE\\obtest0");
        assert_int_equal(ob_insert_object(c, &up, 0), STATUS_OBJECT_NAME_COLLISION);
        init_us(&up, L"\\NoSuchDir\\x");
        assert_int_equal(ob_insert_object(c, &up, 0), STATUS_OBJECT_PATH_NOT_FOUND);
        init_us(&up, L"relative");
        assert_int_equal(ob_insert_object(c, &up, 0), STATUS_OBJECT_NAME_INVALID);
        init_us(&up, L"\\Device\\");
        assert_int_equal(ob_insert_object(c, &up, 0), STATUS_OBJECT_NAME_INVALID);
        ObDereferenceObject(c);
    }
    ObDereferenceObject(b);                         /* the name keeps it */
    assert_int_equal(deletes, 1);                   /* only c */

    init_us(&n, L"\\device\\OBTEST0");
    assert_int_equal(ob_lookup(&n, 0, test_type, &o, &rem), STATUS_SUCCESS);
    assert_ptr_equal(o, b);
    assert_int_equal(rem.Length, 0);
    assert_int_equal(ObQueryNameString(o, ni, sizeof(OBJECT_NAME_INFORMATION), &len),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(len, sizeof(OBJECT_NAME_INFORMATION) + sizeof(L"\\Device\\ObTest0"));
    assert_int_equal(ObQueryNameString(o, ni, sizeof(buf), &len), STATUS_SUCCESS);
    assert_int_equal(ni->Name.Length, sizeof(L"\\Device\\ObTest0") - 2);
    assert_memory_equal(ni->Name.Buffer, L"\\Device\\ObTest0", ni->Name.Length);

    init_us(&n, L"\\Device\\ObTest0\\sub\\file.txt");
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_SUCCESS);
    assert_ptr_equal(o, b);
    assert_int_equal(rem.Length, sizeof(L"\\sub\\file.txt") - 2);
    assert_memory_equal(rem.Buffer, L"\\sub\\file.txt", rem.Length);
    ob_free_string(&rem);
    ObDereferenceObject(o);
    ObDereferenceObject(o);

    init_us(&n, L"\\Device\\Missing");
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_NAME_NOT_FOUND);
    init_us(&n, L"\\Nope\\Missing");
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_PATH_NOT_FOUND);
    init_us(&n, L"Device");
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_PATH_SYNTAX_BAD);

    /* Temporary again: the name (and with it the last reference) goes. */
    ObMakeTemporaryObject(b);
    assert_int_equal(deletes, 2);
    init_us(&n, L"\\Device\\ObTest0");
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_NAME_NOT_FOUND);
}

static void test_temporary_name_goes_with_last_handle(void **state)
{
    UNICODE_STRING n, rem;
    void *b = new_obj(), *o;
    HANDLE h;

    (void)state;
    init_us(&n, L"\\KernelObjects\\ObTemp");
    assert_int_equal(ob_insert_object(b, &n, 0), STATUS_SUCCESS);
    assert_int_equal(ob_open_handle(b, GENERIC_ALL, OBJ_KERNEL_HANDLE, &h), STATUS_SUCCESS);
    ObDereferenceObject(b);
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_SUCCESS);
    ObDereferenceObject(o);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(deletes, 1);
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_NAME_NOT_FOUND);
}

static void test_symlinks(void **state)
{
    UNICODE_STRING n, t, rem, q;
    void *b = new_obj(), *o, *link;
    WCHAR qbuf[64];
    HANDLE lh;
    OBJECT_ATTRIBUTES oa;
    ULONG rl;

    (void)state;
    init_us(&n, L"\\Device\\ObTarget");
    assert_int_equal(ob_insert_object(b, &n, OBJ_PERMANENT), STATUS_SUCCESS);
    init_us(&n, L"\\DosDevices\\ObLink");           /* through two links to \GLOBAL?? */
    init_us(&t, L"\\Device\\ObTarget");
    assert_int_equal(ob_create_symlink(&n, &t, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(ob_create_symlink(&n, &t, 0, NULL), STATUS_OBJECT_NAME_COLLISION);

    init_us(&n, L"\\GLOBAL??\\oblink");
    assert_int_equal(ob_lookup(&n, 0, test_type, &o, &rem), STATUS_SUCCESS);
    assert_ptr_equal(o, b);
    ObDereferenceObject(o);
    init_us(&n, L"\\??\\ObLink\\a\\b");
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_SUCCESS);
    assert_ptr_equal(o, b);
    assert_int_equal(rem.Length, sizeof(L"\\a\\b") - 2);
    assert_memory_equal(rem.Buffer, L"\\a\\b", rem.Length);
    ob_free_string(&rem);
    ObDereferenceObject(o);
    init_us(&n, L"\\GLOBAL??\\GLOBALROOT\\Device\\ObTarget");
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_SUCCESS);
    assert_ptr_equal(o, b);
    ObDereferenceObject(o);

    /* OBJ_OPENLINK gets the link itself; Zw* see the same. */
    init_us(&n, L"\\??\\ObLink");
    assert_int_equal(ob_lookup(&n, OBJ_OPENLINK, ob_symlink_type(), &link, &rem),
                     STATUS_SUCCESS);
    ObDereferenceObject(link);
    InitializeObjectAttributes(&oa, &n, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(ZwOpenSymbolicLinkObject(&lh, SYMBOLIC_LINK_QUERY, &oa), STATUS_SUCCESS);
    q.Buffer = qbuf;
    q.Length = 0;
    q.MaximumLength = 4;
    assert_int_equal(ZwQuerySymbolicLinkObject(lh, &q, &rl), STATUS_BUFFER_TOO_SMALL);
    q.MaximumLength = sizeof(qbuf);
    assert_int_equal(ZwQuerySymbolicLinkObject(lh, &q, &rl), STATUS_SUCCESS);
    assert_int_equal(q.Length, t.Length);
    assert_memory_equal(q.Buffer, t.Buffer, t.Length);
    assert_int_equal(ZwClose(lh), STATUS_SUCCESS);

    /* A loop ends. */
    init_us(&n, L"\\KernelObjects\\LoopA");
    init_us(&t, L"\\KernelObjects\\LoopB");
    assert_int_equal(ob_create_symlink(&n, &t, 0, NULL), STATUS_SUCCESS);
    init_us(&n, L"\\KernelObjects\\LoopB");
    init_us(&t, L"\\KernelObjects\\LoopA");
    assert_int_equal(ob_create_symlink(&n, &t, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_PATH_NOT_FOUND);
    assert_int_equal(ob_delete_symlink(&n), STATUS_SUCCESS);
    init_us(&n, L"\\KernelObjects\\LoopA");
    assert_int_equal(ob_delete_symlink(&n), STATUS_SUCCESS);

    /* IoDeleteSymbolicLink's path. */
    init_us(&n, L"\\DosDevices\\ObLink");
    assert_int_equal(ob_delete_symlink(&n), STATUS_SUCCESS);
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ob_delete_symlink(&n), STATUS_OBJECT_NAME_NOT_FOUND);
    init_us(&n, L"\\Device\\ObTarget");
    assert_int_equal(ob_delete_symlink(&n), STATUS_OBJECT_TYPE_MISMATCH);
    ObMakeTemporaryObject(b);
    ObDereferenceObject(b);
    assert_int_equal(deletes, 1);
}

static void test_directories_zw(void **state)
{
    UNICODE_STRING n, rel;
    OBJECT_ATTRIBUTES oa;
    HANDLE d, d2, sub;
    void *o;
    UNICODE_STRING rem;

    (void)state;
    init_us(&n, L"\\KernelObjects\\ObDir");
    InitializeObjectAttributes(&oa, &n, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(ZwCreateDirectoryObject(&d, DIRECTORY_ALL_ACCESS, &oa), STATUS_SUCCESS);
    assert_int_equal(ZwCreateDirectoryObject(&d2, DIRECTORY_ALL_ACCESS, &oa),
                     STATUS_OBJECT_NAME_COLLISION);
    oa.Attributes |= OBJ_OPENIF;
    assert_int_equal(ZwCreateDirectoryObject(&d2, DIRECTORY_ALL_ACCESS, &oa),
                     STATUS_OBJECT_NAME_EXISTS);
    assert_int_equal(ZwClose(d2), STATUS_SUCCESS);
    init_us(&rel, L"Sub");
    InitializeObjectAttributes(&oa, &rel, OBJ_KERNEL_HANDLE, d, NULL);
    assert_int_equal(ZwCreateDirectoryObject(&sub, DIRECTORY_ALL_ACCESS, &oa), STATUS_SUCCESS);
    init_us(&n, L"\\KernelObjects\\ObDir\\Sub");
    assert_int_equal(ob_lookup(&n, 0, ob_directory_type(), &o, &rem), STATUS_SUCCESS);
    ObDereferenceObject(o);
    InitializeObjectAttributes(&oa, &n, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(ZwOpenDirectoryObject(&d2, DIRECTORY_QUERY, &oa), STATUS_SUCCESS);
    assert_int_equal(ZwClose(d2), STATUS_SUCCESS);
    assert_int_equal(ZwClose(sub), STATUS_SUCCESS);
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ZwClose(d), STATUS_SUCCESS);
    init_us(&n, L"\\KernelObjects\\ObDir");
    assert_int_equal(ob_lookup(&n, 0, NULL, &o, &rem), STATUS_OBJECT_NAME_NOT_FOUND);
}

static void test_by_name_and_open_by_pointer(void **state)
{
    UNICODE_STRING n;
    void *b = new_obj(), *o;
    HANDLE h;
    PSECURITY_DESCRIPTOR sd;
    struct se_identity user;
    const struct se_identity *prev;

    (void)state;
    assert_int_equal(se_sddl_to_sd_a("D:P(A;;GA;;;SY)", &sd, NULL), STATUS_SUCCESS);
    assert_int_equal(ob_set_security(b, sd), STATUS_SUCCESS);
    se_free_sd(sd);
    init_us(&n, L"\\Driver\\ObByName");
    assert_int_equal(ob_insert_object(b, &n, OBJ_PERMANENT), STATUS_SUCCESS);
    assert_int_equal(ObReferenceObjectByName(&n, OBJ_CASE_INSENSITIVE, NULL, 0, other_type,
                                             KernelMode, NULL, &o), STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(ObReferenceObjectByName(&n, OBJ_CASE_INSENSITIVE, NULL, 0, test_type,
                                             KernelMode, NULL, &o), STATUS_SUCCESS);
    ObDereferenceObject(o);
    /* A user-mode open by an ordinary user is checked against the SD. */
    se_identity_init(&user, 1000, 1000, NULL, 0);
    prev = se_set_thread_identity(&user);
    assert_int_equal(ObOpenObjectByPointer(b, 0, NULL, GENERIC_READ, test_type, UserMode, &h),
                     STATUS_ACCESS_DENIED);
    se_set_thread_identity(prev);
    assert_int_equal(ObOpenObjectByPointer(b, 0, NULL, GENERIC_READ, test_type, UserMode, &h),
                     STATUS_SUCCESS);
    assert_int_equal(ObCloseHandle(h, UserMode), STATUS_SUCCESS);
    ObMakeTemporaryObject(b);
    ObDereferenceObject(b);
    assert_int_equal(deletes, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_refcount_and_delete, setup),
        cmocka_unit_test_setup(test_handle_keeps_object_alive, setup),
        cmocka_unit_test_setup(test_delete_order, setup),
        cmocka_unit_test_setup(test_defer_delete, setup),
        cmocka_unit_test_setup(test_delete_at_dispatch_is_deferred, setup),
        cmocka_unit_test_setup(test_handle_values, setup),
        cmocka_unit_test_setup(test_stale_handles, setup),
        cmocka_unit_test_setup(test_forged_handles, setup),
        cmocka_unit_test_setup(test_wrong_type_and_access, setup),
        cmocka_unit_test_setup(test_query_name_hook, setup),
        cmocka_unit_test_setup(test_pseudo_handles, setup),
        cmocka_unit_test_setup(test_duplicate, setup),
        cmocka_unit_test_setup(test_namespace_names, setup),
        cmocka_unit_test_setup(test_temporary_name_goes_with_last_handle, setup),
        cmocka_unit_test_setup(test_symlinks, setup),
        cmocka_unit_test_setup(test_directories_zw, setup),
        cmocka_unit_test_setup(test_by_name_and_open_by_pointer, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
