/*
 * ddk_demo.c - `make demo`: the in-process WDM demo (until the device
 * manager exists, this is the main job).
 *
 * On a fresh state root it plays installer (writes the service's
 * Parameters into the registry), loads the ddkecho driver into this
 * process, talks to it through \\.\DdkEcho the way a client would, unloads
 * it with a leak check, then lets the driver commit a real bug in a child
 * process and shows the bug-check report. Every step prints one line of
 * what it did and what it saw; any surprise makes the demo exit 1.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include <ntstrsafe.h>
#include "krnl/krnl.h"
#include "io/iodev.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define IOCTL_DDKECHO_GET_GREETING \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_READ_ACCESS)
#define IOCTL_DDKECHO_DOUBLE_COMPLETE \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

static int failures;

static void step(int ok, const char *fmt, ...)
{
    va_list ap;
    printf("%s ", ok ? "[ ok ]" : "[FAIL]");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    if (!ok)
        failures++;
}

/* Converts a narrow literal to a WCHAR string (ASCII only). */
static void widen(WCHAR *dst, size_t cap, const char *src)
{
    size_t i;
    for (i = 0; i + 1 < cap && src[i]; i++)
        dst[i] = (WCHAR)(unsigned char)src[i];
    dst[i] = 0;
}

static void narrow(char *dst, size_t cap, const WCHAR *src)
{
    size_t i;
    for (i = 0; i + 1 < cap && src[i]; i++)
        dst[i] = src[i] < 0x80 ? (char)src[i] : '?';
    dst[i] = 0;
}

static NTSTATUS install_service(void)
{
    /* What `ddk driver add` + the INF's AddReg will do in a later issue. */
    static const WCHAR greeting[] = L"Hello from the registry";
    NTSTATUS st;

    st = RtlCreateRegistryKey(RTL_REGISTRY_SERVICES, L"DdkEcho");
    if (NT_SUCCESS(st))
        st = RtlCreateRegistryKey(RTL_REGISTRY_SERVICES, L"DdkEcho\\Parameters");
    if (NT_SUCCESS(st))
        st = RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"DdkEcho\\Parameters", L"Greeting",
                                   REG_SZ, (PVOID)greeting, sizeof(greeting));
    return st;
}

struct pool_seen { size_t blocks, bytes; ULONG tag; };

static void pool_cb(void *ctx, const void *module_base, ULONG tag, size_t allocations,
                    size_t bytes)
{
    struct pool_seen *seen = ctx;
    (void)module_base;
    if (tag == seen->tag) {
        seen->blocks += allocations;
        seen->bytes += bytes;
    }
}

