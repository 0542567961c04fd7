/*
 * ob/object.c - object types, object headers and reference counts.
 *
 * Design: an object is one allocation, a struct ob_header followed by the
 * body the owner sees. The pointer count is the object's life: it starts
 * at 1 (the creator's), every handle and every namespace entry holds one
 * more, and when it reaches 0 the type's delete procedure runs, at
 * PASSIVE_LEVEL (a last dereference at raised IRQL hands the delete to a
 * worker through the WORK_QUEUE_ITEM kept in the header, so it cannot
 * fail for lack of memory). Freed headers are not returned to the heap at
 * once: the last OB_QUARANTINE of them stay, poisoned with OB_MAGIC_FREED,
 * so that a driver touching an object after its last dereference meets a
 * bug check (REFERENCE_BY_POINTER) instead of silently corrupting memory.
 *
 * Memory comes from libc, not from the tagged pool: object memory is the
 * executive's, no driver tag applies to it.
 */
#include "ob/obp.h"
#include "se/se.h"
#include "krnl/krnl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- the standard types ---------------------------------------------- */

#define OB_STD_TYPE(var, tname, r, w, x, a)                                  \
    static struct _OBJECT_TYPE var = {                                       \
        .magic = OB_TYPE_MAGIC, .name = tname,                               \
        .mapping = { (r), (w), (x), (a) }, .valid_access = (a) }

OB_STD_TYPE(ob_type_file, "File", FILE_GENERIC_READ, FILE_GENERIC_WRITE,
            FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS);
OB_STD_TYPE(ob_type_device, "Device", FILE_GENERIC_READ, FILE_GENERIC_WRITE,
            FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS);
OB_STD_TYPE(ob_type_driver, "Driver", STANDARD_RIGHTS_READ, STANDARD_RIGHTS_WRITE,
            STANDARD_RIGHTS_EXECUTE, STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF);
OB_STD_TYPE(ob_type_device_handler, "DeviceHandler", STANDARD_RIGHTS_READ,
            STANDARD_RIGHTS_WRITE, STANDARD_RIGHTS_EXECUTE,
            STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF);
/* EVENT_QUERY_STATE 1, EVENT_MODIFY_STATE 2 (the same for semaphores). */
OB_STD_TYPE(ob_type_event, "Event", STANDARD_RIGHTS_READ | 0x1, STANDARD_RIGHTS_WRITE | 0x2,
            STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3);
OB_STD_TYPE(ob_type_semaphore, "Semaphore", STANDARD_RIGHTS_READ | 0x1,
            STANDARD_RIGHTS_WRITE | 0x2, STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
            STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3);
OB_STD_TYPE(ob_type_thread, "Thread", STANDARD_RIGHTS_READ | 0x0048,
            STANDARD_RIGHTS_WRITE | 0x0037, STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
            STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF);
OB_STD_TYPE(ob_type_process, "Process", STANDARD_RIGHTS_READ | 0x0410,
            STANDARD_RIGHTS_WRITE | 0x0BEA, STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
            STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF);
/* KEY_READ, KEY_WRITE, KEY_EXECUTE, KEY_ALL_ACCESS. */
OB_STD_TYPE(ob_type_key, "Key", 0x20019, 0x20006, 0x20019, 0xF003F);
/* TOKEN_READ, TOKEN_WRITE, TOKEN_EXECUTE, TOKEN_ALL_ACCESS. */
OB_STD_TYPE(ob_type_token, "Token", 0x20008, 0x200E0, 0x20000, 0xF01FF);
OB_STD_TYPE(ob_type_directory, "Directory",
            STANDARD_RIGHTS_READ | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
            STANDARD_RIGHTS_WRITE | DIRECTORY_CREATE_OBJECT | DIRECTORY_CREATE_SUBDIRECTORY,
            STANDARD_RIGHTS_EXECUTE | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
            DIRECTORY_ALL_ACCESS);
OB_STD_TYPE(ob_type_symlink, "SymbolicLink", STANDARD_RIGHTS_READ | SYMBOLIC_LINK_QUERY,
            STANDARD_RIGHTS_WRITE, STANDARD_RIGHTS_EXECUTE | SYMBOLIC_LINK_QUERY,
            SYMBOLIC_LINK_ALL_ACCESS);

