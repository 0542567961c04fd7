/*
 * ddk_bench.c - what an in-process I/O round trip costs, measured against
 * what the machine itself costs: a getpid() system call and an indirect
 * function call, in the same run.
 *
 * The IRP case is the null IOCTL through a 3-deep device stack of drivers
 * that live in this program: an upper filter that copies its stack
 * location down and sets a completion routine, a function driver that
 * skips its location, and a lower driver that completes the IRP. Each
 * operation allocates the IRP (IoAllocateIrp), dispatches it
 * (IoCallDriver), completes it (IoCompleteRequest: the filter's routine,
 * then the creator's, which returns STATUS_MORE_PROCESSING_REQUIRED) and
 * frees it (IoFreeIrp). The pool and lookaside cases are there to explain
 * the IRP figure.
 *
 * Method: every case runs `runs` times `iters` operations; the figure is
 * the median of the runs (ns/op). Everything runs once pinned to one CPU
 * (no migrations: the steady-state cost) and once unpinned. Each run is
 * timed twice: by this thread's CPU time (user + system, which a busy
 * machine does not inflate: the primary figure) and by the wall clock.
 * Output: a table, then one JSON line (for CI to keep).
 *
 * Usage: ddk-bench [--quick] [--iters N] [--runs N]
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BENCH_TAG 'hcnB'
#define IOCTL_BENCH_NULL CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* ---- the device stack ------------------------------------------------ */

struct bench_dev {
    DRIVER_OBJECT drv;
    DEVICE_OBJECT dev;
    PDEVICE_OBJECT lower;
};

static struct bench_dev upper, func, lower;
static unsigned long filter_completions, creator_completions;

static NTSTATUS NTAPI filter_done(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    (void)DeviceObject;
    (void)Context;
    if (Irp->PendingReturned)
        IoMarkIrpPending(Irp);
    filter_completions++;
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS NTAPI upper_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    struct bench_dev *d = DeviceObject->DeviceExtension;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, filter_done, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(d->lower, Irp);
}

static NTSTATUS NTAPI func_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    struct bench_dev *d = DeviceObject->DeviceExtension;
    if (IoGetCurrentIrpStackLocation(Irp)->Parameters.DeviceIoControl.IoControlCode
        != IOCTL_BENCH_NULL) {
        Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(d->lower, Irp);
}

static NTSTATUS NTAPI lower_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    (void)DeviceObject;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void dev_init(struct bench_dev *d, CCHAR stack, PDRIVER_DISPATCH fn, struct bench_dev *below)
{
    memset(d, 0, sizeof(*d));
    d->drv.Type = IO_TYPE_DRIVER;
    d->drv.Size = sizeof(DRIVER_OBJECT);
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        d->drv.MajorFunction[i] = fn;
    d->dev.Type = IO_TYPE_DEVICE;
    d->dev.Size = sizeof(DEVICE_OBJECT);
    d->dev.DriverObject = &d->drv;
    d->dev.StackSize = stack;
    d->dev.DeviceExtension = d;
    d->lower = below ? &below->dev : NULL;
    if (below)
        below->dev.AttachedDevice = &d->dev;
}

static NTSTATUS NTAPI creator_done(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    (void)DeviceObject;
    (void)Irp;
    (void)Context;
    creator_completions++;
    return STATUS_MORE_PROCESSING_REQUIRED;   /* the IRP is ours to free */
}

static int irp_round_trip(void)
{
    PIRP irp = IoAllocateIrp(upper.dev.StackSize, FALSE);
    PIO_STACK_LOCATION s;
    NTSTATUS st;

    if (!irp)
        return -1;
    s = IoGetNextIrpStackLocation(irp);
    s->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    s->Parameters.DeviceIoControl.IoControlCode = IOCTL_BENCH_NULL;
    IoSetCompletionRoutine(irp, creator_done, NULL, TRUE, TRUE, TRUE);
    st = IoCallDriver(&upper.dev, irp);
    if (st != STATUS_SUCCESS || irp->IoStatus.Status != STATUS_SUCCESS)
        return -1;
    IoFreeIrp(irp);
    return 0;
}

