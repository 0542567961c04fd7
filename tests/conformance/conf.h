/*
 * conf.h - IOCTL codes and records shared by the conformance drivers
 * (*_drv.c) and their tests (*_test.c).
 */
#ifndef CONF_H
#define CONF_H

/* stack: lower / function / filter */
#define IOCTL_STK_PING         CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA00, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_STK_FILTER_STATS CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA01, METHOD_BUFFERED, FILE_ANY_ACCESS)

struct stk_ping {
    ULONG lower_pings;          /* filled by the lower driver */
    ULONG stack_size_seen;      /* StackSize of the IRP when it reached the lower driver */
    ULONG current_location;     /* CurrentLocation there */
};

struct stk_filter_stats {
    ULONG read_completions;     /* completion routine calls for reads */
    ULONG pending_returned;     /* of those, with PendingReturned set */
    ULONG completion_irql;      /* IRQL of the last read completion */
    ULONG creates_seen;
};

/* cleanup: pends reads until cleanup cancels them */
#define IOCTL_CLN_LOG     CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA10, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_CLN_PENDING CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA11, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* handle validation */
#define IOCTL_HND_CHECK   CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA20, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_HND_OPEN    CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA21, METHOD_BUFFERED, FILE_ANY_ACCESS)

struct hnd_check {
    HANDLE handle;              /* in */
    ACCESS_MASK desired;        /* in */
    ULONG want_device_type;     /* in: 0 file object, 1 device object */
    NTSTATUS status;            /* out: ObReferenceObjectByHandle's answer */
    ULONG same_device;          /* out: the file is open on the driver's own device */
};

struct hnd_open {
    WCHAR path[64];             /* in: what the driver opens with ZwCreateFile */
    NTSTATUS status;            /* out */
    ULONG_PTR information;      /* out: IoStatusBlock.Information */
    ULONG target_creates;       /* out: creates seen by the target */
};

/* interfaces: iface_drv exposes an interface on its PDO, ifwatch_drv
 * watches for it (IoRegisterPlugPlayNotification) and opens each arrival
 * from a work item. {6A1E3C52-0B7D-4F19-9C3E-1D2B3A4C5D6E} */
#define ODDK_IFACE_GUID_INIT { 0x6a1e3c52, 0x0b7d, 0x4f19, \
                               { 0x9c, 0x3e, 0x1d, 0x2b, 0x3a, 0x4c, 0x5d, 0x6e } }
#define IOCTL_IF_ENABLE   CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA30, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IF_DISABLE  CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA31, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IF_CREATES  CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA32, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_WATCH_STATS CTL_CODE(FILE_DEVICE_UNKNOWN, 0xA38, METHOD_BUFFERED, FILE_ANY_ACCESS)

struct if_enable {
    NTSTATUS register_status;
    NTSTATUS enable_status;
    WCHAR link[128];            /* the name IoRegisterDeviceInterface made */
};

struct watch_stats {
    ULONG arrivals;
    ULONG removals;
    ULONG opened;               /* arrivals the work item could open */
    ULONG bad_irql;             /* callbacks not at PASSIVE_LEVEL */
    WCHAR last[128];
};

/* loader errors: the pool tag leak_drv leaks */
#define LEAK_DRV_TAG 'kaeL'   /* "Leak" in a pool dump */

#endif
