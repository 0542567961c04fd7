/*
 * wdfmemory.h - WDF memory objects, memory descriptors and lookaside lists
 * (KMDF / UMDF 2). Written for OpenDDK from the documented interface.
 *
 * A WDFMEMORY names a buffer and its size. The framework allocates it
 * (WdfMemoryCreate, WdfMemoryCreateFromLookaside) or the driver lends one
 * (WdfMemoryCreatePreallocated, WdfMemoryAssignBuffer); requests hand out
 * their buffers as WDFMEMORY too (WdfRequestRetrieveInputMemory).
 * Included by wdf.h; needs wdftypes.h and wdfobject.h first.
 */
#ifndef _WDFMEMORY_H_
#define _WDFMEMORY_H_

typedef enum _WDF_MEMORY_DESCRIPTOR_TYPE {
    WdfMemoryDescriptorTypeInvalid = 0,
    WdfMemoryDescriptorTypeBuffer,
    WdfMemoryDescriptorTypeMdl,
    WdfMemoryDescriptorTypeHandle,
} WDF_MEMORY_DESCRIPTOR_TYPE;

/* A window into a WDFMEMORY: BufferLength bytes from BufferOffset. */
typedef struct _WDFMEMORY_OFFSET {
    size_t BufferOffset;
    size_t BufferLength;
} WDFMEMORY_OFFSET, *PWDFMEMORY_OFFSET;

typedef struct _WDF_MEMORY_DESCRIPTOR {
    WDF_MEMORY_DESCRIPTOR_TYPE Type;
    union {
        struct {
            PVOID Buffer;
            ULONG Length;
        } BufferType;
        struct {
            PMDL Mdl;
            ULONG BufferLength;
        } MdlType;
        struct {
            WDFMEMORY Memory;
            PWDFMEMORY_OFFSET Offsets;
        } HandleType;
    } u;
} WDF_MEMORY_DESCRIPTOR, *PWDF_MEMORY_DESCRIPTOR;

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(PWDF_MEMORY_DESCRIPTOR Descriptor,
                                                   PVOID Buffer, ULONG BufferLength)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeBuffer;
    Descriptor->u.BufferType.Buffer = Buffer;
    Descriptor->u.BufferType.Length = BufferLength;
}

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(PWDF_MEMORY_DESCRIPTOR Descriptor,
                                                   WDFMEMORY Memory, PWDFMEMORY_OFFSET Offsets)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeHandle;
    Descriptor->u.HandleType.Memory = Memory;
    Descriptor->u.HandleType.Offsets = Offsets;
}

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_MDL(PWDF_MEMORY_DESCRIPTOR Descriptor, PMDL Mdl,
                                                ULONG BufferLength)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeMdl;
    Descriptor->u.MdlType.Mdl = Mdl;
    Descriptor->u.MdlType.BufferLength = BufferLength;
}

WDF_DDI(NTSTATUS, WdfMemoryCreate, PFN_WDFMEMORYCREATE,
    (PWDF_OBJECT_ATTRIBUTES Attributes, POOL_TYPE PoolType, ULONG PoolTag, size_t BufferSize, WDFMEMORY *Memory, PVOID *Buffer),
    (Attributes, PoolType, PoolTag, BufferSize, Memory, Buffer))

WDF_DDI(NTSTATUS, WdfMemoryCreatePreallocated, PFN_WDFMEMORYCREATEPREALLOCATED,
    (PWDF_OBJECT_ATTRIBUTES Attributes, PVOID Buffer, size_t BufferSize, WDFMEMORY *Memory),
    (Attributes, Buffer, BufferSize, Memory))

WDF_DDI(PVOID, WdfMemoryGetBuffer, PFN_WDFMEMORYGETBUFFER,
    (WDFMEMORY Memory, size_t *BufferSize),
    (Memory, BufferSize))

WDF_DDI(NTSTATUS, WdfMemoryAssignBuffer, PFN_WDFMEMORYASSIGNBUFFER,
    (WDFMEMORY Memory, PVOID Buffer, size_t BufferSize),
    (Memory, Buffer, BufferSize))

WDF_DDI(NTSTATUS, WdfMemoryCopyToBuffer, PFN_WDFMEMORYCOPYTOBUFFER,
    (WDFMEMORY SourceMemory, size_t SourceOffset, PVOID Buffer, size_t NumBytesToCopyTo),
    (SourceMemory, SourceOffset, Buffer, NumBytesToCopyTo))

WDF_DDI(NTSTATUS, WdfMemoryCopyFromBuffer, PFN_WDFMEMORYCOPYFROMBUFFER,
    (WDFMEMORY DestinationMemory, size_t DestinationOffset, PVOID Buffer, size_t NumBytesToCopyFrom),
    (DestinationMemory, DestinationOffset, Buffer, NumBytesToCopyFrom))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfLookasideListCreate, PFN_WDFLOOKASIDELISTCREATE,
    (PWDF_OBJECT_ATTRIBUTES LookasideAttributes, size_t BufferSize, POOL_TYPE PoolType, PWDF_OBJECT_ATTRIBUTES MemoryAttributes, ULONG PoolTag, WDFLOOKASIDE *Lookaside),
    (LookasideAttributes, BufferSize, PoolType, MemoryAttributes, PoolTag, Lookaside))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfMemoryCreateFromLookaside, PFN_WDFMEMORYCREATEFROMLOOKASIDE,
    (WDFLOOKASIDE Lookaside, WDFMEMORY *Memory),
    (Lookaside, Memory))
#endif

#endif /* _WDFMEMORY_H_ */