/* ---- the cases ---------------------------------------------------------- */

static __attribute__((noinline)) long target_fn(long x)
{
    __asm__ __volatile__("" ::: "memory");
    return x + 1;
}
static long (*volatile indirect)(long) = target_fn;
static volatile long sink;
static NPAGED_LOOKASIDE_LIST bench_lookaside;

static int case_indirect(unsigned long n)
{
    long x = 0;
    for (unsigned long i = 0; i < n; i++)
        x = indirect(x);
    sink = x;
    return 0;
}

static int case_getpid(unsigned long n)
{
    long x = 0;
    for (unsigned long i = 0; i < n; i++)
        x += syscall(SYS_getpid);
    sink = x;
    return 0;
}

static int case_malloc(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        void *p = malloc(256);
        if (!p)
            return -1;
        *(volatile char *)p = 1;
        free(p);
    }
    return 0;
}

static int case_pool(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 256, BENCH_TAG);
        if (!p)
            return -1;
        *(volatile char *)p = 1;
        ExFreePoolWithTag(p, BENCH_TAG);
    }
    return 0;
}

static int case_pool_zeroed(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 256, BENCH_TAG);
        if (!p)
            return -1;
        *(volatile char *)p = 1;
        ExFreePoolWithTag(p, BENCH_TAG);
    }
    return 0;
}

static int case_lookaside(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        void *p = ExAllocateFromNPagedLookasideList(&bench_lookaside);
        if (!p)
            return -1;
        *(volatile char *)p = 1;
        ExFreeToNPagedLookasideList(&bench_lookaside, p);
    }
    return 0;
}

static int case_irp(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        if (irp_round_trip())
            return -1;
    return 0;
}

struct bench_case {
    const char *name;
    const char *json;
    int (*fn)(unsigned long n);
    unsigned scale;           /* iterations multiplier for cheap cases */
};

