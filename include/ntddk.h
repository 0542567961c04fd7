/*
 * ntddk.h - OpenDDK: wdm.h plus the kernel interfaces outside WDM.
 *
 * As on Windows, a driver includes either wdm.h or ntddk.h (or both).
 * The non-WDM DDIs live in the per-layer headers that wdm.h already
 * pulls in (each layer declares its own), so this header adds only what
 * ntddk.h brings that is not a DDI of a layer.
 */
#ifndef _NTDDK_
#define _NTDDK_

#include <wdm.h>

/* ntddk.h-level driver builds see the same version constants and GUID
 * machinery as wdm.h (they come with ddk/compiler.h); nothing else yet. */
#define NTDDK_OPENDDK 1

#endif /* _NTDDK_ */
