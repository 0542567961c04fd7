/*
 * bench/ring_bench.c - ddk-ring-bench: the reflector's shared-memory
 * exchange against the two baselines the fast-data-path targets are
 * stated in, all measured in the same run between two processes:
 *   eventfd ping-pong, Unix-socket ping-pong (1 byte), ring round trip
 *   (null request + response, one outstanding), and queue-depth-32
 *   throughput of 4 KiB messages (client copies in, host reads and echoes
 *   in place, client copies out).
 * Each is run RUNS times pinned (both processes on one CPU) and unpinned;
 * the table shows the median over runs of each run's p50 and p99. The last
 * line is JSON. Usage: ddk-ring-bench [iterations] [runs]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reflector/ring.h"

#define WARMUP 2000
#define SPIN   RFL_SPIN_DEFAULT_NS
#define OP_NULL 1u
#define OP_QUIT 2u

static int iters = 20000;
static int runs = 5;
static int pin_cpu = -1;   /* -1: unpinned */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void apply_pin(void)
{
    if (pin_cpu < 0)
        return;
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(pin_cpu, &s);
    if (sched_setaffinity(0, sizeof(s), &s) != 0)
        perror("sched_setaffinity");
}

static void unpin(void)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    for (long i = 0; i < n && i < CPU_SETSIZE; i++)
        CPU_SET(i, &s);
    sched_setaffinity(0, sizeof(s), &s);
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

struct pct { double p50, p99; };

static struct pct percentiles(int64_t *v, int n)
{
    qsort(v, n, sizeof(*v), cmp64);
    struct pct p = { (double)v[n / 2], (double)v[(int)((int64_t)n * 99 / 100)] };
    return p;
}

static void reap_child(pid_t pid)
{
    int ws;
    waitpid(pid, &ws, 0);
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
        fprintf(stderr, "ring-bench: child %d failed (status %#x)\n", pid, ws);
}

/* ---- eventfd ping-pong ---- */
static struct pct run_eventfd(int64_t *lat)
{
    int a = eventfd(0, EFD_CLOEXEC), b = eventfd(0, EFD_CLOEXEC);
    uint64_t v = 1;
    pid_t pid = fork();
    if (pid == 0) {
        apply_pin();
        for (int i = 0; i < WARMUP + iters; i++) {
            if (read(a, &v, 8) != 8 || write(b, &v, 8) != 8)
                _exit(1);
        }
        _exit(0);
    }
    for (int i = 0; i < WARMUP + iters; i++) {
        int64_t t0 = now_ns();
        if (write(a, &v, 8) != 8 || read(b, &v, 8) != 8)
            abort();
        if (i >= WARMUP)
            lat[i - WARMUP] = now_ns() - t0;
    }
    reap_child(pid);
    close(a);
    close(b);
    return percentiles(lat, iters);
}