static POBJECT_TYPE ob_ptr_file = &ob_type_file;
static POBJECT_TYPE ob_ptr_device = &ob_type_device;
static POBJECT_TYPE ob_ptr_driver = &ob_type_driver;
static POBJECT_TYPE ob_ptr_device_handler = &ob_type_device_handler;
static POBJECT_TYPE ob_ptr_event = &ob_type_event;
static POBJECT_TYPE ob_ptr_semaphore = &ob_type_semaphore;
static POBJECT_TYPE ob_ptr_thread = &ob_type_thread;
static POBJECT_TYPE ob_ptr_process = &ob_type_process;
static POBJECT_TYPE ob_ptr_key = &ob_type_key;
static POBJECT_TYPE ob_ptr_token = &ob_type_token;

POBJECT_TYPE *IoFileObjectType = &ob_ptr_file;
POBJECT_TYPE *IoDeviceObjectType = &ob_ptr_device;
POBJECT_TYPE *IoDriverObjectType = &ob_ptr_driver;
POBJECT_TYPE *IoDeviceHandlerObjectType = &ob_ptr_device_handler;
POBJECT_TYPE *ExEventObjectType = &ob_ptr_event;
POBJECT_TYPE *ExSemaphoreObjectType = &ob_ptr_semaphore;
POBJECT_TYPE *PsThreadType = &ob_ptr_thread;
POBJECT_TYPE *PsProcessType = &ob_ptr_process;
POBJECT_TYPE *CmKeyObjectType = &ob_ptr_key;
POBJECT_TYPE *SeTokenObjectType = &ob_ptr_token;

POBJECT_TYPE ob_directory_type(void) { return &ob_type_directory; }
POBJECT_TYPE ob_symlink_type(void) { return &ob_type_symlink; }

POBJECT_TYPE ob_create_type(const char *name, const GENERIC_MAPPING *mapping,
                            ACCESS_MASK valid_access)
{
    struct _OBJECT_TYPE *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->magic = OB_TYPE_MAGIC;
    strncpy(t->name, name ? name : "?", sizeof(t->name) - 1);
    t->valid_access = valid_access;
    if (mapping)
        t->mapping = *mapping;
    else
        t->mapping = (GENERIC_MAPPING){ valid_access, valid_access, valid_access, valid_access };
    return t;
}

void ob_type_set_procedures(POBJECT_TYPE type, const struct ob_type_procs *procs)
{
    if (type && procs)
        type->procs = *procs;
}

const char *ob_type_name(POBJECT_TYPE type) { return type ? type->name : NULL; }
const GENERIC_MAPPING *ob_type_mapping(POBJECT_TYPE type) { return type ? &type->mapping : NULL; }
LONG ob_type_object_count(POBJECT_TYPE type)
{
    return type ? __atomic_load_n(&type->object_count, __ATOMIC_ACQUIRE) : 0;
}

ACCESS_MASK ob_map_access(POBJECT_TYPE type, ACCESS_MASK desired)
{
    if (desired & MAXIMUM_ALLOWED)
        desired = (desired & ~MAXIMUM_ALLOWED) | GENERIC_ALL;
    RtlMapGenericMask(&desired, &type->mapping);
    return desired;
}

/* ---- headers ----------------------------------------------------------------- */

struct ob_header *ob_header_of(void *body, const char *ddi)
{
    struct ob_header *h;

    if (!body)
        krnl_bugcheck(OB_BUGCHECK_BAD_OBJECT_HEADER, 0, 0, 0, 0, NULL,
                      "%s: NULL object pointer", ddi);
    h = CONTAINING_RECORD(body, struct ob_header, body);
    if (h->magic == OB_MAGIC_LIVE)
        return h;
    if (h->magic == OB_MAGIC_FREED)
        krnl_bugcheck(OB_BUGCHECK_REFERENCE_BY_POINTER, (ULONG_PTR)h->type,
                      (ULONG_PTR)body, 0, 0, NULL,
                      "%s: object %p (type %s) was used after its last reference was released",
                      ddi, body, h->type ? h->type->name : "?");
    krnl_bugcheck(OB_BUGCHECK_BAD_OBJECT_HEADER, (ULONG_PTR)body, (ULONG_PTR)h->magic, 0, 0,
                  NULL, "%s: %p is not an object (bad header)", ddi, body);
}

