/*
 * pool_drv.c - a test driver module that allocates from the pool and
 * misuses it on request (see pool_drv.h), so that tests can check what is
 * charged to a driver and who a bug check blames.
 */
#include <wdm.h>
#include "pool_drv.h"

struct _DRIVER_OBJECT;
NTSTATUS NTAPI DriverEntry(struct _DRIVER_OBJECT *DriverObject, PUNICODE_STRING RegistryPath);

NTSTATUS NTAPI DriverEntry(struct _DRIVER_OBJECT *DriverObject, PUNICODE_STRING RegistryPath)
{
    struct pool_drv_cmd *cmd = (struct pool_drv_cmd *)(void *)DriverObject;
    int i;

    UNREFERENCED_PARAMETER(RegistryPath);
    switch (cmd->op) {
    case POOL_DRV_ALLOC:
        for (i = 0; i < cmd->count && i < 16; i++) {
            cmd->ptrs[i] = ExAllocatePool2(POOL_FLAG_NON_PAGED, cmd->size, cmd->tag);
            if (!cmd->ptrs[i])
                return STATUS_INSUFFICIENT_RESOURCES;
        }
        return STATUS_SUCCESS;
    case POOL_DRV_FREE:
        for (i = 0; i < cmd->count && i < 16; i++)
            ExFreePoolWithTag(cmd->ptrs[i], cmd->tag);
        return STATUS_SUCCESS;
    case POOL_DRV_FREE_WRONG_TAG:
        ExFreePoolWithTag(cmd->ptrs[0], cmd->tag + 1);
        return STATUS_SUCCESS;
    case POOL_DRV_BUGCHECK:
        KeBugCheckEx(cmd->code, 1, 2, 3, 4);
    case POOL_DRV_CRASH:
        *(volatile ULONG *)(ULONG_PTR)cmd->size = 0xDEAD;
        return STATUS_UNSUCCESSFUL;
    case POOL_DRV_LOOKASIDE:
        for (i = 0; i < cmd->count && i < 16; i++)
            cmd->ptrs[i] = ExAllocateFromNPagedLookasideList(cmd->lookaside);
        return STATUS_SUCCESS;
    }
    return STATUS_INVALID_PARAMETER;
}
