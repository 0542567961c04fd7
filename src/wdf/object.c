/*
 * wdf/object.c - the WDF object model: handles, the parent/child tree,
 * deletion and references, contexts. Design in fx.h.
 *
 * The handle table is an open-addressing hash set of live object
 * addresses, so a stale or forged handle is recognised without touching
 * its memory. An object leaves the table only when it is freed.
 */
#include "wdf/fx.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Guards every object's parent/children/state/contexts links. A mutex
 * (not a spin lock): tree changes happen at PASSIVE_LEVEL in this
 * executive, and it is never held across a driver callback. */
static pthread_mutex_t fx_tree_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- handle table ---------------------------------------------- */

static pthread_mutex_t fx_handle_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fx_object **fx_handles;   /* handle lock; NULL or TOMB or object */
static size_t fx_handle_cap, fx_handle_used, fx_handle_tombs;
#define FX_TOMB ((struct fx_object *)1)

static size_t fx_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33;
    return (size_t)x;
}

static void fx_handle_rehash(size_t cap)
{
    struct fx_object **old = fx_handles;
    size_t old_cap = fx_handle_cap;
    fx_handles = calloc(cap, sizeof(*fx_handles));
    if (!fx_handles)
        krnl_bugcheck(0x17, 0, 0, 0, 0, NULL, "wdf: out of memory for the handle table");
    fx_handle_cap = cap;
    fx_handle_used = fx_handle_tombs = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i] && old[i] != FX_TOMB) {
            size_t j = fx_hash(old[i]) & (cap - 1);
            while (fx_handles[j])
                j = (j + 1) & (cap - 1);
            fx_handles[j] = old[i];
            fx_handle_used++;
        }
    }
    free(old);
}

static void fx_handle_insert(struct fx_object *o)
{
    pthread_mutex_lock(&fx_handle_lock);
    if ((fx_handle_used + fx_handle_tombs + 1) * 2 > fx_handle_cap)
        fx_handle_rehash(fx_handle_cap ? (fx_handle_used * 4 > fx_handle_cap ? fx_handle_cap * 2 : fx_handle_cap) : 64);
    size_t j = fx_hash(o) & (fx_handle_cap - 1);
    while (fx_handles[j] && fx_handles[j] != FX_TOMB)
        j = (j + 1) & (fx_handle_cap - 1);
    if (fx_handles[j] == FX_TOMB)
        fx_handle_tombs--;
    fx_handles[j] = o;
    fx_handle_used++;
    pthread_mutex_unlock(&fx_handle_lock);
}

static size_t fx_handle_find_locked(const void *p)
{
    if (!fx_handle_cap)
        return (size_t)-1;
    size_t j = fx_hash(p) & (fx_handle_cap - 1);
    for (size_t n = 0; n < fx_handle_cap && fx_handles[j]; n++) {
        if (fx_handles[j] == p)
            return j;
        j = (j + 1) & (fx_handle_cap - 1);
    }
    return (size_t)-1;
}

static void fx_handle_remove(struct fx_object *o)
{
    pthread_mutex_lock(&fx_handle_lock);
    size_t j = fx_handle_find_locked(o);
    if (j != (size_t)-1) {
        fx_handles[j] = FX_TOMB;
        fx_handle_used--;
        fx_handle_tombs++;
    }
    pthread_mutex_unlock(&fx_handle_lock);
}

static bool fx_handle_live(const void *p)
{
    pthread_mutex_lock(&fx_handle_lock);
    bool live = fx_handle_find_locked(p) != (size_t)-1;
    pthread_mutex_unlock(&fx_handle_lock);
    return live;
}

/* ---- names, violations ----------------------------------------- */

const char *fx_type_name(enum fx_type t)
{
    static const char *const names[FX_TYPE_COUNT] = {
        "none", "WDFOBJECT", "WDFDRIVER", "WDFDEVICE", "WDFQUEUE", "WDFREQUEST",
        "WDFMEMORY", "WDFLOOKASIDE", "WDFFILEOBJECT", "WDFIOTARGET", "WDFTIMER",
        "WDFWORKITEM", "WDFDPC", "WDFSPINLOCK", "WDFWAITLOCK", "WDFSTRING",
        "WDFCOLLECTION", "WDFKEY", "WDFINTERRUPT", "WDFCHILDLIST",
    };
    return (unsigned)t < FX_TYPE_COUNT ? names[t] : "?";
}

