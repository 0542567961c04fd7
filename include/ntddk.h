/* ntddk.h - OpenDDK: wdm.h plus the non-WDM kernel interfaces. */
#ifndef _NTDDK_
#define _NTDDK_
#include <wdm.h>
#endif
