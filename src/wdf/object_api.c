/*
 * wdf/object_api.c - the WdfObject* DDIs: thin; handle -> checked object,
 * then object.c.
 */
#include "wdf/fx.h"
#include "krnl/krnl.h"
#include <stdlib.h>
#include <string.h>

static const struct fx_object_ops fx_general_ops = { .type = FX_TYPE_OBJECT };

NTSTATUS WDFAPI imp_WdfObjectCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                    PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Object);
    void *o;
    NTSTATUS st = fx_object_create(g, &fx_general_ops, sizeof(struct fx_object), Attributes,
                                   NULL, &o);
    *Object = NT_SUCCESS(st) ? fx_to_handle(o) : NULL;
    return st;
}

VOID WDFAPI imp_WdfObjectDelete(PWDF_DRIVER_GLOBALS DriverGlobals, WDFOBJECT Object)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_object *o = fx_handle(g, Object, FX_TYPE_NONE, __func__ + 4);
    if (!o->driver_may_delete)
        fx_violation(g, WDF_OBJECT_ERROR, (ULONG_PTR)Object, 0,
                     "WdfObjectDelete: a %s may not be deleted by the driver",
                     fx_type_name(o->type));
    fx_object_delete(o);
}

VOID WDFAPI imp_WdfObjectReferenceActual(PWDF_DRIVER_GLOBALS DriverGlobals, WDFOBJECT Handle,
                                         PVOID Tag, LONG Line, PCHAR File)
{
    (void)Tag; (void)Line; (void)File;
    struct fx_globals *g = fx_globals(DriverGlobals);
    fx_object_get(fx_handle(g, Handle, FX_TYPE_NONE, "WdfObjectReferenceActual"));
}

VOID WDFAPI imp_WdfObjectDereferenceActual(PWDF_DRIVER_GLOBALS DriverGlobals, WDFOBJECT Handle,
                                           PVOID Tag, LONG Line, PCHAR File)
{
    (void)Tag;
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_object *o = fx_handle(g, Handle, FX_TYPE_NONE, "WdfObjectDereferenceActual");
    /* Dropping the reference the tree holds is deleting the object by
     * dereference: Windows bug-checks 0x10D sub-code 0x7. */
    if (__atomic_load_n(&o->refs, __ATOMIC_ACQUIRE) <= 1 && o->state == FX_ALIVE)
        fx_violation(g, WDF_OBJECT_ERROR, (ULONG_PTR)Handle, 0,
                     "WdfObjectDereference would delete %s %p (%s:%d): use WdfObjectDelete",
                     fx_type_name(o->type), Handle, File ? File : "?", (int)Line);
    fx_object_put(o);
}

PVOID WDFAPI imp_WdfObjectGetTypedContextWorker(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                WDFOBJECT Handle,
                                                PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, TypeInfo);
    return fx_object_context(fx_handle(g, Handle, FX_TYPE_NONE, "WdfObjectGetTypedContext"),
                             TypeInfo);
}

NTSTATUS WDFAPI imp_WdfObjectAllocateContext(PWDF_DRIVER_GLOBALS DriverGlobals, WDFOBJECT Handle,
                                             PWDF_OBJECT_ATTRIBUTES Attributes, PVOID *Context)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_object *o = fx_handle(g, Handle, FX_TYPE_NONE, "WdfObjectAllocateContext");
    FX_REQUIRE(g, Attributes);
    if (Context)
        *Context = NULL;
    if (Attributes->Size != sizeof(WDF_OBJECT_ATTRIBUTES))
        return STATUS_INFO_LENGTH_MISMATCH;
    /* Documented: the attributes must name a context type and may not
     * set a parent. */
    if (!Attributes->ContextTypeInfo || Attributes->ParentObject)
        return STATUS_OBJECT_NAME_INVALID;
    void *existing = fx_object_context(o, Attributes->ContextTypeInfo);
    if (existing) {
        if (Context)
            *Context = existing;
        return STATUS_OBJECT_NAME_EXISTS;
    }
    size_t size = Attributes->ContextTypeInfo->ContextSize;
    if (Attributes->ContextSizeOverride > size)
        size = Attributes->ContextSizeOverride;
    struct fx_context *c = fx_alloc(g, sizeof(*c) + size);
    if (!c)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(c, 0, sizeof(*c) + size);
    c->owner = o;
    c->type = Attributes->ContextTypeInfo->UniqueType ? Attributes->ContextTypeInfo->UniqueType
                                                      : Attributes->ContextTypeInfo;
    c->cleanup = Attributes->EvtCleanupCallback;
    c->destroy = Attributes->EvtDestroyCallback;
    c->size = size;
    if (o->state != FX_ALIVE) {
        fx_free(c);
        return STATUS_DELETE_PENDING;
    }
    /* Append (the tree lock is object.c's; contexts are only appended,
     * and readers walk a list whose links are set before publication). */
    struct fx_context **pp = &o->contexts;
    while (*pp)
        pp = &(*pp)->next;
    __atomic_store_n(pp, c, __ATOMIC_RELEASE);
    if (Context)
        *Context = c->data;
    return STATUS_SUCCESS;
}

WDFOBJECT WDFAPI imp_WdfObjectContextGetObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               PVOID ContextPointer)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, ContextPointer);
    struct fx_context *c = CONTAINING_RECORD(ContextPointer, struct fx_context, data);
    return fx_to_handle(c->owner);
}

VOID WDFAPI imp_WdfVerifierDbgBreakPoint(PWDF_DRIVER_GLOBALS DriverGlobals)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    krnl_log(KRNL_LOG_ERROR, "wdf: %s: WdfVerifierDbgBreakPoint", g->pub.DriverName);
    /* Stops in a debugger; without one, only the log line (Windows does
     * nothing without a kernel debugger attached either). */
    if (getenv("DDK_WDF_BREAK"))
        __debugbreak();
}

VOID WDFAPI imp_WdfVerifierKeBugCheck(PWDF_DRIVER_GLOBALS DriverGlobals, ULONG code,
                                      ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    krnl_bugcheck(code, p1, p2, p3, p4, g->pub.DriverName, "WdfVerifierKeBugCheck");
}
