/*
 * guids.c - the translation unit that defines the driver's GUIDs: the
 * usual <initguid.h>-then-public.h idiom.
 */
#include <ntddk.h>

/* Without a semicolon, as some samples write it. */
_Analysis_mode_(_Analysis_code_type_kernel_driver_)

#include <initguid.h>
#include "public.h"
