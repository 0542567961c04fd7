/*
 * wdf/string.c - WDFSTRING (a UNICODE_STRING the framework owns) and
 * WDFCOLLECTION (an ordered list of object handles; each member holds a
 * reference while in the collection, as documented).
 */
#include "wdf/fx.h"
#include "krnl/krnl.h"
#include <string.h>

struct fx_string {
    struct fx_object obj;
    UNICODE_STRING str;        /* owned */
};

static void fx_string_destroy(struct fx_object *o)
{
    fx_ustr_free(&((struct fx_string *)o)->str);
}

static const struct fx_object_ops fx_string_ops = {
    .type = FX_TYPE_STRING, .destroy = fx_string_destroy,
};

NTSTATUS WDFAPI imp_WdfStringCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                    PCUNICODE_STRING UnicodeString,
                                    PWDF_OBJECT_ATTRIBUTES StringAttributes, WDFSTRING *String)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, String);
    *String = NULL;
    struct fx_string *s;
    NTSTATUS st = fx_object_create(g, &fx_string_ops, sizeof(*s), StringAttributes, NULL,
                                   (void **)&s);
    if (!NT_SUCCESS(st))
        return st;
    st = fx_ustr_dup(g, UnicodeString, &s->str);
    if (!NT_SUCCESS(st)) {
        fx_object_delete(&s->obj);
        return st;
    }
    *String = (WDFSTRING)fx_to_handle(&s->obj);
    return STATUS_SUCCESS;
}

VOID WDFAPI imp_WdfStringGetUnicodeString(PWDF_DRIVER_GLOBALS DriverGlobals, WDFSTRING String,
                                          PUNICODE_STRING UnicodeString)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_string *s = FX_HANDLE(g, String, FX_TYPE_STRING, struct fx_string);
    FX_REQUIRE(g, UnicodeString);
    *UnicodeString = s->str;     /* the framework's buffer, valid while the object lives */
}

/* ---- collections ---------------------------------------------------- */

struct fx_collection {
    struct fx_object obj;
    KSPIN_LOCK lock;
    struct fx_object **items;   /* lock; each referenced */
    ULONG count, cap;           /* lock */
};

static void fx_collection_destroy(struct fx_object *o)
{
    struct fx_collection *c = (struct fx_collection *)o;
    for (ULONG i = 0; i < c->count; i++)
        fx_object_put(c->items[i]);
    fx_free(c->items);
}

static const struct fx_object_ops fx_collection_ops = {
    .type = FX_TYPE_COLLECTION, .destroy = fx_collection_destroy,
};

NTSTATUS WDFAPI imp_WdfCollectionCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                        PWDF_OBJECT_ATTRIBUTES CollectionAttributes,
                                        WDFCOLLECTION *Collection)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Collection);
    *Collection = NULL;
    struct fx_collection *c;
    NTSTATUS st = fx_object_create(g, &fx_collection_ops, sizeof(*c), CollectionAttributes,
                                   NULL, (void **)&c);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeSpinLock(&c->lock);
    *Collection = (WDFCOLLECTION)fx_to_handle(&c->obj);
    return STATUS_SUCCESS;
}

static struct fx_collection *fx_coll(struct fx_globals *g, WDFCOLLECTION h, const char *ddi)
{
    return (struct fx_collection *)fx_handle(g, h, FX_TYPE_COLLECTION, ddi);
}

ULONG WDFAPI imp_WdfCollectionGetCount(PWDF_DRIVER_GLOBALS DriverGlobals,
                                       WDFCOLLECTION Collection)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_collection *c = fx_coll(g, Collection, "WdfCollectionGetCount");
    KIRQL old;
    KeAcquireSpinLock(&c->lock, &old);
    ULONG n = c->count;
    KeReleaseSpinLock(&c->lock, old);
    return n;
}

