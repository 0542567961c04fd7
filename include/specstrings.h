/* specstrings.h - OpenDDK: SAL annotations (see ddk/sal.h). */
#include <ddk/sal.h>
