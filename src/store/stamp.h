/*
 * store/stamp.h - the .inx -> .inf step (what stampinf does).
 *
 * An .inx is an INF with placeholders: $ARCH$ (the platform), $KMDFVERSION$
 * and $UMDFVERSION$ (the framework versions the driver was built for).
 * Stamping replaces them everywhere and sets DriverVer=date,version in the
 * [Version] section (replacing the line there, or adding one after the
 * header). The text keeps its encoding: UTF-16LE stays UTF-16LE with its
 * BOM, UTF-8 keeps or lacks its BOM as it did; Windows-1252 input is
 * written as UTF-8 (every INF reader here accepts it).
 */
#ifndef DDK_STORE_STAMP_H
#define DDK_STORE_STAMP_H

#include "store/inf.h"

#define STAMP_DEFAULT_ARCH  "amd64"
#define STAMP_DEFAULT_KMDF  "1.33"
#define STAMP_DEFAULT_UMDF  "2.33"

struct stamp_opts {
    const char *arch;        /* NULL: amd64 */
    const char *kmdf;        /* NULL: STAMP_DEFAULT_KMDF */
    const char *umdf;        /* NULL: STAMP_DEFAULT_UMDF */
    const char *date;        /* MM/DD/YYYY; NULL or "*": today (UTC) */
    const char *version;     /* w.x.y.z; NULL: keep the .inx's, else 1.0.0.0;
                                "*": from the current time (UTC) */
};

/*
 * Stamps in (len bytes) into a malloc'd *out / *outlen. false with *err
 * (file:line) on a bad date/version, an .inx without [Version], or input
 * the INF reader rejects.
 */
bool stamp_inx(const char *name, const void *in, size_t len, const struct stamp_opts *o,
               void **out, size_t *outlen, struct inf_error *err);
/* The same from file to file (out written through a temporary + rename). */
bool stamp_file(const char *in, const char *out, const struct stamp_opts *o,
                struct inf_error *err);

/* `ddk-stampinf -f FILE.inx [-o FILE.inf] [-a ARCH] [-k KMDF] [-u UMDF]
 * [-d DATE|*] [-v VERSION|*]` (without -o the .inx name with .inf). */
int store_stampinf_main(int argc, char **argv);

#endif /* DDK_STORE_STAMP_H */
