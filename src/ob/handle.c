/*
 * ob/handle.c - the handle table.
 *
 * Design: one table for the process (the executive is one "system
 * process"), an array of entries grown by doubling, guarded by one mutex.
 * Handle values are 32-bit numbers, sign-extended, as on 64-bit Windows
 * (HandleToLong / LongToHandle round-trip them): (index + 1) << 2 in bits
 * 2..21, the entry's generation in bits 22..30, and bit 31 set (so the
 * value looks negative) for an OBJ_KERNEL_HANDLE. Bits 0..1 are ignored
 * (Windows leaves them to applications). A slot's generation advances
 * every time it is freed and freed slots are reused in FIFO order, so a
 * stale handle finds a different generation and a forged one almost
 * never matches: both get STATUS_INVALID_HANDLE, never a crash.
 *
 * Every entry holds one pointer reference and counts in the object's
 * handle count. The type's close procedure runs after the entry is gone,
 * outside the lock, with the number of handles that remain.
 */
#include "ob/obp.h"
#include "krnl/krnl.h"

#include <pthread.h>
#include <stdlib.h>

#define OB_INDEX_BITS   20
#define OB_GEN_BITS     9
#define OB_INDEX_SHIFT  2
#define OB_GEN_SHIFT    (OB_INDEX_SHIFT + OB_INDEX_BITS)
#define OB_INDEX_MASK   ((1u << OB_INDEX_BITS) - 1)
#define OB_GEN_MASK     ((1u << OB_GEN_BITS) - 1)
#define OB_KERNEL_BITS  0xFFFFFFFF80000000ull   /* bit 31, sign-extended */
#define OB_MAX_HANDLES  (OB_INDEX_MASK - 1)
#define OB_NO_FREE      0xFFFFFFFFu

_Static_assert(OB_GEN_SHIFT + OB_GEN_BITS == 31, "handle fields fill bits 2..30");

struct ob_handle_entry {
    struct ob_header *object;   /* NULL: free */
    ACCESS_MASK granted;
    ULONG attributes;           /* OBJ_KERNEL_HANDLE, OBJ_INHERIT */
    ULONG generation;
    ULONG next_free;
};

/* All fields: ob_handle_lock. */
static pthread_mutex_t ob_handle_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ob_handle_entry *ob_handles;
static ULONG ob_handle_capacity;
static ULONG ob_handle_used;        /* slots ever handed out (high-water mark) */
static ULONG ob_handle_live;        /* open handles */
static ULONG ob_free_head = OB_NO_FREE, ob_free_tail = OB_NO_FREE;

static HANDLE ob_encode(ULONG index, ULONG generation, ULONG attributes)
{
    ULONG64 v = ((ULONG64)(index + 1) << OB_INDEX_SHIFT) |
                ((ULONG64)(generation & OB_GEN_MASK) << OB_GEN_SHIFT);

    if (attributes & OBJ_KERNEL_HANDLE)
        v |= OB_KERNEL_BITS;
    return (HANDLE)(ULONG_PTR)v;
}

/* Finds the live entry of a handle value; lock held. NULL if invalid. */
static struct ob_handle_entry *ob_decode_locked(HANDLE handle, KPROCESSOR_MODE mode, ULONG *index)
{
    ULONG64 v = (ULONG64)(ULONG_PTR)handle & ~3ull;
    ULONG64 top = v & OB_KERNEL_BITS;
    BOOLEAN kernel;
    ULONG i, gen;
    struct ob_handle_entry *e;

    if (top != 0 && top != OB_KERNEL_BITS)
        return NULL;                    /* not a sign-extended 32-bit value */
    kernel = top != 0;
    i = (ULONG)((v >> OB_INDEX_SHIFT) & OB_INDEX_MASK);
    gen = (ULONG)((v >> OB_GEN_SHIFT) & OB_GEN_MASK);
    if (i == 0 || i - 1 >= ob_handle_used)
        return NULL;
    e = &ob_handles[i - 1];
    if (!e->object || (e->generation & OB_GEN_MASK) != gen)
        return NULL;
    if (kernel != !!(e->attributes & OBJ_KERNEL_HANDLE))
        return NULL;
    if (kernel && mode != KernelMode)
        return NULL;
    *index = i - 1;
    return e;
}

static NTSTATUS ob_alloc_slot_locked(ULONG *index)
{
    if (ob_free_head != OB_NO_FREE) {
        *index = ob_free_head;
        ob_free_head = ob_handles[*index].next_free;
        if (ob_free_head == OB_NO_FREE)
            ob_free_tail = OB_NO_FREE;
        return STATUS_SUCCESS;
    }
    if (ob_handle_used == ob_handle_capacity) {
        ULONG cap = ob_handle_capacity ? ob_handle_capacity * 2 : 256;
        struct ob_handle_entry *n;

        if (cap > OB_MAX_HANDLES)
            cap = OB_MAX_HANDLES;
        if (cap <= ob_handle_capacity)
            return STATUS_INSUFFICIENT_RESOURCES;
        n = realloc(ob_handles, cap * sizeof(*n));
        if (!n)
            return STATUS_INSUFFICIENT_RESOURCES;
        ob_handles = n;
        ob_handle_capacity = cap;
    }
    *index = ob_handle_used++;
    ob_handles[*index].generation = 1;
    return STATUS_SUCCESS;
}

