/*
 * wdfcore_ioctl.h - the control interface of the wdfcore test drivers
 * (core_kmdf_drv, core2_kmdf_drv): each IOCTL runs one scenario inside
 * the driver and returns what it saw.
 */
#ifndef WDFCORE_IOCTL_H
#define WDFCORE_IOCTL_H

#define WDFCORE_CTL(n) CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900 + (n), METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_WDFCORE_TREE        WDFCORE_CTL(1)  /* out: struct wdfcore_events */
#define IOCTL_WDFCORE_REFS        WDFCORE_CTL(2)  /* out: struct wdfcore_events */
#define IOCTL_WDFCORE_CTX_MAKE    WDFCORE_CTL(3)  /* out: ULONG64 handle with a CORE_CTX (magic 0xC0DE) */
#define IOCTL_WDFCORE_CTX_PEEK    WDFCORE_CTL(4)  /* in: ULONG64 handle; out: ULONG64 ctx ptr or 0, ULONG magic */
#define IOCTL_WDFCORE_TRAP        WDFCORE_CTL(5)  /* out: NTSTATUS of a stub slot */
#define IOCTL_WDFCORE_INFO        WDFCORE_CTL(6)  /* out: struct wdfcore_info */
#define IOCTL_WDFCORE_DEFERRED    WDFCORE_CTL(7)  /* out: struct wdfcore_deferred */
#define IOCTL_WDFCORE_LOCKS       WDFCORE_CTL(8)  /* out: struct wdfcore_locks */
#define IOCTL_WDFCORE_BAD_TYPE    WDFCORE_CTL(10) /* bug checks: 0x10D/0x5 */
#define IOCTL_WDFCORE_STALE       WDFCORE_CTL(11) /* bug checks: 0x10D/0x5 */
#define IOCTL_WDFCORE_DEREF_DEL   WDFCORE_CTL(12) /* bug checks: 0x10D/0x7 */
#define IOCTL_WDFCORE_DEL_DRIVER  WDFCORE_CTL(13) /* bug checks: 0x10D/0x7 */

#define WDFCORE_MAX_EVENTS 16
/* Event codes: 10*object + kind; objects 1 parent, 2 child, 3 grandchild;
 * kind 1 cleanup, 2 destroy, 3 context cleanup, 4 context destroy. */
struct wdfcore_events {
    ULONG count;
    ULONG ev[WDFCORE_MAX_EVENTS];
    ULONG ctx_ok;            /* context pointers and ContextGetObject agree */
    ULONG alive_after_delete;/* REFS: context still readable after delete */
};

struct wdfcore_info {
    ULONG64 driver;          /* WdfGetDriver() */
    ULONG64 device_driver;   /* WdfDeviceGetDriver(control device) */
    ULONG64 wdm_driver;      /* WdfDriverWdmGetDriverObject */
    ULONG64 wdm_device;      /* WdfDeviceWdmGetDeviceObject */
    ULONG64 back_device;     /* WdfWdmDeviceGetWdfDeviceHandle(wdm_device) == device */
    ULONG64 device;
    ULONG version_33;        /* WdfDriverIsVersionAvailable(1.33) */
    ULONG version_99;        /* ... (1.99) */
    char name[32];           /* WdfDriverGlobals->DriverName */
    ULONG64 globals;         /* WdfDriverGlobals */
};

/* IRQLs the callbacks ran at (0xFF: did not run within 5 s). */
struct wdfcore_deferred {
    ULONG timer_irql, passive_timer_irql, dpc_irql, work_irql;
    ULONG periodic_ticks;       /* a 5 ms periodic timer, stopped after >= 3 ticks */
    ULONG parent_ok;            /* Wdf*GetParentObject == the device */
    ULONG dpc_enqueue_twice;    /* second WdfDpcEnqueue while queued: FALSE */
    ULONG incompatible_refused; /* passive timer serialised with a spin-lock device */
};

struct wdfcore_locks {
    ULONG spin_irql;            /* IRQL while holding a WDFSPINLOCK */
    ULONG after_irql;           /* ... after release */
    NTSTATUS wait_first;        /* WdfWaitLockAcquire(timeout 0) on a free lock */
    NTSTATUS wait_busy;         /* ... on a held lock (from a work item): STATUS_TIMEOUT */
    NTSTATUS wait_timed;        /* 10 ms timeout on a held lock: STATUS_TIMEOUT */
    ULONG device_lock_ok;       /* WdfObjectAcquireLock/ReleaseLock on the device */
};

#endif