void fx_violation(struct fx_globals *g, ULONG subcode, ULONG_PTR p2, ULONG_PTR p3,
                  const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    rtl_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    krnl_bugcheck(WDF_VIOLATION, subcode, p2, p3, 0, g ? g->pub.DriverName : NULL,
                  "WDF_VIOLATION: %s", msg);
}

struct fx_object *fx_handle_try(WDFOBJECT h, enum fx_type type)
{
    if (!h || !fx_handle_live(h))
        return NULL;
    struct fx_object *o = h;
    if (type != FX_TYPE_NONE && o->type != type)
        return NULL;
    return o;
}

struct fx_object *fx_handle(struct fx_globals *g, WDFOBJECT h, enum fx_type type,
                            const char *ddi)
{
    if (!h)
        fx_violation(g, WDF_REQUIRED_PARAMETER_IS_NULL, 0,
                     (ULONG_PTR)__builtin_return_address(0), "%s: NULL handle", ddi);
    if (!fx_handle_live(h))
        fx_violation(g, WDF_INVALID_HANDLE, (ULONG_PTR)h, 0,
                     "%s: %p is not a live framework object (never created, or deleted)",
                     ddi, h);
    struct fx_object *o = h;
    if (type != FX_TYPE_NONE && o->type != type)
        fx_violation(g, WDF_INVALID_HANDLE, (ULONG_PTR)h, 0,
                     "%s: handle %p is a %s, not a %s", ddi, h, fx_type_name(o->type),
                     fx_type_name(type));
    return o;
}

/* ---- creation ---------------------------------------------------- */

static size_t fx_ctx_size(PWDF_OBJECT_ATTRIBUTES a)
{
    if (!a || !a->ContextTypeInfo)
        return 0;
    size_t s = a->ContextTypeInfo->ContextSize;
    if (a->ContextSizeOverride > s)
        s = a->ContextSizeOverride;
    return s;
}

static PCWDF_OBJECT_CONTEXT_TYPE_INFO fx_context_type(PCWDF_OBJECT_CONTEXT_TYPE_INFO t)
{
    /* As documented: UniqueType names the type (a shared declaration
     * points it at another module's info); the getter, when present,
     * supplies it. */
    if (t && t->EvtDriverGetUniqueContextType) {
        PCWDF_OBJECT_CONTEXT_TYPE_INFO u = t->EvtDriverGetUniqueContextType();
        if (u)
            return u;
    }
    if (t && t->UniqueType)
        return t->UniqueType;
    return t;
}

static void fx_context_init(struct fx_context *c, struct fx_object *owner,
                            PWDF_OBJECT_ATTRIBUTES a, size_t size)
{
    c->next = NULL;
    c->owner = owner;
    c->type = fx_context_type(a->ContextTypeInfo);
    c->cleanup = a->EvtCleanupCallback;
    c->destroy = a->EvtDestroyCallback;
    c->size = size;
}

