/* ddk/ke.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_KE_H_
#define _DDK_KE_H_

#endif
