/*
 * wdfio_test.h - what ioecho_kmdf_drv.c (a KMDF echo driver of our own)
 * and test_wdfio.c share: names, IOCTL codes, records.
 */
#ifndef WDFIO_TEST_H
#define WDFIO_TEST_H

#define IOECHO_DEVICE L"\\Device\\WdfIoEcho"
#define IOECHO_LINK   L"\\??\\WdfIoEcho"

#define IOECHO_CTL(n, m) CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900 + (n), (m), FILE_ANY_ACCESS)
/* Parallel queue (WdfDeviceConfigureRequestDispatching for IOCTLs). */
#define IOCTL_IOECHO_STATS      IOECHO_CTL(0, METHOD_BUFFERED)
#define IOCTL_IOECHO_BUFFERED   IOECHO_CTL(1, METHOD_BUFFERED)    /* out = ~in, min 4 in */
#define IOCTL_IOECHO_IN_DIRECT  IOECHO_CTL(2, METHOD_IN_DIRECT)   /* out = ~in via MDL */
#define IOCTL_IOECHO_OUT_DIRECT IOECHO_CTL(3, METHOD_OUT_DIRECT)
#define IOCTL_IOECHO_NEITHER    IOECHO_CTL(4, METHOD_NEITHER)     /* EvtIoInCallerContext */
#define IOCTL_IOECHO_PEND       IOECHO_CTL(5, METHOD_BUFFERED)    /* forwarded to the manual queue */
#define IOCTL_IOECHO_RELEASE    IOECHO_CTL(6, METHOD_BUFFERED)    /* completes one pended, out: ULONG tag */
#define IOCTL_IOECHO_HOLD       IOECHO_CTL(7, METHOD_BUFFERED)    /* kept cancelable by the driver */
#define IOCTL_IOECHO_MEMORY     IOECHO_CTL(8, METHOD_BUFFERED)    /* memory object checks, out: ULONG bits */
#define IOCTL_IOECHO_DOUBLE     IOECHO_CTL(9, METHOD_BUFFERED)    /* misuse: completes twice */
#define IOCTL_IOECHO_NOTOWNED   IOECHO_CTL(10, METHOD_BUFFERED)   /* misuse: completes a queued one */
#define IOCTL_IOECHO_PURGE      IOECHO_CTL(11, METHOD_BUFFERED)   /* purges the manual queue */
#define IOCTL_IOECHO_PARAMS     IOECHO_CTL(12, METHOD_BUFFERED)   /* out: struct ioecho_params */
#define IOCTL_IOECHO_QSTATE     IOECHO_CTL(13, METHOD_BUFFERED)   /* in: QOP_*, out: queue state bits */
#define IOCTL_IOECHO_FIND       IOECHO_CTL(14, METHOD_BUFFERED)   /* find+retrieve the caller's pended one, out: tag */
#define IOCTL_IOECHO_BYFILE     IOECHO_CTL(15, METHOD_BUFFERED)   /* retrieve by the caller's file, out: tag */
#define IOCTL_IOECHO_SLOW       IOECHO_CTL(16, METHOD_BUFFERED)   /* sleeps 20 ms on the parallel queue */

#define IOCTL_IOECHO_TARGET     IOECHO_CTL(17, METHOD_BUFFERED)   /* remote target to itself, out: TGT_* bits */

#define TGT_OPEN   0x01
#define TGT_IOCTL  0x02
#define TGT_WRITE  0x04
#define TGT_READ   0x08
#define TGT_STOP   0x10
#define TGT_CLOSE  0x20
#define TGT_ASYNC  0x40
#define TGT_SYNCREQ 0x80
#define TGT_ALL    0xff

#define QOP_STATE 0
#define QOP_STOP  1
#define QOP_START 2
#define QOP_DRAIN 3

struct ioecho_stats {
    ULONG writes, reads, ioctls;      /* presented to the driver */
    ULONG max_parallel;               /* most IOCTLs with the driver at once */
    ULONG creates, cleanups, closes;
    ULONG cancels;                    /* EvtRequestCancel calls */
    ULONG canceled_on_queue;          /* EvtIoCanceledOnQueue calls */
    ULONG in_caller;                  /* EvtIoInCallerContext calls */
    ULONG manual_queued;              /* WdfIoQueueGetState's count for the manual queue */
    ULONG file_context_ok;            /* creates whose file context was zeroed and the right size */
    ULONG request_context_ok;         /* requests whose context was there */
    ULONG sequential_violations;      /* two reads/writes with the driver at once */
    ULONG timer_deferred;             /* echo completions left to the WDFTIMER */
    ULONG ready_notifications;        /* EvtIoQueueState (ReadyNotify) of the manual queue */
};

struct ioecho_params {
    ULONG type;                       /* WDF_REQUEST_TYPE */
    ULONG in_len, out_len, code;
    ULONG requestor_mode;
    ULONG has_file;                   /* WdfRequestGetFileObject != NULL */
    ULONG queue_is_parallel;          /* WdfRequestGetIoQueue == the IOCTL queue */
    ULONG file_name_len;              /* WdfFileObjectGetFileName's Length */
};

/* Bits of IOCTL_IOECHO_MEMORY's answer: each is a check that passed. */
#define MEMCHK_CREATE      0x001
#define MEMCHK_COPY        0x002
#define MEMCHK_BOUNDS      0x004
#define MEMCHK_PREALLOC    0x008
#define MEMCHK_ASSIGN      0x010
#define MEMCHK_LOOKASIDE   0x020
#define MEMCHK_REQMEM      0x040
#define MEMCHK_TOO_SMALL   0x080
#define MEMCHK_WRONG_DIR   0x100
#define MEMCHK_ALL         0x1ff

#endif
