/*
 * wdf/memory.c - WDFMEMORY and WDFLOOKASIDE.
 *
 * A memory object is a (buffer, size) pair. Buffers the framework
 * allocates (WdfMemoryCreate, WdfMemoryCreateFromLookaside) come from the
 * pool under the driver's tag (or the one it names), separately from the
 * object, and are freed when the object is destroyed (the last reference,
 * not the delete: a driver holding a reference may still read it).
 * Preallocated objects only describe the driver's buffer; request memory
 * objects describe an IRP's buffer and belong to the request.
 * A lookaside list here is a recipe (size, tag, attributes) for memory
 * objects drawn from the pool: the executive's pool is already a cache,
 * so the list keeps no free blocks of its own.
 */
#include "wdf/fxio.h"

#include <string.h>

static void fx_memory_destroy(struct fx_object *o)
{
    struct fx_memory *m = (struct fx_memory *)o;
    if (m->owns_buffer && m->buffer)
        ExFreePoolWithTag(m->buffer, m->tag);
    m->buffer = NULL;
}

static const struct fx_object_ops fx_memory_ops = {
    .type = FX_TYPE_MEMORY,
    .destroy = fx_memory_destroy,
};

/* Request memory: the driver may not delete it (the request does). */
static const struct fx_object_ops fx_memory_fixed_ops = {
    .type = FX_TYPE_MEMORY,
    .no_driver_delete = true,
};

static const struct fx_object_ops fx_lookaside_ops = {
    .type = FX_TYPE_LOOKASIDE,
};

static NTSTATUS fx_memory_alloc(struct fx_globals *g, PWDF_OBJECT_ATTRIBUTES attributes,
                                POOL_TYPE pool_type, ULONG tag, size_t size, struct fx_memory **out)
{
    if (size == 0)
        return STATUS_INVALID_PARAMETER;
    if (!tag)
        tag = g->pub.DriverTag ? g->pub.DriverTag : 'xfDW';
    struct fx_memory *m;
    NTSTATUS st = fx_object_create(g, &fx_memory_ops, sizeof(*m), attributes, NULL, (void **)&m);
    if (!NT_SUCCESS(st))
        return st;
    POOL_FLAGS flags = (pool_type & 1) ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED;
    m->buffer = ExAllocatePool2(flags, size, tag);
    if (!m->buffer) {
        fx_object_delete(&m->obj);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    m->size = size;
    m->tag = tag;
    m->owns_buffer = true;
    *out = m;
    return STATUS_SUCCESS;
}

NTSTATUS fx_memory_wrap(struct fx_globals *g, struct fx_object *parent, PVOID buffer,
                        size_t size, bool read_only, struct fx_memory **out)
{
    WDF_OBJECT_ATTRIBUTES attr;
    WDF_OBJECT_ATTRIBUTES_INIT(&attr);
    attr.ParentObject = fx_to_handle(parent);
    struct fx_memory *m;
    NTSTATUS st = fx_object_create(g, &fx_memory_fixed_ops, sizeof(*m), &attr, parent,
                                   (void **)&m);
    if (!NT_SUCCESS(st))
        return st;
    m->buffer = buffer;
    m->size = size;
    m->fixed = true;
    m->read_only = read_only;
    *out = m;
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfMemoryCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                    PWDF_OBJECT_ATTRIBUTES Attributes, POOL_TYPE PoolType,
                                    ULONG PoolTag, size_t BufferSize, WDFMEMORY *Memory,
                                    PVOID *Buffer)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Memory);
    *Memory = NULL;
    struct fx_memory *m;
    NTSTATUS st = fx_memory_alloc(g, Attributes, PoolType, PoolTag, BufferSize, &m);
    if (!NT_SUCCESS(st))
        return st;
    *Memory = (WDFMEMORY)fx_to_handle(&m->obj);
    if (Buffer)
        *Buffer = m->buffer;
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfMemoryCreatePreallocated(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                PWDF_OBJECT_ATTRIBUTES Attributes, PVOID Buffer,
                                                size_t BufferSize, WDFMEMORY *Memory)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Buffer);
    FX_REQUIRE(g, Memory);
    *Memory = NULL;
    if (BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    struct fx_memory *m;
    NTSTATUS st = fx_object_create(g, &fx_memory_ops, sizeof(*m), Attributes, NULL, (void **)&m);
    if (!NT_SUCCESS(st))
        return st;
    m->buffer = Buffer;
    m->size = BufferSize;
    *Memory = (WDFMEMORY)fx_to_handle(&m->obj);
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfMemoryAssignBuffer(PWDF_DRIVER_GLOBALS DriverGlobals, WDFMEMORY Memory,
                                          PVOID Buffer, size_t BufferSize)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_memory *m = FX_HANDLE(g, Memory, FX_TYPE_MEMORY, struct fx_memory);
    FX_REQUIRE(g, Buffer);
    if (BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    /* Only objects that describe a driver's buffer can be repointed. */
    if (m->owns_buffer || m->fixed)
        return STATUS_INVALID_DEVICE_REQUEST;
    m->buffer = Buffer;
    m->size = BufferSize;
    return STATUS_SUCCESS;
}

PVOID WDFAPI imp_WdfMemoryGetBuffer(PWDF_DRIVER_GLOBALS DriverGlobals, WDFMEMORY Memory,
                                    size_t *BufferSize)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_memory *m = FX_HANDLE(g, Memory, FX_TYPE_MEMORY, struct fx_memory);
    if (BufferSize)
        *BufferSize = m->size;
    return m->buffer;
}

