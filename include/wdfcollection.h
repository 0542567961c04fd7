/*
 * wdfcollection.h - Windows Driver Frameworks: collections of objects.
 */
#ifndef _WDFCOLLECTION_H_
#define _WDFCOLLECTION_H_

WDF_DDI(NTSTATUS, WdfCollectionCreate, PFN_WDFCOLLECTIONCREATE,
        (PWDF_OBJECT_ATTRIBUTES CollectionAttributes, WDFCOLLECTION *Collection),
        (CollectionAttributes, Collection))
WDF_DDI(ULONG, WdfCollectionGetCount, PFN_WDFCOLLECTIONGETCOUNT,
        (WDFCOLLECTION Collection), (Collection))
WDF_DDI(NTSTATUS, WdfCollectionAdd, PFN_WDFCOLLECTIONADD,
        (WDFCOLLECTION Collection, WDFOBJECT Object), (Collection, Object))
WDF_DDI_VOID(WdfCollectionRemove, PFN_WDFCOLLECTIONREMOVE,
             (WDFCOLLECTION Collection, WDFOBJECT Item), (Collection, Item))
WDF_DDI_VOID(WdfCollectionRemoveItem, PFN_WDFCOLLECTIONREMOVEITEM,
             (WDFCOLLECTION Collection, ULONG Index), (Collection, Index))
WDF_DDI(WDFOBJECT, WdfCollectionGetItem, PFN_WDFCOLLECTIONGETITEM,
        (WDFCOLLECTION Collection, ULONG Index), (Collection, Index))
WDF_DDI(WDFOBJECT, WdfCollectionGetFirstItem, PFN_WDFCOLLECTIONGETFIRSTITEM,
        (WDFCOLLECTION Collection), (Collection))
WDF_DDI(WDFOBJECT, WdfCollectionGetLastItem, PFN_WDFCOLLECTIONGETLASTITEM,
        (WDFCOLLECTION Collection), (Collection))

#endif /* _WDFCOLLECTION_H_ */