static const struct bench_case cases[] = {
    { "indirect call", "indirect_call", case_indirect, 20 },
    { "getpid() syscall", "getpid", case_getpid, 1 },
    { "malloc+free 256 B", "malloc_free", case_malloc, 4 },
    { "pool alloc+free 256 B (uninit)", "pool_alloc_free", case_pool, 4 },
    { "pool alloc+free 256 B (zeroed)", "pool_alloc_free_zeroed", case_pool_zeroed, 4 },
    { "lookaside alloc+free", "lookaside_alloc_free", case_lookaside, 4 },
    { "IRP null IOCTL, 3-deep stack", "irp_null_ioctl", case_irp, 1 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static double now_ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median ns/op of runs runs, CPU time and wall time; -1 if the case failed. */
static int measure(const struct bench_case *c, unsigned long iters, int runs,
                   double *cpu, double *wall)
{
    double vc[64], vw[64];
    unsigned long n = iters * c->scale;

    if (c->fn(n / 10 + 1))   /* warm up: caches, TLS slots, lazy binding */
        return -1;
    for (int r = 0; r < runs; r++) {
        double c0 = now_ns(CLOCK_THREAD_CPUTIME_ID), w0 = now_ns(CLOCK_MONOTONIC);
        if (c->fn(n))
            return -1;
        vw[r] = (now_ns(CLOCK_MONOTONIC) - w0) / (double)n;
        vc[r] = (now_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / (double)n;
    }
    qsort(vc, (size_t)runs, sizeof(vc[0]), cmp_double);
    qsort(vw, (size_t)runs, sizeof(vw[0]), cmp_double);
    *cpu = vc[runs / 2];
    *wall = vw[runs / 2];
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long iters = 200000;
    int runs = 7;
    double res[2][NCASES], wall[2][NCASES];
    cpu_set_t all, one;
    int cpu;
    char root[] = "/tmp/ddk-bench-XXXXXX";

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) {
            iters = 20000;
            runs = 5;
        } else if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
            iters = strtoul(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: %s [--quick] [--iters N] [--runs N]\n", argv[0]);
            return 2;
        }
    }
    if (runs < 1)
        runs = 1;
    if (runs > 64)
        runs = 64;
    if (iters < 100)
        iters = 100;
    if (!mkdtemp(root) || !NT_SUCCESS(krnl_init(root))) {
        fprintf(stderr, "ddk-bench: cannot set up a state root\n");
        return 1;
    }

    dev_init(&lower, 1, lower_dispatch, NULL);
    dev_init(&func, 2, func_dispatch, &lower);
    dev_init(&upper, 3, upper_dispatch, &func);
    ExInitializeNPagedLookasideList(&bench_lookaside, NULL, NULL, 0, 256, BENCH_TAG, 0);

    sched_getaffinity(0, sizeof(all), &all);
    cpu = sched_getcpu();
    CPU_ZERO(&one);
    CPU_SET(cpu < 0 ? 0 : cpu, &one);

    for (int pinned = 1; pinned >= 0; pinned--) {
        sched_setaffinity(0, sizeof(cpu_set_t), pinned ? &one : &all);
        for (size_t c = 0; c < NCASES; c++) {
            if (measure(&cases[c], iters, runs, &res[pinned][c], &wall[pinned][c])) {
                fprintf(stderr, "ddk-bench: case \"%s\" failed\n", cases[c].name);
                return 1;
            }
        }
    }
    sched_setaffinity(0, sizeof(all), &all);

    printf("ddk-bench: median of %d runs, %lu+ ops each, ns/op (cpu = this thread's CPU time)\n",
           runs, iters);
    printf("%-32s %10s %10s %10s %10s\n", "case", "pinned", "(wall)", "unpinned", "(wall)");
    for (size_t c = 0; c < NCASES; c++)
        printf("%-32s %10.1f %10.1f %10.1f %10.1f\n", cases[c].name, res[1][c], wall[1][c],
               res[0][c], wall[0][c]);
    double ratio_p = res[1][NCASES - 1] / res[1][1];
    double ratio_u = res[0][NCASES - 1] / res[0][1];
    printf("%-32s %10.2f %10.2f %10.2f %10.2f   (target <= 3)\n", "IRP / getpid", ratio_p,
           wall[1][NCASES - 1] / wall[1][1], ratio_u, wall[0][NCASES - 1] / wall[0][1]);
    printf("%-32s %10.2f %10.2f %10.2f %10.2f\n", "pool / malloc", res[1][3] / res[1][2],
           wall[1][3] / wall[1][2], res[0][3] / res[0][2], wall[0][3] / wall[0][2]);

    printf("{\"bench\":\"ddk\",\"unit\":\"ns/op\",\"runs\":%d,\"iters\":%lu", runs, iters);
    for (int k = 0; k < 4; k++) {
        int pinned = k < 2;
        double *v = (k & 1) ? wall[pinned] : res[pinned];
        printf(",\"%s%s\":{", pinned ? "pinned" : "unpinned", (k & 1) ? "_wall" : "");
        for (size_t c = 0; c < NCASES; c++)
            printf("%s\"%s\":%.1f", c ? "," : "", cases[c].json, v[c]);
        printf(",\"ratio_irp_getpid\":%.2f}", v[NCASES - 1] / v[1]);
    }
    printf(",\"ratio_irp_getpid\":%.2f,\"target_ratio\":3,\"irp_part\":\"measured\"}\n", ratio_p);

    ExDeleteNPagedLookasideList(&bench_lookaside);
    if (creator_completions == 0 || filter_completions != creator_completions)
        fprintf(stderr, "ddk-bench: completion routines ran %lu/%lu times\n",
                filter_completions, creator_completions);
    rmdir(root);
    return 0;
}