NTSTATUS fx_object_create(struct fx_globals *g, const struct fx_object_ops *ops,
                          size_t body_size, PWDF_OBJECT_ATTRIBUTES a,
                          struct fx_object *default_parent, void **out)
{
    *out = NULL;
    if (a && a->Size != sizeof(WDF_OBJECT_ATTRIBUTES)) {
        krnl_log(KRNL_LOG_WARN, "wdf: %s: WDF_OBJECT_ATTRIBUTES.Size %u, expected %zu",
                 g->pub.DriverName, a->Size, sizeof(WDF_OBJECT_ATTRIBUTES));
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    struct fx_object *parent = default_parent;
    if (a && a->ParentObject)
        parent = fx_handle(g, a->ParentObject, FX_TYPE_NONE, "ParentObject");
    if (!parent && g->driver)
        parent = &g->driver->obj;

    size_t base = (body_size + 15) & ~(size_t)15;
    size_t csize = fx_ctx_size(a);
    size_t total = base + (csize || (a && a->ContextTypeInfo) ? sizeof(struct fx_context) + csize : 0);
    struct fx_object *o = fx_alloc(g, total);
    if (!o)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(o, 0, total);
    o->magic = FX_OBJECT_MAGIC;
    o->type = ops->type;
    o->ops = ops;
    o->globals = g;
    o->refs = 1;
    o->state = FX_ALIVE;
    o->driver_may_delete = !ops->no_driver_delete;
    InitializeListHead(&o->children);
    InitializeListHead(&o->sibling);

    /* Execution level and synchronization scope: inherit from the parent
     * unless given; a root (the driver) gets Dispatch/None, as Windows
     * documents for the driver object's defaults. */
    WDF_EXECUTION_LEVEL lvl = a ? a->ExecutionLevel : WdfExecutionLevelInheritFromParent;
    WDF_SYNCHRONIZATION_SCOPE sc = a ? a->SynchronizationScope
                                     : WdfSynchronizationScopeInheritFromParent;
    if (lvl == WdfExecutionLevelInvalid || lvl == WdfExecutionLevelInheritFromParent)
        lvl = parent ? parent->exec_level : WdfExecutionLevelDispatch;
    if (sc == WdfSynchronizationScopeInvalid || sc == WdfSynchronizationScopeInheritFromParent)
        sc = parent ? parent->sync_scope : WdfSynchronizationScopeNone;
    o->exec_level = lvl;
    o->sync_scope = sc;
    o->evt_cleanup = a ? a->EvtCleanupCallback : NULL;
    o->evt_destroy = a ? a->EvtDestroyCallback : NULL;

    if (total > base) {
        struct fx_context *c = (struct fx_context *)((char *)o + base);
        fx_context_init(c, o, a, csize);
        /* The object's own callbacks are the attributes'; the first
         * context carries none of its own. */
        c->cleanup = NULL;
        c->destroy = NULL;
        o->contexts = c;
    }

    pthread_mutex_lock(&fx_tree_lock);
    if (parent && parent->state != FX_ALIVE) {
        pthread_mutex_unlock(&fx_tree_lock);
        fx_free(o);
        return STATUS_DELETE_PENDING;
    }
    o->parent = parent;
    if (parent) {
        InsertTailList(&parent->children, &o->sibling);
        fx_object_get(parent);     /* a child keeps its parent's memory */
    }
    pthread_mutex_unlock(&fx_tree_lock);
    fx_handle_insert(o);
    *out = o;
    return STATUS_SUCCESS;
}

/* ---- references and deletion ------------------------------------ */

void fx_object_get(struct fx_object *o)
{
    __atomic_add_fetch(&o->refs, 1, __ATOMIC_RELAXED);
}

void fx_object_put(struct fx_object *o)
{
    if (!o)
        return;
    LONG r = __atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL);
    if (r > 0)
        return;
    if (r < 0)
        fx_violation(o->globals, WDF_OBJECT_ERROR, (ULONG_PTR)o, 0,
                     "%s %p: reference count went negative", fx_type_name(o->type), (void *)o);
    /* Last reference: destroy callbacks (object's, then each context's),
     * while the handle still resolves for WdfObjectGetTypedContext. */
    if (o->evt_destroy)
        o->evt_destroy(fx_to_handle(o));
    for (struct fx_context *c = o->contexts; c; c = c->next)
        if (c->destroy)
            c->destroy(fx_to_handle(o));
    if (o->ops->destroy)
        o->ops->destroy(o);
    fx_handle_remove(o);
    struct fx_object *parent = o->parent;
    struct fx_context *c = o->contexts;
    if (c) {
        /* The first context is inside the object's allocation. */
        for (struct fx_context *n = c->next; n; ) {
            struct fx_context *next = n->next;
            fx_free(n);
            n = next;
        }
    }
    o->magic = 0;
    fx_free(o);
    fx_object_put(parent);
}

void fx_object_delete(struct fx_object *o)
{
    pthread_mutex_lock(&fx_tree_lock);
    if (o->state != FX_ALIVE) {
        pthread_mutex_unlock(&fx_tree_lock);
        return;
    }
    o->state = FX_DELETING;
    /* Leave the parent's list now, so the parent's own deletion loop
     * below never sees an object that is already going. */
    RemoveEntryList(&o->sibling);
    InitializeListHead(&o->sibling);
    pthread_mutex_unlock(&fx_tree_lock);

    /* Children first (their cleanup callbacks run before ours). */
    for (;;) {
        pthread_mutex_lock(&fx_tree_lock);
        if (IsListEmpty(&o->children)) {
            pthread_mutex_unlock(&fx_tree_lock);
            break;
        }
        struct fx_object *c = CONTAINING_RECORD(o->children.Flink, struct fx_object, sibling);
        fx_object_get(c);
        pthread_mutex_unlock(&fx_tree_lock);
        fx_object_delete(c);
        fx_object_put(c);
    }
    if (o->ops->dispose)
        o->ops->dispose(o);
    if (o->evt_cleanup)
        o->evt_cleanup(fx_to_handle(o));
    for (struct fx_context *c = o->contexts; c; c = c->next)
        if (c->cleanup)
            c->cleanup(fx_to_handle(o));
    pthread_mutex_lock(&fx_tree_lock);
    o->state = FX_CLEANED_UP;
    pthread_mutex_unlock(&fx_tree_lock);
    fx_object_put(o);   /* the tree's reference */
}

