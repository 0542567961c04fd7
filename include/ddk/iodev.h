/* ddk/iodev.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_IODEV_H_
#define _DDK_IODEV_H_

#endif
