/*
 * wdfobject.h - Windows Driver Frameworks: object attributes, context
 * types and the general object DDIs.
 */
#ifndef _WDFOBJECT_H_
#define _WDFOBJECT_H_

typedef VOID (NTAPI EVT_WDF_OBJECT_CONTEXT_CLEANUP)(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;
typedef VOID (NTAPI EVT_WDF_OBJECT_CONTEXT_DESTROY)(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO WDF_OBJECT_CONTEXT_TYPE_INFO,
    *PWDF_OBJECT_CONTEXT_TYPE_INFO;
typedef const WDF_OBJECT_CONTEXT_TYPE_INFO *PCWDF_OBJECT_CONTEXT_TYPE_INFO;

typedef PCWDF_OBJECT_CONTEXT_TYPE_INFO (__cdecl *PFN_GET_UNIQUE_CONTEXT_TYPE)(VOID);

struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
    ULONG Size;
    PCHAR ContextName;
    size_t ContextSize;
    /* The info that identifies the type: points at itself when declared
     * with WDF_DECLARE_CONTEXT_TYPE, at another module's info when types
     * are shared (WDF_DECLARE_SHARED_CONTEXT_TYPE_WITH_NAME). */
    PCWDF_OBJECT_CONTEXT_TYPE_INFO UniqueType;
    PFN_GET_UNIQUE_CONTEXT_TYPE EvtDriverGetUniqueContextType;
};

typedef struct _WDF_OBJECT_ATTRIBUTES {
    ULONG Size;
    PFN_WDF_OBJECT_CONTEXT_CLEANUP EvtCleanupCallback;
    PFN_WDF_OBJECT_CONTEXT_DESTROY EvtDestroyCallback;
    WDF_EXECUTION_LEVEL ExecutionLevel;
    WDF_SYNCHRONIZATION_SCOPE SynchronizationScope;
    WDFOBJECT ParentObject;
    size_t ContextSizeOverride;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO ContextTypeInfo;
} WDF_OBJECT_ATTRIBUTES, *PWDF_OBJECT_ATTRIBUTES;
_Static_assert(sizeof(WDF_OBJECT_ATTRIBUTES) == 0x38, "WDF_OBJECT_ATTRIBUTES x64 layout");
_Static_assert(sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO) == 0x28, "WDF_OBJECT_CONTEXT_TYPE_INFO x64 layout");

FORCEINLINE VOID WDF_OBJECT_ATTRIBUTES_INIT(PWDF_OBJECT_ATTRIBUTES Attributes)
{
    RtlZeroMemory(Attributes, sizeof(WDF_OBJECT_ATTRIBUTES));
    Attributes->Size = sizeof(WDF_OBJECT_ATTRIBUTES);
    Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
    Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
}

#define WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) _WDF_ ## _contexttype ## _TYPE_INFO
#define WDF_TYPE_NAME_POINTER_TYPE(_contexttype) WDF_ ## _contexttype ## _POINTER_TYPE_
#define WDF_GET_CONTEXT_TYPE_INFO(_contexttype) (WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype).UniqueType)

#define WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype) \
    (_attributes)->ContextTypeInfo = WDF_GET_CONTEXT_TYPE_INFO(_contexttype)

#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(_attributes, _contexttype) \
    WDF_OBJECT_ATTRIBUTES_INIT(_attributes);                              \
    WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype)

/* The type info is a (weak) definition in every translation unit that
 * declares the type; the linker keeps one per driver module (hidden), so
 * two drivers with a type of the same name have two infos. */
#define WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype, _UniqueType, _GetUniqueType) \
    typedef _contexttype *WDF_TYPE_NAME_POINTER_TYPE(_contexttype);            \
    WDF_EXTERN_C __declspec(selectany) const WDF_OBJECT_CONTEXT_TYPE_INFO     \
    WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) = {                               \
        sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO), (PCHAR)#_contexttype,            \
        sizeof(_contexttype), _UniqueType, _GetUniqueType };

#define WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)           \
    FORCEINLINE WDF_TYPE_NAME_POINTER_TYPE(_contexttype)                       \
    _castingfunction(WDFOBJECT Handle)                                         \
    {                                                                          \
        return (WDF_TYPE_NAME_POINTER_TYPE(_contexttype))                      \
            WdfObjectGetTypedContextWorker(Handle,                             \
                WDF_GET_CONTEXT_TYPE_INFO(_contexttype));                      \
    }

#define WDF_DECLARE_CONTEXT_TYPE(_contexttype) \
    WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, WdfObjectGet_ ## _contexttype)

#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction)     \
    WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype,                                 \
        &WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype), NULL)                       \
    WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)

#define WDF_DECLARE_SHARED_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction, _UniqueType) \
    WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype,                                 \
        &WDF_TYPE_NAME_TO_TYPE_INFO(_UniqueType), NULL)                        \
    WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)

#define WDF_DECLARE_CUSTOM_TYPE(_type) \
    WDF_DECLARE_TYPE_AND_GLOBALS(_type, &WDF_TYPE_NAME_TO_TYPE_INFO(_type), NULL)

