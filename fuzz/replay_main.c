/*
 * replay_main.c - the short fuzz run of `make check`: built with gcc (and
 * ASan in the sanitizer build), it feeds every corpus file to a libFuzzer
 * target, then a bounded, deterministic series of mutations of them.
 * Usage: <target>-replay CORPUS_DIR ITERATIONS
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    uint8_t *data;
    size_t size;
};

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
    static const char tokens[][12] = { "[", "]", "=", ",", ";", "\"", "%", "%%", "\\\n",
                                      "\r\n", "\xff\xfe", "NTamd64", ".10.0..." };
    unsigned ops = 1 + (unsigned)(next() % 8);
    for (unsigned i = 0; i < ops; i++) {
        size_t pos = len ? next() % len : 0;
        switch (next() % 4) {
        case 0: /* flip a byte */
            if (len)
                buf[pos] = (uint8_t)next();
            break;
        case 1: { /* insert a token */
            const char *t = tokens[next() % (sizeof(tokens) / sizeof(tokens[0]))];
            size_t tl = strlen(t);
            if (len + tl <= cap) {
                memmove(buf + pos + tl, buf + pos, len - pos);
                memcpy(buf + pos, t, tl);
                len += tl;
            }
            break;
        }
        case 2: /* delete a run */
            if (len) {
                size_t n = next() % (len - pos + 1);
                memmove(buf + pos, buf + pos + n, len - pos - n);
                len -= n;
            }
            break;
        default: /* truncate */
            len = pos;
            break;
        }
    }
    return len;
}

int main(int argc, char **argv)
{
    struct input *inputs = NULL;
    size_t n = 0, iterations;
    struct dirent *e;
    DIR *d;

    if (argc != 3) {
        fprintf(stderr, "usage: %s CORPUS_DIR ITERATIONS\n", argv[0]);
        return 2;
    }
    iterations = strtoul(argv[2], NULL, 10);
    d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        FILE *f;
        long size;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
        f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fseek(f, 0, SEEK_SET);
        inputs = realloc(inputs, (n + 1) * sizeof(*inputs));
        inputs[n].data = malloc((size_t)size + 1);
        inputs[n].size = fread(inputs[n].data, 1, (size_t)size, f);
        fclose(f);
        LLVMFuzzerTestOneInput(inputs[n].data, inputs[n].size);
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "%s: empty corpus\n", argv[1]);
        return 1;
    }
    for (size_t i = 0; i < iterations; i++) {
        const struct input *in = &inputs[next() % n];
        size_t cap = in->size * 2 + 64;
        uint8_t *buf = malloc(cap);
        size_t len;
        memcpy(buf, in->data, in->size);
        len = mutate(buf, in->size, cap);
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
    }
    for (size_t i = 0; i < n; i++)
        free(inputs[i].data);
    free(inputs);
    printf("%zu corpus inputs and %zu mutations: no crash\n", n, iterations);
    return 0;
}
