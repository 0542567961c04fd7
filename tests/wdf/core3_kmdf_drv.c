/* core3_kmdf_drv.c - core_kmdf_drv.c keeping the framework's dispatch:
 * its control device's IRPs go through the framework (fx_io_dispatch). */
#define CORE_NAME L"WdfCore3"
#define CORE_DEFAULT_DISPATCH 1
#include "core_kmdf_drv.c"