static int count_reports(const char *root, char *latest, size_t cap)
{
    char dir[4096];
    struct dirent *e;
    DIR *d;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s/crash", root);
    d = opendir(dir);
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "bugcheck-", 9) == 0) {
            n++;
            snprintf(latest, cap, "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    return n;
}

static void show_report(const char *path)
{
    char line[512];
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        if (strstr(line, "\"code\"") || strstr(line, "\"name\"") ||
            strstr(line, "\"driver\"") || strstr(line, "\"message\""))
            printf("         %s", line);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *drv_path = argc > 1 ? argv[1] : DDK_DEMO_DRIVER;
    const char *root = argc > 2 ? argv[2] : "demo-root";
    char rootbuf[4096], report[4096], text[256];
    WCHAR wbuf[128];
    UCHAR buf[512];
    PDRIVER_OBJECT driver = NULL;
    HANDLE h = NULL;
    ULONG_PTR info = 0;
    NTSTATUS st;
    pid_t pid;
    int status, before;

    setvbuf(stdout, NULL, _IOLBF, 0);
    mkdir(root, 0755);
    if (!realpath(root, rootbuf)) {
        fprintf(stderr, "ddk-demo: %s: %s\n", root, strerror(errno));
        return 1;
    }
    st = krnl_init(rootbuf);
    step(NT_SUCCESS(st), "state root %s", rootbuf);

    st = install_service();
    step(NT_SUCCESS(st), "installer: Services\\DdkEcho\\Parameters\\Greeting written to the registry (0x%08X)",
         (unsigned)st);

    widen(wbuf, 64, "DdkEcho");
    st = io_load_driver(drv_path, wbuf, &driver);
    step(NT_SUCCESS(st), "loaded %s as \\Driver\\DdkEcho: DriverEntry returned 0x%08X", drv_path,
         (unsigned)st);
    if (!NT_SUCCESS(st))
        return 1;

    widen(wbuf, 64, "\\\\.\\DdkEcho");
    st = io_open(wbuf, NULL, GENERIC_READ | GENERIC_WRITE, 0, FILE_OPEN, 0, &h);
    step(NT_SUCCESS(st), "opened \\\\.\\DdkEcho (symbolic link to \\Device\\DdkEcho): 0x%08X",
         (unsigned)st);

    if (NT_SUCCESS(st)) {
        static const char msg[] = "echo through a WDM driver";
        st = io_write(h, msg, sizeof(msg), 0, &info);
        step(NT_SUCCESS(st) && info == sizeof(msg), "WriteFile %zu bytes: status 0x%08X, %lu written",
             sizeof(msg), (unsigned)st, (unsigned long)info);
        memset(buf, 0, sizeof(buf));
        st = io_read(h, buf, sizeof(buf), 0, &info);
        step(NT_SUCCESS(st) && info == sizeof(msg) && memcmp(buf, msg, sizeof(msg)) == 0,
             "ReadFile (pended, completed by a timer DPC): status 0x%08X, %lu bytes \"%s\"",
             (unsigned)st, (unsigned long)info, (char *)buf);
        memset(buf, 0, sizeof(buf));
        st = io_ioctl(h, IOCTL_DDKECHO_GET_GREETING, NULL, 0, buf, sizeof(buf), &info);
        narrow(text, sizeof(text), (WCHAR *)buf);
        step(NT_SUCCESS(st) && strcmp(text, "Hello from the registry") == 0,
             "DeviceIoControl GET_GREETING (METHOD_BUFFERED): \"%s\" read by the driver with RtlQueryRegistryValues",
             text);
        st = io_ioctl(h, IOCTL_DDKECHO_GET_GREETING, NULL, 0, buf, 4, &info);
        step(st == STATUS_BUFFER_TOO_SMALL, "DeviceIoControl with a 4-byte buffer: 0x%08X (STATUS_BUFFER_TOO_SMALL)",
             (unsigned)st);
        st = io_ioctl(h, 0x12345678, NULL, 0, NULL, 0, &info);
        step(st == STATUS_INVALID_DEVICE_REQUEST, "unknown IOCTL: 0x%08X (STATUS_INVALID_DEVICE_REQUEST)",
             (unsigned)st);
        st = io_close(h);
        step(NT_SUCCESS(st), "CloseHandle: 0x%08X", (unsigned)st);
        st = io_close(h);
        step(st == STATUS_INVALID_HANDLE, "CloseHandle again on the stale handle: 0x%08X (STATUS_INVALID_HANDLE)",
             (unsigned)st);
    }

    {
        const void *base = io_drv(driver)->module_base;
        struct pool_seen seen = { 0, 0, 'ohcE' };
        size_t total = krnl_pool_usage(base, pool_cb, &seen);
        step(seen.blocks == 1 && seen.bytes >= 26,
             "pool: %zu block(s), %zu bytes with tag 'Echo' charged to ddkecho (%zu blocks in all)",
             seen.blocks, seen.bytes, total);
        st = io_unload_driver(driver);
        step(NT_SUCCESS(st), "unloaded: DriverUnload ran, no device object left behind (0x%08X)",
             (unsigned)st);
    }

    /* A driver bug: the child process plays the machine that crashes. */
    before = count_reports(rootbuf, report, sizeof(report));
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        HANDLE ch = NULL;
        PDRIVER_OBJECT d2 = NULL;
        WCHAR name[64];
        freopen("/dev/null", "w", stderr);
        widen(name, 64, "DdkEcho");
        if (!NT_SUCCESS(io_load_driver(drv_path, name, &d2)))
            _exit(10);
        widen(name, 64, "\\\\.\\DdkEcho");
        if (!NT_SUCCESS(io_open(name, NULL, GENERIC_READ, 0, FILE_OPEN, 0, &ch)))
            _exit(11);
        io_ioctl(ch, IOCTL_DDKECHO_DOUBLE_COMPLETE, NULL, 0, NULL, 0, NULL);
        _exit(0); /* not reached: the double completion stops the "machine" */
    }
    waitpid(pid, &status, 0);
    step(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
         "a driver that completes an IRP twice stops the process (%s %d)",
         WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    step(count_reports(rootbuf, report, sizeof(report)) == before + 1,
         "bug-check report written: %s", report);
    show_report(report);

    printf("%s\n", failures ? "demo: FAILED" : "demo: everything happened as said");
    return failures ? 1 : 0;
}