struct fx_object *fx_ancestor(struct fx_object *o, enum fx_type type)
{
    for (; o; o = o->parent)
        if (o->type == type)
            return o;
    return NULL;
}

/* ---- contexts ------------------------------------------------------ */

void *fx_object_context(struct fx_object *o, PCWDF_OBJECT_CONTEXT_TYPE_INFO type)
{
    PCWDF_OBJECT_CONTEXT_TYPE_INFO want = fx_context_type(type);
    void *found = NULL;
    pthread_mutex_lock(&fx_tree_lock);
    for (struct fx_context *c = o->contexts; c && !found; c = c->next)
        if (c->type == want)
            found = c->data;
    /* Same type declared in two translation units of one module but not
     * merged (no selectany): the same name and size, and the object made
     * by this very driver. Two drivers never match each other's types. */
    for (struct fx_context *c = o->contexts; c && !found && want; c = c->next)
        if (c->type && c->type->ContextName && want->ContextName &&
            c->type->ContextSize == want->ContextSize &&
            strcmp(c->type->ContextName, want->ContextName) == 0 &&
            krnl_module_base(c->type) == krnl_module_base(want))
            found = c->data;
    pthread_mutex_unlock(&fx_tree_lock);
    return found;
}

/* ---- synchronization locks ---------------------------------------- */

void fx_sync_lock_init(struct fx_sync_lock *l, bool passive)
{
    l->passive = passive;
    KeInitializeSpinLock(&l->spin);
    pthread_mutex_init(&l->mutex, NULL);
}

void fx_sync_lock_acquire(struct fx_sync_lock *l)
{
    if (l->passive) {
        pthread_mutex_lock(&l->mutex);
    } else {
        KIRQL old;
        KeAcquireSpinLock(&l->spin, &old);
        l->old_irql = old;
    }
}

void fx_sync_lock_release(struct fx_sync_lock *l)
{
    if (l->passive)
        pthread_mutex_unlock(&l->mutex);
    else
        KeReleaseSpinLock(&l->spin, l->old_irql);
}

struct fx_sync_lock *fx_sync_lock_of(struct fx_object *o)
{
    if (o->sync_scope == WdfSynchronizationScopeDevice) {
        struct fx_object *d = fx_ancestor(o, FX_TYPE_DEVICE);
        if (d)
            return &((struct fx_device *)d)->lock;
    }
    /* Queue scope is wdfio's: it serialises with the queue's lock
     * itself; objects under a queue with queue scope get it from there. */
    return NULL;
}

/* ---- helpers --------------------------------------------------------- */

void *fx_alloc(struct fx_globals *g, size_t size)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, size ? size : 1,
                           g && g->pub.DriverTag ? g->pub.DriverTag : 'xfDW');
}

void fx_free(void *p)
{
    if (p)
        ExFreePool(p);
}

NTSTATUS fx_ustr_dup(struct fx_globals *g, PCUNICODE_STRING src, UNICODE_STRING *dst)
{
    dst->Length = dst->MaximumLength = 0;
    dst->Buffer = NULL;
    if (!src || !src->Buffer)
        return STATUS_SUCCESS;
    dst->Buffer = fx_alloc(g, (size_t)src->Length + sizeof(WCHAR));
    if (!dst->Buffer)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(dst->Buffer, src->Buffer, src->Length);
    dst->Buffer[src->Length / sizeof(WCHAR)] = 0;
    dst->Length = src->Length;
    dst->MaximumLength = (USHORT)(src->Length + sizeof(WCHAR));
    return STATUS_SUCCESS;
}

void fx_ustr_free(UNICODE_STRING *s)
{
    fx_free(s->Buffer);
    s->Buffer = NULL;
    s->Length = s->MaximumLength = 0;
}
