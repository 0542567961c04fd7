/*
 * io/buffers.c - what a "user address" is in OpenDDK, and probing it.
 *
 * There is no user address space: a caller's buffers are ordinary memory
 * of this process. What makes an address a valid user address is that
 * the I/O manager handed it to the current request: io_user_request
 * pushes a frame with the caller's input and output ranges on a
 * thread-local stack while the dispatch routines run on the calling
 * thread (where METHOD_NEITHER buffers are meaningful, as on Windows).
 * ProbeForRead/ProbeForWrite accept a range only when it lies inside one
 * of the ranges of a frame on the current thread; otherwise they raise
 * STATUS_ACCESS_VIOLATION, and a misaligned start raises
 * STATUS_DATATYPE_MISALIGNMENT, through ExRaiseStatus (the SEH emulation,
 * include/ddk/seh.h). Without an SEH frame or without the SEH emulation,
 * the exception is unhandled: bug check 0x1E, as Windows does.
 */
#include "io/iop.h"

/* Resolved when the SEH emulation (tools) is linked in. */
extern void NTAPI ExRaiseStatus(NTSTATUS Status) __attribute__((weak));

/* Frames of the calling thread, innermost first. */
static __thread struct io_probe_frame *io_probe_top;

void io_probe_push(struct io_probe_frame *frame)
{
    frame->prev = io_probe_top;
    io_probe_top = frame;
}

void io_probe_pop(struct io_probe_frame *frame)
{
    io_probe_top = frame->prev;
}

NTSTATUS io_probe(const volatile void *address, SIZE_T length, ULONG alignment, BOOLEAN write)
{
    ULONG_PTR start = (ULONG_PTR)address;
    if (length == 0)
        return STATUS_SUCCESS;
    if (alignment && (start & (alignment - 1)))
        return STATUS_DATATYPE_MISALIGNMENT;
    if (start + length < start)
        return STATUS_ACCESS_VIOLATION;
    for (struct io_probe_frame *f = io_probe_top; f; f = f->prev) {
        for (int i = 0; i < 2; i++) {
            ULONG_PTR b = (ULONG_PTR)f->base[i];
            if (!b || !f->len[i] || (write && !f->writable[i]))
                continue;
            if (start >= b && start + length <= b + f->len[i])
                return STATUS_SUCCESS;
        }
    }
    return STATUS_ACCESS_VIOLATION;
}

void io_raise(NTSTATUS status, const void *address)
{
    if (ExRaiseStatus)
        ExRaiseStatus(status);
    krnl_bugcheck(IO_BUGCHECK_KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)status,
                  (ULONG_PTR)address, 0, 0, NULL,
                  "unhandled exception 0x%08X probing %p (no SEH frame)", (unsigned)status,
                  address);
}

NTKERNELAPI void NTAPI ProbeForRead(const volatile void *Address, SIZE_T Length, ULONG Alignment)
{
    NTSTATUS st = io_probe(Address, Length, Alignment, FALSE);
    if (!NT_SUCCESS(st))
        io_raise(st, (const void *)Address);
}

NTKERNELAPI void NTAPI ProbeForWrite(volatile void *Address, SIZE_T Length, ULONG Alignment)
{
    NTSTATUS st = io_probe(Address, Length, Alignment, TRUE);
    if (!NT_SUCCESS(st))
        io_raise(st, (const void *)Address);
}

/* ------------------------------------------------------------------ */
/* Pool access (see iop.h)                                              */
/* ------------------------------------------------------------------ */

#include <stdlib.h>

#ifndef POOL_FLAG_NON_PAGED
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL
NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI void NTAPI ExFreePoolWithTag(PVOID P, ULONG Tag);
#endif
#pragma weak ExAllocatePool2
#pragma weak ExFreePoolWithTag

void *io_pool_alloc(SIZE_T size, ULONG tag)
{
    if (ExAllocatePool2 && ExFreePoolWithTag)
        return ExAllocatePool2(POOL_FLAG_NON_PAGED, size, tag);
    return calloc(1, size ? size : 1);
}

void io_pool_free(void *p, ULONG tag)
{
    if (!p)
        return;
    if (ExAllocatePool2 && ExFreePoolWithTag)
        ExFreePoolWithTag(p, tag);
    else
        free(p);
}
