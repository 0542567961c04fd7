/*
 * pnp_bench.c - the PnP manager's scale measurement: create and start N
 * root devices of one null driver in-process (N = 1,000 then 10,000 by
 * default, each in a fresh state root), report the time per device at
 * each size and the ratio of the per-device costs (target <= 1.5: no
 * quadratic path). Not a test: it prints figures.
 *
 * usage: ddk-pnp-bench [N...]
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "pnp/pnp.h"
#include "krnl/krnl.h"
#include "registry/reg.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int rm_one(const char *p, const struct stat *s, int f, struct FTW *w)
{
    (void)s, (void)f, (void)w;
    return remove(p);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Microseconds per device for n devices in a fresh state root, or < 0. */
static double run(unsigned n)
{
    static const struct reg_caller c = { REG_CALLER_INSTALLER, "ddk-pnp-bench" };
    char root[] = "/tmp/ddk-pnpbench-XXXXXX", id[PNP_MAX_INSTANCE_ID + 1];
    struct reg_key *k;
    double t0, t1;
    unsigned i;

    if (!mkdtemp(root))
        return -1;
    krnl_init(root);
    if (!NT_SUCCESS(reg_key_create(&c, NULL,
                                   "\\Registry\\Machine\\System\\CurrentControlSet\\Services"
                                   "\\pnpnull", KEY_ALL_ACCESS, REG_CREATE_PARENTS, NULL, &k)))
        return -1;
    reg_value_set_string(&c, k, "ImagePath", REG_EXPAND_SZ, PNP_NULL_DRIVER);
    reg_key_close(k);
    pnp_init();
    t0 = now();
    for (i = 0; i < n; i++) {
        struct pnp_device_status st;
        if (!NT_SUCCESS(pnp_device_create_root("Bench", "BENCH\\NULL\0", NULL, "pnpnull", id,
                                               sizeof(id))) ||
            !NT_SUCCESS(pnp_device_get_status(id, &st)) || !(st.dn_flags & DN_STARTED)) {
            fprintf(stderr, "ddk-pnp-bench: device %u did not start\n", i);
            return -1;
        }
    }
    t1 = now();
    pnp_shutdown();
    reg_shutdown();
    nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return (t1 - t0) * 1e6 / n;
}

int main(int argc, char **argv)
{
    unsigned sizes[8] = { 1000, 10000 };
    int count = 2, i;
    double per[8];

    if (argc > 1) {
        count = 0;
        for (i = 1; i < argc && count < 8; i++)
            sizes[count++] = (unsigned)strtoul(argv[i], NULL, 10);
    }
    for (i = 0; i < count; i++) {
        per[i] = run(sizes[i]);
        if (per[i] < 0)
            return 1;
        printf("pnp: %6u root devices created and started: %8.1f us/device\n", sizes[i],
               per[i]);
    }
    if (count >= 2)
        printf("pnp: per-device cost ratio %u vs %u: %.2f (target <= 1.5)\n", sizes[count - 1],
               sizes[0], per[count - 1] / per[0]);
    return 0;
}
