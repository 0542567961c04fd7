/*
 * wdf.h - Windows Driver Frameworks (KMDF 1.33 / UMDF 2.33) for OpenDDK.
 *
 * A driver includes this (after ntddk.h or wdm.h) and is built with
 * ddk-cc --kmdf or --umdf. Every Wdf* DDI is an inline call through the
 * driver's function table (wdfglobals.h); the executive implements the
 * slots in src/wdf/. Which slots are implemented: ddk-cc --coverage.
 */
#ifndef _WDF_H_
#define _WDF_H_

#include <ntddk.h>

#ifndef KMDF_VERSION_MAJOR
#define KMDF_VERSION_MAJOR 1
#endif
#ifndef KMDF_VERSION_MINOR
#define KMDF_VERSION_MINOR 33
#endif
#ifndef UMDF_VERSION_MAJOR
#define UMDF_VERSION_MAJOR 2
#endif
#ifndef UMDF_VERSION_MINOR
#define UMDF_VERSION_MINOR 33
#endif

#include <wdftypes.h>
#include <wdfglobals.h>
#include <wdffuncenum.h>
#include <wdfddi.h>
#include <wdfbugcodes.h>
#include <wdfobject.h>
#include <wdfverifier.h>
#include <wdfassert.h>
#include <wdfsync.h>
#include <wdfdriver.h>
#include <wdfdevice.h>
#include <wdfcontrol.h>
#include <wdfstring.h>
#include <wdfcollection.h>
#include <wdftimer.h>
#include <wdfworkitem.h>
#include <wdfdpc.h>
/* The I/O half (queues, requests, memory, file objects, I/O targets) is
 * owned by the wdfio work; included when present. */
#if __has_include(<wdfmemory.h>)
#include <wdfmemory.h>
#endif
#if __has_include(<wdffileobject.h>)
#include <wdffileobject.h>
#endif
#if __has_include(<wdfrequest.h>)
#include <wdfrequest.h>
#endif
#if __has_include(<wdfio.h>)
#include <wdfio.h>
#endif
#if __has_include(<wdfiotarget.h>)
#include <wdfiotarget.h>
#endif
#include <wdfregistry.h>

#endif /* _WDF_H_ */