/* Bounds as documented: a NULL buffer or a zero count is
 * STATUS_INVALID_PARAMETER; offset + count beyond the object is
 * STATUS_BUFFER_TOO_SMALL (checked without overflow). */
static NTSTATUS fx_memory_check(struct fx_memory *m, size_t offset, PVOID buffer, size_t count)
{
    if (!buffer || count == 0)
        return STATUS_INVALID_PARAMETER;
    if (offset > m->size || count > m->size - offset)
        return STATUS_BUFFER_TOO_SMALL;
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfMemoryCopyToBuffer(PWDF_DRIVER_GLOBALS DriverGlobals,
                                          WDFMEMORY SourceMemory, size_t SourceOffset,
                                          PVOID Buffer, size_t NumBytesToCopyTo)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_memory *m = FX_HANDLE(g, SourceMemory, FX_TYPE_MEMORY, struct fx_memory);
    NTSTATUS st = fx_memory_check(m, SourceOffset, Buffer, NumBytesToCopyTo);
    if (NT_SUCCESS(st))
        memmove(Buffer, (PUCHAR)m->buffer + SourceOffset, NumBytesToCopyTo);
    return st;
}

NTSTATUS WDFAPI imp_WdfMemoryCopyFromBuffer(PWDF_DRIVER_GLOBALS DriverGlobals,
                                            WDFMEMORY DestinationMemory, size_t DestinationOffset,
                                            PVOID Buffer, size_t NumBytesToCopyFrom)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_memory *m = FX_HANDLE(g, DestinationMemory, FX_TYPE_MEMORY, struct fx_memory);
    NTSTATUS st = fx_memory_check(m, DestinationOffset, Buffer, NumBytesToCopyFrom);
    if (!NT_SUCCESS(st))
        return st;
    if (m->read_only)
        return STATUS_ACCESS_VIOLATION;
    memmove((PUCHAR)m->buffer + DestinationOffset, Buffer, NumBytesToCopyFrom);
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfLookasideListCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                           PWDF_OBJECT_ATTRIBUTES LookasideAttributes,
                                           size_t BufferSize, POOL_TYPE PoolType,
                                           PWDF_OBJECT_ATTRIBUTES MemoryAttributes, ULONG PoolTag,
                                           WDFLOOKASIDE *Lookaside)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Lookaside);
    *Lookaside = NULL;
    if (BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    if (MemoryAttributes && MemoryAttributes->Size != sizeof(WDF_OBJECT_ATTRIBUTES))
        return STATUS_INFO_LENGTH_MISMATCH;
    struct fx_lookaside *l;
    NTSTATUS st = fx_object_create(g, &fx_lookaside_ops, sizeof(*l), LookasideAttributes, NULL,
                                   (void **)&l);
    if (!NT_SUCCESS(st))
        return st;
    l->buffer_size = BufferSize;
    l->pool_type = PoolType;
    l->tag = PoolTag;
    if (MemoryAttributes) {
        l->has_mem_attributes = true;
        l->mem_attributes = *MemoryAttributes;
    }
    *Lookaside = (WDFLOOKASIDE)fx_to_handle(&l->obj);
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfMemoryCreateFromLookaside(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFLOOKASIDE Lookaside, WDFMEMORY *Memory)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_lookaside *l = FX_HANDLE(g, Lookaside, FX_TYPE_LOOKASIDE, struct fx_lookaside);
    FX_REQUIRE(g, Memory);
    *Memory = NULL;
    /* The memory's parent is what the list's memory attributes name, else
     * the lookaside list itself. */
    WDF_OBJECT_ATTRIBUTES attr;
    if (l->has_mem_attributes)
        attr = l->mem_attributes;
    else
        WDF_OBJECT_ATTRIBUTES_INIT(&attr);
    if (!attr.ParentObject)
        attr.ParentObject = fx_to_handle(&l->obj);
    struct fx_memory *m;
    NTSTATUS st = fx_memory_alloc(g, &attr, l->pool_type, l->tag, l->buffer_size, &m);
    if (!NT_SUCCESS(st))
        return st;
    *Memory = (WDFMEMORY)fx_to_handle(&m->obj);
    return STATUS_SUCCESS;
}