BOOLEAN ob_is_object(void *body)
{
    struct ob_header *h;

    if (!body || ((ULONG_PTR)body & 15))
        return FALSE;
    h = CONTAINING_RECORD(body, struct ob_header, body);
    return h->magic == OB_MAGIC_LIVE;
}

NTSTATUS ob_create_object(POBJECT_TYPE type, ULONG body_size, ULONG attributes,
                          PSECURITY_DESCRIPTOR sd, void **body)
{
    struct ob_header *h;
    NTSTATUS status;

    if (!body)
        return STATUS_INVALID_PARAMETER;
    *body = NULL;
    if (!type || type->magic != OB_TYPE_MAGIC)
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (body_size > 0x7fffffff - sizeof(*h))
        return STATUS_INVALID_PARAMETER;
    h = aligned_alloc(16, (sizeof(*h) + body_size + 15) & ~(size_t)15);
    if (!h)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(h, 0, sizeof(*h) + body_size);
    if (sd) {
        status = se_copy_sd(sd, &h->sd, NULL);
        if (!NT_SUCCESS(status)) {
            free(h);
            return status;
        }
    }
    h->type = type;
    h->body_size = body_size;
    h->pointer_count = 1;
    h->flags = (attributes & OBJ_PERMANENT) ? OB_FLAG_PERMANENT : 0;
    __atomic_add_fetch(&type->object_count, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&h->magic, OB_MAGIC_LIVE, __ATOMIC_RELEASE);
    *body = h->body;
    return STATUS_SUCCESS;
}

/* ---- deletion ------------------------------------------------------------------ */

#define OB_QUARANTINE 1024
static pthread_mutex_t ob_quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ob_header *ob_quarantine[OB_QUARANTINE];   /* ob_quarantine_lock */
static unsigned ob_quarantine_next;                       /* ob_quarantine_lock */

static void ob_free_header(struct ob_header *h)
{
    struct ob_header *old;

    __atomic_store_n(&h->magic, OB_MAGIC_FREED, __ATOMIC_RELEASE);
    pthread_mutex_lock(&ob_quarantine_lock);
    old = ob_quarantine[ob_quarantine_next];
    ob_quarantine[ob_quarantine_next] = h;
    ob_quarantine_next = (ob_quarantine_next + 1) % OB_QUARANTINE;
    pthread_mutex_unlock(&ob_quarantine_lock);
    free(old);
}

static void ob_delete(struct ob_header *h)
{
    POBJECT_TYPE type = h->type;

    if (type->procs.delete_proc)
        type->procs.delete_proc(h->body);
    se_free_sd(h->sd);
    h->sd = NULL;
    __atomic_sub_fetch(&type->object_count, 1, __ATOMIC_RELEASE);
    ob_free_header(h);
}

static void NTAPI ob_deferred_delete(PVOID context)
{
    ob_delete(context);
}

static void ob_last_reference(struct ob_header *h, BOOLEAN defer)
{
    if (h->handle_count != 0 || (h->flags & OB_FLAG_NAMED))
        krnl_bugcheck(OB_BUGCHECK_REFERENCE_BY_POINTER, (ULONG_PTR)h->type, (ULONG_PTR)h->body,
                      0, (ULONG_PTR)h->handle_count, NULL,
                      "object %p (type %s): last reference released while %ld handle(s) "
                      "or a name still use it", h->body, h->type->name, (long)h->handle_count);
    if (defer || ob_current_irql() > APC_LEVEL) {
        h->defer_item.WorkerRoutine = ob_deferred_delete;
        h->defer_item.Parameter = h;
        if (ob_queue_work(&h->defer_item))
            return;
    }
    ob_delete(h);
}

static LONG_PTR ob_deref_common(void *body, BOOLEAN defer, const char *ddi)
{
    struct ob_header *h = ob_header_of(body, ddi);
    LONG_PTR n = __atomic_sub_fetch(&h->pointer_count, 1, __ATOMIC_ACQ_REL);

    if (n > 0)
        return n;
    if (n < 0)
        krnl_bugcheck(OB_BUGCHECK_REFERENCE_BY_POINTER, (ULONG_PTR)h->type, (ULONG_PTR)body,
                      (ULONG_PTR)n, (ULONG_PTR)h->handle_count, NULL,
                      "%s: object %p (type %s) dereferenced more often than referenced",
                      ddi, body, h->type->name);
    ob_last_reference(h, defer);
    return 0;
}

