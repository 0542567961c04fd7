/* basic_drv.h - what basic_drv.c reports to test_driver.c. */
#ifndef BASIC_DRV_H
#define BASIC_DRV_H

#define IOCTL_BASIC_INFO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)

struct basic_info {
    ULONG flags_in_entry;      /* DeviceObject->Flags during DriverEntry */
    ULONG flags_now;
    ULONG reinit_calls;
    ULONG reinit_count;        /* Count argument of the last call */
    ULONG ext_ok;              /* IoGetDriverObjectExtension found ours */
    ULONG ext_dup_status;      /* second IoAllocateDriverObjectExtension */
    WCHAR regpath[128];
    WCHAR driver_name[64];
    WCHAR service_key[64];
    WCHAR hw_database[64];
};

#endif
