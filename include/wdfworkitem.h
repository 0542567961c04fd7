/*
 * wdfworkitem.h - Windows Driver Frameworks: work items.
 */
#ifndef _WDFWORKITEM_H_
#define _WDFWORKITEM_H_

typedef VOID (NTAPI EVT_WDF_WORKITEM)(WDFWORKITEM WorkItem);
typedef EVT_WDF_WORKITEM *PFN_WDF_WORKITEM;

typedef struct _WDF_WORKITEM_CONFIG {
    ULONG Size;
    PFN_WDF_WORKITEM EvtWorkItemFunc;
    BOOLEAN AutomaticSerialization;
} WDF_WORKITEM_CONFIG, *PWDF_WORKITEM_CONFIG;

FORCEINLINE VOID WDF_WORKITEM_CONFIG_INIT(PWDF_WORKITEM_CONFIG Config,
                                          PFN_WDF_WORKITEM EvtWorkItemFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_WORKITEM_CONFIG));
    Config->Size = sizeof(WDF_WORKITEM_CONFIG);
    Config->EvtWorkItemFunc = EvtWorkItemFunc;
    Config->AutomaticSerialization = TRUE;
}

WDF_DDI(NTSTATUS, WdfWorkItemCreate, PFN_WDFWORKITEMCREATE,
        (PWDF_WORKITEM_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFWORKITEM *WorkItem),
        (Config, Attributes, WorkItem))
WDF_DDI_VOID(WdfWorkItemEnqueue, PFN_WDFWORKITEMENQUEUE, (WDFWORKITEM WorkItem), (WorkItem))
WDF_DDI(WDFOBJECT, WdfWorkItemGetParentObject, PFN_WDFWORKITEMGETPARENTOBJECT,
        (WDFWORKITEM WorkItem), (WorkItem))
WDF_DDI_VOID(WdfWorkItemFlush, PFN_WDFWORKITEMFLUSH, (WDFWORKITEM WorkItem), (WorkItem))

#endif /* _WDFWORKITEM_H_ */
