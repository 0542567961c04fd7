/* ddk/iotypes.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_IOTYPES_H_
#define _DDK_IOTYPES_H_

#endif
