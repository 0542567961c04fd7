/*
 * wdfregistry.h - Windows Driver Frameworks: registry key objects.
 * WdfRegistryQueryMemory/AssignMemory take WDFMEMORY (wdfmemory.h).
 */
#ifndef _WDFREGISTRY_H_
#define _WDFREGISTRY_H_

WDF_DDI(NTSTATUS, WdfRegistryOpenKey, PFN_WDFREGISTRYOPENKEY,
        (WDFKEY ParentKey, PCUNICODE_STRING KeyName, ACCESS_MASK DesiredAccess,
         PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key),
        (ParentKey, KeyName, DesiredAccess, KeyAttributes, Key))
WDF_DDI(NTSTATUS, WdfRegistryCreateKey, PFN_WDFREGISTRYCREATEKEY,
        (WDFKEY ParentKey, PCUNICODE_STRING KeyName, ACCESS_MASK DesiredAccess,
         ULONG CreateOptions, PULONG CreateDisposition, PWDF_OBJECT_ATTRIBUTES KeyAttributes,
         WDFKEY *Key),
        (ParentKey, KeyName, DesiredAccess, CreateOptions, CreateDisposition, KeyAttributes, Key))
WDF_DDI_VOID(WdfRegistryClose, PFN_WDFREGISTRYCLOSE, (WDFKEY Key), (Key))
WDF_DDI(HANDLE, WdfRegistryWdmGetHandle, PFN_WDFREGISTRYWDMGETHANDLE, (WDFKEY Key), (Key))
WDF_DDI(NTSTATUS, WdfRegistryRemoveKey, PFN_WDFREGISTRYREMOVEKEY, (WDFKEY Key), (Key))
WDF_DDI(NTSTATUS, WdfRegistryRemoveValue, PFN_WDFREGISTRYREMOVEVALUE,
        (WDFKEY Key, PCUNICODE_STRING ValueName), (Key, ValueName))
WDF_DDI(NTSTATUS, WdfRegistryQueryValue, PFN_WDFREGISTRYQUERYVALUE,
        (WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueLength, PVOID Value,
         PULONG ValueLengthQueried, PULONG ValueType),
        (Key, ValueName, ValueLength, Value, ValueLengthQueried, ValueType))
WDF_DDI(NTSTATUS, WdfRegistryQueryMemory, PFN_WDFREGISTRYQUERYMEMORY,
        (WDFKEY Key, PCUNICODE_STRING ValueName, POOL_TYPE PoolType,
         PWDF_OBJECT_ATTRIBUTES MemoryAttributes, WDFMEMORY *Memory, PULONG ValueType),
        (Key, ValueName, PoolType, MemoryAttributes, Memory, ValueType))
WDF_DDI(NTSTATUS, WdfRegistryQueryMultiString, PFN_WDFREGISTRYQUERYMULTISTRING,
        (WDFKEY Key, PCUNICODE_STRING ValueName, PWDF_OBJECT_ATTRIBUTES StringsAttributes,
         WDFCOLLECTION Collection),
        (Key, ValueName, StringsAttributes, Collection))
WDF_DDI(NTSTATUS, WdfRegistryQueryUnicodeString, PFN_WDFREGISTRYQUERYUNICODESTRING,
        (WDFKEY Key, PCUNICODE_STRING ValueName, PUSHORT ValueByteLength,
         PUNICODE_STRING Value),
        (Key, ValueName, ValueByteLength, Value))
WDF_DDI(NTSTATUS, WdfRegistryQueryString, PFN_WDFREGISTRYQUERYSTRING,
        (WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String), (Key, ValueName, String))
WDF_DDI(NTSTATUS, WdfRegistryQueryULong, PFN_WDFREGISTRYQUERYULONG,
        (WDFKEY Key, PCUNICODE_STRING ValueName, PULONG Value), (Key, ValueName, Value))
WDF_DDI(NTSTATUS, WdfRegistryAssignValue, PFN_WDFREGISTRYASSIGNVALUE,
        (WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType, ULONG ValueLength,
         PVOID Value),
        (Key, ValueName, ValueType, ValueLength, Value))
WDF_DDI(NTSTATUS, WdfRegistryAssignMemory, PFN_WDFREGISTRYASSIGNMEMORY,
        (WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType, WDFMEMORY Memory,
         void *MemoryOffsets),
        (Key, ValueName, ValueType, Memory, MemoryOffsets))
WDF_DDI(NTSTATUS, WdfRegistryAssignMultiString, PFN_WDFREGISTRYASSIGNMULTISTRING,
        (WDFKEY Key, PCUNICODE_STRING ValueName, WDFCOLLECTION StringsCollection),
        (Key, ValueName, StringsCollection))
WDF_DDI(NTSTATUS, WdfRegistryAssignUnicodeString, PFN_WDFREGISTRYASSIGNUNICODESTRING,
        (WDFKEY Key, PCUNICODE_STRING ValueName, PCUNICODE_STRING Value),
        (Key, ValueName, Value))
WDF_DDI(NTSTATUS, WdfRegistryAssignString, PFN_WDFREGISTRYASSIGNSTRING,
        (WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String), (Key, ValueName, String))
WDF_DDI(NTSTATUS, WdfRegistryAssignULong, PFN_WDFREGISTRYASSIGNULONG,
        (WDFKEY Key, PCUNICODE_STRING ValueName, ULONG Value), (Key, ValueName, Value))

#endif /* _WDFREGISTRY_H_ */
