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

/* loader errors: the pool tag leak_drv leaks */
#define LEAK_DRV_TAG 'kaeL'   /* "Leak" in a pool dump */

#endif
