/*
 * coverage.c - ddk-cc --coverage [--json]: which WDF DDIs the framework
 * implements, read from the one list the function tables are generated
 * from (src/wdf/wdf_functions.def, installed as
 * PREFIX/share/openddk/wdf_functions.def).
 *
 * Text: a summary line per model, then "model state name" per function in
 * table order. JSON: {"kmdf": {"total": N, "implemented": [...],
 * "stub": [...]}, "umdf": {...}}, names in table order.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coverage.h"

struct cov_fn {
    char name[96];
    int index[2];      /* KMDF, UMDF; -1 when absent */
    bool impl;
};

static FILE *cov_open(void)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = 0;
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = 0;
        }
        snprintf(path, sizeof(path), "%s/share/openddk/wdf_functions.def", exe);
        FILE *f = fopen(path, "r");
        if (f)
            return f;
    }
    return fopen(DDK_SOURCE_DIR "/src/wdf/wdf_functions.def", "r");
}

static int cov_cmp_model;
static int cov_cmp(const void *a, const void *b)
{
    const struct cov_fn *x = a, *y = b;
    return x->index[cov_cmp_model] - y->index[cov_cmp_model];
}

int ddk_cc_coverage(bool json)
{
    FILE *f = cov_open();
    if (!f) {
        fprintf(stderr, "ddk-cc: --coverage: wdf_functions.def not found\n");
        return 2;
    }
    struct cov_fn *fns = NULL;
    size_t count = 0, cap = 0;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char name[96], k[16], u[16], state[16];
        if (line[0] == '#' || sscanf(line, "%95s %15s %15s %15s", name, k, u, state) != 4)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 512;
            struct cov_fn *n = realloc(fns, cap * sizeof(*fns));
            if (!n) {
                free(fns);
                fclose(f);
                return 2;
            }
            fns = n;
        }
        struct cov_fn *fn = &fns[count++];
        snprintf(fn->name, sizeof(fn->name), "%s", name);
        fn->index[0] = strcmp(k, "-") ? atoi(k) : -1;
        fn->index[1] = strcmp(u, "-") ? atoi(u) : -1;
        fn->impl = strcmp(state, "impl") == 0;
    }
    fclose(f);

    static const char *const model_key[2] = { "kmdf", "umdf" };
    static const char *const model_name[2] = { "KMDF 1.33", "UMDF 2.33" };
    if (json)
        printf("{");
    for (int m = 0; m < 2; m++) {
        struct cov_fn *sel = calloc(count ? count : 1, sizeof(*sel));
        size_t n = 0, impl = 0;
        if (!sel) {
            free(fns);
            return 2;
        }
        for (size_t i = 0; i < count; i++)
            if (fns[i].index[m] >= 0) {
                sel[n++] = fns[i];
                impl += fns[i].impl;
            }
        cov_cmp_model = m;
        qsort(sel, n, sizeof(*sel), cov_cmp);
        if (json) {
            printf("%s\"%s\": {\"total\": %zu, \"implemented\": [", m ? ", " : "",
                   model_key[m], n);
            for (int pass = 0; pass < 2; pass++) {
                bool first = true;
                if (pass)
                    printf("], \"stub\": [");
                for (size_t i = 0; i < n; i++)
                    if (sel[i].impl == !pass) {
                        printf("%s\"%s\"", first ? "" : ", ", sel[i].name);
                        first = false;
                    }
            }
            printf("]}");
        } else {
            printf("%s: %zu of %zu DDIs implemented, %zu stubs\n", model_name[m], impl, n,
                   n - impl);
        }
        free(sel);
    }
    if (json) {
        printf("}\n");
    } else {
        for (int m = 0; m < 2; m++) {
            struct cov_fn *sel = calloc(count ? count : 1, sizeof(*sel));
            size_t n = 0;
            if (!sel)
                break;
            for (size_t i = 0; i < count; i++)
                if (fns[i].index[m] >= 0)
                    sel[n++] = fns[i];
            cov_cmp_model = m;
            qsort(sel, n, sizeof(*sel), cov_cmp);
            for (size_t i = 0; i < n; i++)
                printf("%s %3d %-4s %s\n", model_key[m], sel[i].index[m],
                       sel[i].impl ? "impl" : "stub", sel[i].name);
            free(sel);
        }
    }
    free(fns);
    return 0;
}
