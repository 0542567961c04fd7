/*
 * wdm.h - OpenDDK: the WDM driver interface.
 *
 * One umbrella over per-layer headers in ddk/; a driver includes wdm.h (or
 * ntddk.h) exactly as on Windows. Order matters: each part may use the
 * types of the parts above it.
 */
#ifndef _WDMDDK_
#define _WDMDDK_

#include <ntdef.h>
#include <ntstatus.h>
#include <ddk/rtl_list.h>   /* list helpers                      (rtl) */
#include <ddk/rtl.h>        /* strings, bitmaps, status, debug    (rtl) */
#include <ddk/ketypes.h>    /* dispatcher object layouts          (ke)  */
#include <ddk/ke.h>         /* IRQL, locks, waits, DPC, timers    (ke)  */
#include <ddk/ex.h>         /* pool, lookaside, bug checks        (ex)  */
#include <ddk/ob.h>         /* objects and handles                (ob)  */
#include <ddk/se.h>         /* security descriptors, access       (se)  */
#include <ddk/iotypes.h>    /* IRP, stack locations, objects      (io)  */
#include <ddk/io.h>         /* IRP processing DDIs                (io)  */
#include <ddk/iodev.h>      /* driver/device/file objects, names  (io)  */
#include <ddk/cm.h>         /* the registry (Zw*Key)              (registry) */
#include <ddk/pnp.h>        /* PnP manager DDIs, CM_PROB_*, DN_*  (pnp) */
#include <ddk/seh.h>        /* __try/__except without SEH         (rtl) */

#endif /* _WDMDDK_ */
