/* driverspecs.h - OpenDDK: the WDK's driver annotations (__drv_*, the
 * SAL 2 kernel annotations); all in ddk/sal.h, all ignored by gcc. */
#include <ddk/sal.h>
