/*
 * fuzz_inf.c - libFuzzer target for the INF parser: any bytes, parsed and
 * every field expanded, must give a result or a file:line error — never a
 * crash, a hang or a leak.
 */
#include <ntdef.h>
#include "store/inf.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const char *fuzz_dirid(void *ctx, unsigned id)
{
    (void)ctx;
    return id == 13 ? "/store/FileRepository/x_amd64_0" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct inf_error err;
    struct inf_file *inf = inf_parse("fuzz.inf", data, size, size ? data[0] : 0, &err);
    char buf[256];

    if (!inf) {
        /* An error always says where and what. */
        if (err.code == 0 || err.message[0] == 0)
            __builtin_trap();
        return 0;
    }
    inf->dirid = fuzz_dirid;
    for (unsigned s = 0; s < inf->nsections; s++) {
        const struct inf_section *sec = &inf->sections[s];
        inf_install_section(inf, sec->name);
        inf_decoration_applies(sec->name);
        for (unsigned l = 0; l < sec->nlines; l++) {
            const struct inf_line *line = &sec->lines[l];
            inf_key(inf, line, buf, sizeof(buf), NULL);
            for (unsigned f = 0; f < line->nfields; f++)
                inf_field(inf, line, f, buf, sizeof(buf), NULL);
        }
    }
    inf_close(inf);
    return 0;
}
