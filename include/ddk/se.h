/* ddk/se.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_SE_H_
#define _DDK_SE_H_

#endif
