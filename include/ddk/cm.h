/* ddk/cm.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_CM_H_
#define _DDK_CM_H_

#endif
