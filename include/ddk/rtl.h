/*
 * ddk/rtl.h - OpenDDK: the run-time library DDIs (strings, memory,
 * bitmaps, interlocked operations, status mapping, time, debug output).
 */
#ifndef _DDK_RTL_H_
#define _DDK_RTL_H_

#endif /* _DDK_RTL_H_ */