LONG_PTR ob_reference_count_ddi(void *body, const char *ddi);
LONG_PTR ob_dereference_count_ddi(void *body, BOOLEAN defer, const char *ddi);

LONG_PTR ob_reference_count_ddi(void *body, const char *ddi)
{
    struct ob_header *h = ob_header_of(body, ddi);
    LONG_PTR n = __atomic_add_fetch(&h->pointer_count, 1, __ATOMIC_ACQ_REL);

    if (n <= 1)
        krnl_bugcheck(OB_BUGCHECK_REFERENCE_BY_POINTER, (ULONG_PTR)h->type, (ULONG_PTR)body,
                      (ULONG_PTR)n, (ULONG_PTR)h->handle_count, NULL,
                      "%s: object %p (type %s) referenced after its last reference was released",
                      ddi, body, h->type->name);
    return n;
}

LONG_PTR ob_dereference_count_ddi(void *body, BOOLEAN defer, const char *ddi)
{
    return ob_deref_common(body, defer, ddi);
}

void *ob_reference(void *body)
{
    ob_reference_count_ddi(body, "ob_reference");
    return body;
}

void ob_dereference(void *body)
{
    if (body)
        ob_deref_common(body, FALSE, "ob_dereference");
}

void ob_dereference_defer_delete(void *body)
{
    if (body)
        ob_deref_common(body, TRUE, "ob_dereference_defer_delete");
}

BOOLEAN ob_reference_if_alive(void *body)
{
    struct ob_header *h = ob_header_of(body, "ob_reference_if_alive");
    LONG_PTR n = __atomic_load_n(&h->pointer_count, __ATOMIC_ACQUIRE);

    while (n > 0) {
        if (__atomic_compare_exchange_n(&h->pointer_count, &n, n + 1, FALSE,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return TRUE;
    }
    return FALSE;
}

POBJECT_TYPE ob_object_type(void *body)
{
    return ob_header_of(body, "ob_object_type")->type;
}

LONG_PTR ob_pointer_count(void *body)
{
    return __atomic_load_n(&ob_header_of(body, "ob_pointer_count")->pointer_count,
                           __ATOMIC_ACQUIRE);
}

LONG ob_handle_count(void *body)
{
    return __atomic_load_n(&ob_header_of(body, "ob_handle_count")->handle_count,
                           __ATOMIC_ACQUIRE);
}

/* ---- security -------------------------------------------------------------------- */

/* Guards the sd field of every header: swaps are rare, readers copy. */
static pthread_mutex_t ob_sd_lock = PTHREAD_MUTEX_INITIALIZER;

PSECURITY_DESCRIPTOR ob_object_security(void *body)
{
    return ob_header_of(body, "ob_object_security")->sd;
}

NTSTATUS ob_copy_object_security(void *body, PSECURITY_DESCRIPTOR *copy);
NTSTATUS ob_copy_object_security(void *body, PSECURITY_DESCRIPTOR *copy)
{
    struct ob_header *h = ob_header_of(body, "ob_copy_object_security");
    NTSTATUS status = STATUS_SUCCESS;

    *copy = NULL;
    pthread_mutex_lock(&ob_sd_lock);
    if (h->sd)
        status = se_copy_sd(h->sd, copy, NULL);
    pthread_mutex_unlock(&ob_sd_lock);
    return status;
}

NTSTATUS ob_set_security(void *body, PSECURITY_DESCRIPTOR sd)
{
    struct ob_header *h = ob_header_of(body, "ob_set_security");
    PSECURITY_DESCRIPTOR copy = NULL, old;
    NTSTATUS status;

    if (sd) {
        status = se_copy_sd(sd, &copy, NULL);
        if (!NT_SUCCESS(status))
            return status;
    }
    pthread_mutex_lock(&ob_sd_lock);
    old = h->sd;
    h->sd = copy;
    pthread_mutex_unlock(&ob_sd_lock);
    se_free_sd(old);
    return STATUS_SUCCESS;
}
