/* ddk/seh.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_SEH_H_
#define _DDK_SEH_H_

#endif