NTSTATUS ob_open_handle(void *body, ACCESS_MASK granted, ULONG attributes, HANDLE *handle)
{
    return ob_open_handle_op(body, granted, attributes, handle, OB_OPERATION_HANDLE_CREATE);
}

NTSTATUS ob_open_handle_op(void *body, ACCESS_MASK granted, ULONG attributes, HANDLE *handle,
                           OB_OPERATION op)
{
    struct ob_header *h = ob_header_of(body, "ob_open_handle");
    struct ob_handle_entry *e;
    NTSTATUS status;
    ULONG index;
    void *cb;

    if (!handle)
        return STATUS_INVALID_PARAMETER;
    *handle = NULL;
    granted = ob_map_access(h->type, granted);
    granted = ob_callbacks_pre(h, op, !!(attributes & OBJ_KERNEL_HANDLE), granted, &cb);
    ob_reference(body);                 /* the handle's reference */
    pthread_mutex_lock(&ob_handle_lock);
    status = ob_alloc_slot_locked(&index);
    if (NT_SUCCESS(status)) {
        e = &ob_handles[index];
        e->object = h;
        e->granted = granted;
        e->attributes = attributes & (OBJ_KERNEL_HANDLE | OBJ_INHERIT);
        e->next_free = OB_NO_FREE;
        __atomic_add_fetch(&h->handle_count, 1, __ATOMIC_ACQ_REL);
        ob_handle_live++;
        *handle = ob_encode(index, e->generation, e->attributes);
    }
    pthread_mutex_unlock(&ob_handle_lock);
    if (!NT_SUCCESS(status))
        ob_dereference(body);
    ob_callbacks_post(cb, NT_SUCCESS(status) ? granted : 0, status);
    return status;
}

NTSTATUS ob_reference_by_handle(HANDLE handle, ACCESS_MASK desired, POBJECT_TYPE type,
                                KPROCESSOR_MODE mode, void **body,
                                POBJECT_HANDLE_INFORMATION info)
{
    struct ob_handle_entry *e;
    struct ob_header *h;
    ACCESS_MASK granted;
    ULONG attributes, index;

    if (!body)
        return STATUS_INVALID_PARAMETER;
    *body = NULL;
    pthread_mutex_lock(&ob_handle_lock);
    e = ob_decode_locked(handle, mode, &index);
    if (!e) {
        pthread_mutex_unlock(&ob_handle_lock);
        return STATUS_INVALID_HANDLE;
    }
    h = e->object;
    granted = e->granted;
    attributes = e->attributes;
    if (type && h->type != type) {
        pthread_mutex_unlock(&ob_handle_lock);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    if (mode != KernelMode) {
        ACCESS_MASK want = ob_map_access(h->type, desired) & ~MAXIMUM_ALLOWED;

        if ((want & granted) != want) {
            pthread_mutex_unlock(&ob_handle_lock);
            return STATUS_ACCESS_DENIED;
        }
    }
    /* The entry's reference keeps h alive while we add ours. */
    __atomic_add_fetch(&h->pointer_count, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&ob_handle_lock);
    if (info) {
        info->HandleAttributes = attributes & ~OBJ_KERNEL_HANDLE;
        info->GrantedAccess = granted;
    }
    *body = h->body;
    return STATUS_SUCCESS;
}

/* Entry details for ZwDuplicateObject. */
NTSTATUS ob_handle_info(HANDLE handle, KPROCESSOR_MODE mode, ACCESS_MASK *granted,
                        ULONG *attributes);
NTSTATUS ob_handle_info(HANDLE handle, KPROCESSOR_MODE mode, ACCESS_MASK *granted,
                        ULONG *attributes)
{
    struct ob_handle_entry *e;
    ULONG index;

    pthread_mutex_lock(&ob_handle_lock);
    e = ob_decode_locked(handle, mode, &index);
    if (e) {
        *granted = e->granted;
        *attributes = e->attributes;
    }
    pthread_mutex_unlock(&ob_handle_lock);
    return e ? STATUS_SUCCESS : STATUS_INVALID_HANDLE;
}

NTSTATUS ob_close_handle(HANDLE handle, KPROCESSOR_MODE mode)
{
    struct ob_handle_entry *e;
    struct ob_header *h;
    LONG remaining;
    ULONG index;

    pthread_mutex_lock(&ob_handle_lock);
    e = ob_decode_locked(handle, mode, &index);
    if (!e) {
        pthread_mutex_unlock(&ob_handle_lock);
        return STATUS_INVALID_HANDLE;
    }
    h = e->object;
    e->object = NULL;
    e->granted = 0;
    e->generation = (e->generation + 1) & OB_GEN_MASK;
    if (e->generation == 0)
        e->generation = 1;
    e->next_free = OB_NO_FREE;
    if (ob_free_tail == OB_NO_FREE)
        ob_free_head = index;
    else
        ob_handles[ob_free_tail].next_free = index;
    ob_free_tail = index;
    ob_handle_live--;
    remaining = __atomic_sub_fetch(&h->handle_count, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&ob_handle_lock);

    if (h->type->procs.close_proc)
        h->type->procs.close_proc(h->body, (ULONG)remaining, mode);
    if (remaining == 0)
        ob_name_check(h);
    ob_dereference(h->body);            /* the handle's reference */
    return STATUS_SUCCESS;
}

ULONG ob_handle_table_count(void)
{
    ULONG n;

    pthread_mutex_lock(&ob_handle_lock);
    n = ob_handle_live;
    pthread_mutex_unlock(&ob_handle_lock);
    return n;
}
