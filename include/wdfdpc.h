/*
 * wdfdpc.h - Windows Driver Frameworks: DPC objects.
 */
#ifndef _WDFDPC_H_
#define _WDFDPC_H_

typedef VOID (NTAPI EVT_WDF_DPC)(WDFDPC Dpc);
typedef EVT_WDF_DPC *PFN_WDF_DPC;

typedef struct _WDF_DPC_CONFIG {
    ULONG Size;
    PFN_WDF_DPC EvtDpcFunc;
    BOOLEAN AutomaticSerialization;
} WDF_DPC_CONFIG, *PWDF_DPC_CONFIG;

FORCEINLINE VOID WDF_DPC_CONFIG_INIT(PWDF_DPC_CONFIG Config, PFN_WDF_DPC EvtDpcFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_DPC_CONFIG));
    Config->Size = sizeof(WDF_DPC_CONFIG);
    Config->EvtDpcFunc = EvtDpcFunc;
    Config->AutomaticSerialization = TRUE;
}

WDF_DDI(NTSTATUS, WdfDpcCreate, PFN_WDFDPCCREATE,
        (PWDF_DPC_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFDPC *Dpc),
        (Config, Attributes, Dpc))
WDF_DDI(BOOLEAN, WdfDpcEnqueue, PFN_WDFDPCENQUEUE, (WDFDPC Dpc), (Dpc))
WDF_DDI(BOOLEAN, WdfDpcCancel, PFN_WDFDPCCANCEL, (WDFDPC Dpc, BOOLEAN Wait), (Dpc, Wait))
WDF_DDI(WDFOBJECT, WdfDpcGetParentObject, PFN_WDFDPCGETPARENTOBJECT, (WDFDPC Dpc), (Dpc))
WDF_DDI(PKDPC, WdfDpcWdmGetDpc, PFN_WDFDPCWDMGETDPC, (WDFDPC Dpc), (Dpc))

#endif /* _WDFDPC_H_ */