/* ---- Unix-socket ping-pong ---- */
static struct pct run_unix(int64_t *lat)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        abort();
    char c = 'x';
    pid_t pid = fork();
    if (pid == 0) {
        apply_pin();
        close(sv[0]);
        for (int i = 0; i < WARMUP + iters; i++) {
            if (read(sv[1], &c, 1) != 1 || write(sv[1], &c, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    close(sv[1]);
    for (int i = 0; i < WARMUP + iters; i++) {
        int64_t t0 = now_ns();
        if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
            abort();
        if (i >= WARMUP)
            lat[i - WARMUP] = now_ns() - t0;
    }
    reap_child(pid);
    close(sv[0]);
    return percentiles(lat, iters);
}

/* ---- ring host: echo in place until OP_QUIT ---- */
static void ring_host(struct rfl_exchange *c)
{
    apply_pin();
    struct rfl_exchange h;
    static uint8_t scratch[4096];
    if (rfl_exchange_attach(&h, c->memfd, c->efd_req, c->efd_rsp, SPIN) != STATUS_SUCCESS)
        _exit(2);
    for (;;) {
        struct rfl_request r;
        if (rfl_host_next(&h, &r, 30000) != STATUS_SUCCESS)
            _exit(3);
        if (r.opcode == OP_QUIT) {
            rfl_host_complete(&h, &r, STATUS_SUCCESS, 0);
            break;
        }
        if (r.length)
            memcpy(scratch, r.data, r.length);   /* the host reads the request */
        if (rfl_host_complete(&h, &r, STATUS_SUCCESS, r.length) != STATUS_SUCCESS)
            _exit(4);
    }
    rfl_exchange_close(&h);
    _exit(0);
}

static void ring_quit(struct rfl_exchange *c, pid_t pid)
{
    uint64_t id;
    NTSTATUS s;
    uint32_t len;
    rfl_client_submit(c, OP_QUIT, NULL, 0, &id);
    rfl_client_reap(c, &id, &s, NULL, 0, &len, 30000);
    reap_child(pid);
    rfl_exchange_close(c);
}

static struct pct run_ring(int64_t *lat)
{
    struct rfl_params p = { .slot_count = 32, .buf_size = 64, .spin_max = SPIN };
    struct rfl_exchange c;
    if (rfl_exchange_create(&c, &p) != STATUS_SUCCESS)
        abort();
    pid_t pid = fork();
    if (pid == 0)
        ring_host(&c);
    for (int i = 0; i < WARMUP + iters; i++) {
        uint64_t id;
        NTSTATUS s;
        uint32_t len;
        int64_t t0 = now_ns();
        if (rfl_client_submit(&c, OP_NULL, NULL, 0, &id) != STATUS_SUCCESS
            || rfl_client_reap(&c, &id, &s, NULL, 0, &len, 30000) != STATUS_SUCCESS)
            abort();
        if (i >= WARMUP)
            lat[i - WARMUP] = now_ns() - t0;
    }
    ring_quit(&c, pid);
    return percentiles(lat, iters);
}

/* Queue depth 32, 4 KiB each way: ns per message. */
static double run_qd32(void)
{
    struct rfl_params p = { .slot_count = 32, .buf_size = 4096, .spin_max = SPIN };
    struct rfl_exchange c;
    static uint8_t in[4096], out[4096];
    memset(in, 0x5a, sizeof in);
    if (rfl_exchange_create(&c, &p) != STATUS_SUCCESS)
        abort();
    pid_t pid = fork();
    if (pid == 0)
        ring_host(&c);
    int total = iters * 5, sent = 0, done = 0;
    int64_t t0 = 0;
    while (done < total + WARMUP) {
        while (sent < total + WARMUP
               && rfl_client_submit(&c, OP_NULL, in, sizeof in, NULL) == STATUS_SUCCESS)
            sent++;
        uint64_t id;
        NTSTATUS s;
        uint32_t len;
        if (rfl_client_reap(&c, &id, &s, out, sizeof out, &len, 30000) != STATUS_SUCCESS)
            abort();
        if (++done == WARMUP)
            t0 = now_ns();
    }
    double ns = (double)(now_ns() - t0) / total;
    ring_quit(&c, pid);
    return ns;
}

static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
    return v[n / 2];
}

struct result {
    double efd50, efd99, unx50, unx99, rng50, rng99, qd32;
};

static struct result measure(int64_t *lat)
{
    double e50[runs], e99[runs], u50[runs], u99[runs], r50[runs], r99[runs], q[runs];
    apply_pin();
    for (int i = 0; i < runs; i++) {
        struct pct p = run_eventfd(lat);
        e50[i] = p.p50; e99[i] = p.p99;
        p = run_unix(lat);
        u50[i] = p.p50; u99[i] = p.p99;
        p = run_ring(lat);
        r50[i] = p.p50; r99[i] = p.p99;
        q[i] = run_qd32();
    }
    unpin();
    struct result r = { median(e50, runs), median(e99, runs), median(u50, runs), median(u99, runs),
                        median(r50, runs), median(r99, runs), median(q, runs) };
    return r;
}

static void print_row(const char *mode, const struct result *r)
{
    printf("%-9s eventfd ping-pong      p50 %8.0f ns  p99 %8.0f ns\n", mode, r->efd50, r->efd99);
    printf("%-9s unix-socket ping-pong  p50 %8.0f ns  p99 %8.0f ns\n", mode, r->unx50, r->unx99);
    printf("%-9s ring round trip (qd1)  p50 %8.0f ns  p99 %8.0f ns   ratio to eventfd: p50 %.2fx p99 %.2fx\n",
           mode, r->rng50, r->rng99, r->rng50 / r->efd50, r->rng99 / r->efd99);
    printf("%-9s ring qd32 4 KiB        %8.0f ns/msg  %8.0f MiB/s (each way)\n", mode, r->qd32,
           4096.0 / r->qd32 * 1e9 / (1 << 20));
}

static void json_obj(const char *name, const struct result *r, int last)
{
    printf("\"%s\":{\"eventfd_p50_ns\":%.0f,\"eventfd_p99_ns\":%.0f,\"unix_p50_ns\":%.0f,"
           "\"unix_p99_ns\":%.0f,\"ring_rt_p50_ns\":%.0f,\"ring_rt_p99_ns\":%.0f,"
           "\"ring_vs_eventfd_p50\":%.3f,\"ring_vs_eventfd_p99\":%.3f,"
           "\"qd32_4k_ns_per_msg\":%.0f,\"qd32_4k_mib_s\":%.0f}%s",
           name, r->efd50, r->efd99, r->unx50, r->unx99, r->rng50, r->rng99,
           r->rng50 / r->efd50, r->rng99 / r->efd99, r->qd32,
           4096.0 / r->qd32 * 1e9 / (1 << 20), last ? "" : ",");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        iters = atoi(argv[1]);
    if (argc > 2)
        runs = atoi(argv[2]);
    if (iters < 100 || runs < 1) {
        fprintf(stderr, "usage: ddk-ring-bench [iterations>=100] [runs>=1]\n");
        return 2;
    }
    int64_t *lat = calloc(iters, sizeof(*lat));
    if (!lat)
        return 1;
    printf("ddk-ring-bench: %d iterations x %d runs (medians over runs), %ld CPUs\n",
           iters, runs, sysconf(_SC_NPROCESSORS_ONLN));
    pin_cpu = 0;
    struct result pinned = measure(lat);
    pin_cpu = -1;
    struct result unpinned = measure(lat);
    print_row("pinned", &pinned);
    print_row("unpinned", &unpinned);
    printf("{\"bench\":\"ddk-ring-bench\",\"iterations\":%d,\"runs\":%d,", iters, runs);
    json_obj("pinned", &pinned, 0);
    json_obj("unpinned", &unpinned, 1);
    printf("}\n");
    free(lat);
    return 0;
}
