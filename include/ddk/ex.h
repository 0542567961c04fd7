/* ddk/ex.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_EX_H_
#define _DDK_EX_H_

#endif
