/* ddk/io.h - OpenDDK (filled in by its layer). */
#ifndef _DDK_IO_H_
#define _DDK_IO_H_

#endif
