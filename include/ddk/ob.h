/* ddk/ob.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_OB_H_
#define _DDK_OB_H_

#endif
