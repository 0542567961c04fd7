/* trace.h - reached as "Trace.h"; its own includes must still resolve
 * beside it (levels.h, spelled right) and ignoring case (sub/Helper.h). */
#pragma once
#include "levels.h"
#include "Sub/Helper.h"
#define TRACE_VALUE 0x1000
