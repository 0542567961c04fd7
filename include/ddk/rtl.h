/* ddk/rtl.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_RTL_H_
#define _DDK_RTL_H_

#endif
