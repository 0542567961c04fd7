/* core2_kmdf_drv.c - a second copy of core_kmdf_drv.c in another module:
 * the same context type names (CORE_CTX, EXTRA_CTX), other type infos. */
#define CORE_NAME L"WdfCore2"
#include "core_kmdf_drv.c"