#define WdfObjectGetTypedContext(handle, type) \
    ((WDF_TYPE_NAME_POINTER_TYPE(type))WdfObjectGetTypedContextWorker( \
        (WDFOBJECT)(handle), WDF_GET_CONTEXT_TYPE_INFO(type)))

typedef PVOID (WDFAPI *PFN_WDFOBJECTGETTYPEDCONTEXTWORKER)(PWDF_DRIVER_GLOBALS, WDFOBJECT,
                                                           PCWDF_OBJECT_CONTEXT_TYPE_INFO);
typedef NTSTATUS (WDFAPI *PFN_WDFOBJECTALLOCATECONTEXT)(PWDF_DRIVER_GLOBALS, WDFOBJECT,
                                                        PWDF_OBJECT_ATTRIBUTES, PVOID *);
typedef WDFOBJECT (WDFAPI *PFN_WDFOBJECTCONTEXTGETOBJECT)(PWDF_DRIVER_GLOBALS, PVOID);
typedef VOID (WDFAPI *PFN_WDFOBJECTREFERENCEACTUAL)(PWDF_DRIVER_GLOBALS, WDFOBJECT, PVOID,
                                                    LONG, PCHAR);
typedef VOID (WDFAPI *PFN_WDFOBJECTDEREFERENCEACTUAL)(PWDF_DRIVER_GLOBALS, WDFOBJECT, PVOID,
                                                      LONG, PCHAR);
typedef NTSTATUS (WDFAPI *PFN_WDFOBJECTCREATE)(PWDF_DRIVER_GLOBALS, PWDF_OBJECT_ATTRIBUTES,
                                               WDFOBJECT *);
typedef VOID (WDFAPI *PFN_WDFOBJECTDELETE)(PWDF_DRIVER_GLOBALS, WDFOBJECT);
typedef NTSTATUS (WDFAPI *PFN_WDFOBJECTQUERY)(PWDF_DRIVER_GLOBALS, WDFOBJECT, CONST GUID *,
                                              ULONG, PVOID);

#ifdef DDK_DRIVER
FORCEINLINE PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle,
                                                 PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    return WDF_TABLE_CALL(PFN_WDFOBJECTGETTYPEDCONTEXTWORKER, WdfObjectGetTypedContextWorker)(
        WdfDriverGlobals, Handle, TypeInfo);
}
FORCEINLINE NTSTATUS WdfObjectAllocateContext(WDFOBJECT Handle,
                                              PWDF_OBJECT_ATTRIBUTES ContextAttributes,
                                              PVOID *Context)
{
    return WDF_TABLE_CALL(PFN_WDFOBJECTALLOCATECONTEXT, WdfObjectAllocateContext)(
        WdfDriverGlobals, Handle, ContextAttributes, Context);
}
FORCEINLINE WDFOBJECT WdfObjectContextGetObject(PVOID ContextPointer)
{
    return WDF_TABLE_CALL(PFN_WDFOBJECTCONTEXTGETOBJECT, WdfObjectContextGetObject)(
        WdfDriverGlobals, ContextPointer);
}
FORCEINLINE VOID WdfObjectReferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCHAR File)
{
    WDF_TABLE_CALL(PFN_WDFOBJECTREFERENCEACTUAL, WdfObjectReferenceActual)(
        WdfDriverGlobals, Handle, Tag, Line, File);
}
FORCEINLINE VOID WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCHAR File)
{
    WDF_TABLE_CALL(PFN_WDFOBJECTDEREFERENCEACTUAL, WdfObjectDereferenceActual)(
        WdfDriverGlobals, Handle, Tag, Line, File);
}
FORCEINLINE NTSTATUS WdfObjectCreate(PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object)
{
    return WDF_TABLE_CALL(PFN_WDFOBJECTCREATE, WdfObjectCreate)(WdfDriverGlobals, Attributes, Object);
}
FORCEINLINE VOID WdfObjectDelete(WDFOBJECT Object)
{
    WDF_TABLE_CALL(PFN_WDFOBJECTDELETE, WdfObjectDelete)(WdfDriverGlobals, Object);
}
FORCEINLINE NTSTATUS WdfObjectQuery(WDFOBJECT Object, CONST GUID *Guid, ULONG QueryBufferLength,
                                    PVOID QueryBuffer)
{
    return WDF_TABLE_CALL(PFN_WDFOBJECTQUERY, WdfObjectQuery)(WdfDriverGlobals, Object, Guid,
                                                              QueryBufferLength, QueryBuffer);
}
#endif

#define WdfObjectReference(Handle) \
    WdfObjectReferenceActual(Handle, NULL, __LINE__, (PCHAR)__FILE__)
#define WdfObjectReferenceWithTag(Handle, Tag) \
    WdfObjectReferenceActual(Handle, Tag, __LINE__, (PCHAR)__FILE__)
#define WdfObjectDereference(Handle) \
    WdfObjectDereferenceActual(Handle, NULL, __LINE__, (PCHAR)__FILE__)
#define WdfObjectDereferenceWithTag(Handle, Tag) \
    WdfObjectDereferenceActual(Handle, Tag, __LINE__, (PCHAR)__FILE__)

#endif /* _WDFOBJECT_H_ */
