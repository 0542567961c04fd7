/*
 * fuzz_inf.c - libFuzzer target for the INF layer: any bytes, parsed and
 * every field expanded, every Needs= walked, the isolation checks run and
 * the bytes stamped as an .inx, must give a result or a file:line error —
 * never a crash, a hang or a leak.
 */
#include <ntdef.h>
#include "store/inf.h"
#include "store/infcheck.h"
#include "store/stamp.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *fuzz_dirid(void *ctx, unsigned id)
{
    (void)ctx;
    return id == 13 ? "/store/FileRepository/x_amd64_0" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct stamp_opts opts = { .date = "11/23/2026", .version = "1.2.3.4" };
    struct inf_error err;
    struct inf_file *inf = inf_parse("fuzz.inf", data, size, size ? data[0] : 0, &err);
    struct infcheck_result r;
    struct inf_set set;
    char buf[256];
    void *out;
    size_t outlen;

    if (!inf) {
        /* An error always says where and what. */
        if (err.code == 0 || err.message[0] == 0)
            __builtin_trap();
        return 0;
    }
    inf->dirid = fuzz_dirid;
    /* a one-file set: Include= is not followed (no file system here) */
    memset(&set, 0, sizeof(set));
    set.files = &inf;
    set.nfiles = set.cap = 1;
    for (unsigned s = 0; s < inf->nsections; s++) {
        const struct inf_section *sec = &inf->sections[s];
        const struct inf_section *needed[4];
        unsigned n;
        inf_install_section(inf, sec->name);
        inf_decoration_applies(sec->name);
        inf_set_needs(&set, sec, needed, 4, &n, &err);
        for (unsigned l = 0; l < sec->nlines; l++) {
            const struct inf_line *line = &sec->lines[l];
            inf_key(inf, line, buf, sizeof(buf), NULL);
            for (unsigned f = 0; f < line->nfields; f++)
                inf_field(inf, line, f, buf, sizeof(buf), NULL);
        }
    }
    memset(&r, 0, sizeof(r));
    infcheck_set(&set, 0, &r);
    for (unsigned i = 0; i < r.n; i++)
        if (r.v[i].code == 0 || r.v[i].message[0] == 0)
            __builtin_trap();
    infcheck_free(&r);
    inf_close(inf);

    /* what parses also stamps, and the stamped text parses again */
    if (stamp_inx("fuzz.inx", data, size, &opts, &out, &outlen, &err)) {
        struct inf_file *again = inf_parse("fuzz.inf", out, outlen, 0, &err);
        if (!again)
            __builtin_trap();
        inf_close(again);
        free(out);
    }
    return 0;
}