NTSTATUS WDFAPI imp_WdfCollectionAdd(PWDF_DRIVER_GLOBALS DriverGlobals, WDFCOLLECTION Collection,
                                     WDFOBJECT Object)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_collection *c = fx_coll(g, Collection, "WdfCollectionAdd");
    struct fx_object *o = fx_handle(g, Object, FX_TYPE_NONE, "WdfCollectionAdd");
    KIRQL old;
    KeAcquireSpinLock(&c->lock, &old);
    if (c->count == c->cap) {
        ULONG cap = c->cap ? c->cap * 2 : 8;
        struct fx_object **n = fx_alloc(g, cap * sizeof(*n));
        if (!n) {
            KeReleaseSpinLock(&c->lock, old);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        if (c->count)
            memcpy(n, c->items, c->count * sizeof(*n));
        fx_free(c->items);
        c->items = n;
        c->cap = cap;
    }
    fx_object_get(o);
    c->items[c->count++] = o;
    KeReleaseSpinLock(&c->lock, old);
    return STATUS_SUCCESS;
}

static void fx_coll_remove_at(struct fx_collection *c, ULONG i, KIRQL old)
{
    struct fx_object *o = c->items[i];
    memmove(&c->items[i], &c->items[i + 1], (c->count - i - 1) * sizeof(*c->items));
    c->count--;
    KeReleaseSpinLock(&c->lock, old);
    fx_object_put(o);
}

VOID WDFAPI imp_WdfCollectionRemove(PWDF_DRIVER_GLOBALS DriverGlobals, WDFCOLLECTION Collection,
                                    WDFOBJECT Item)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_collection *c = fx_coll(g, Collection, "WdfCollectionRemove");
    KIRQL old;
    KeAcquireSpinLock(&c->lock, &old);
    for (ULONG i = 0; i < c->count; i++)
        if (c->items[i] == (struct fx_object *)Item) {
            fx_coll_remove_at(c, i, old);
            return;
        }
    KeReleaseSpinLock(&c->lock, old);
    /* Documented: removing an object that is not in the collection is a
     * driver error the verifier reports. */
    fx_violation(g, WDF_INVALID_HANDLE, (ULONG_PTR)Item, (ULONG_PTR)Collection,
                 "WdfCollectionRemove: %p is not in collection %p", Item, (void *)Collection);
}

VOID WDFAPI imp_WdfCollectionRemoveItem(PWDF_DRIVER_GLOBALS DriverGlobals,
                                        WDFCOLLECTION Collection, ULONG Index)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_collection *c = fx_coll(g, Collection, "WdfCollectionRemoveItem");
    KIRQL old;
    KeAcquireSpinLock(&c->lock, &old);
    if (Index < c->count) {
        fx_coll_remove_at(c, Index, old);
        return;
    }
    KeReleaseSpinLock(&c->lock, old);
    fx_violation(g, WDF_INVALID_HANDLE, Index, (ULONG_PTR)Collection,
                 "WdfCollectionRemoveItem: index %u out of range", Index);
}

static WDFOBJECT fx_coll_at(struct fx_collection *c, ULONG i, bool last)
{
    KIRQL old;
    KeAcquireSpinLock(&c->lock, &old);
    if (last)
        i = c->count ? c->count - 1 : 0;
    WDFOBJECT h = i < c->count ? fx_to_handle(c->items[i]) : NULL;
    KeReleaseSpinLock(&c->lock, old);
    return h;
}

WDFOBJECT WDFAPI imp_WdfCollectionGetItem(PWDF_DRIVER_GLOBALS DriverGlobals,
                                          WDFCOLLECTION Collection, ULONG Index)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_coll_at(fx_coll(g, Collection, "WdfCollectionGetItem"), Index, false);
}

WDFOBJECT WDFAPI imp_WdfCollectionGetFirstItem(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFCOLLECTION Collection)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_coll_at(fx_coll(g, Collection, "WdfCollectionGetFirstItem"), 0, false);
}

WDFOBJECT WDFAPI imp_WdfCollectionGetLastItem(PWDF_DRIVER_GLOBALS DriverGlobals,
                                              WDFCOLLECTION Collection)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_coll_at(fx_coll(g, Collection, "WdfCollectionGetLastItem"), 0, true);
}
