/*
 * seh.c - the runtime of structured exception handling (ddk/seh.h).
 *
 * Each thread has a stack of frames, one per active __try, linked through
 * frame->prev from seh_top (thread-local, so no lock: a frame is only
 * ever touched by its own thread). A raise copies the exception record
 * into the innermost frame and longjmps there; the frame's statement
 * (see the macros in ddk/seh.h) then pops itself and either handles the
 * exception (its filter said EXCEPTION_EXECUTE_HANDLER), or runs its
 * __finally block and passes the record on with seh_dispatch() to the
 * next frame out. Invariant: a frame is on the stack exactly while its
 * __try body runs (phase BODY, or EXCEPTION until the filter or
 * __finally starts); whatever runs in a filter, handler or __finally is
 * already covered by the frames further out only.
 *
 * Frames skipped by someone else's longjmp would stay on the stack; a pop
 * therefore drops everything above the frame it pops, so one stale frame
 * never captures a later raise.
 */
#define _GNU_SOURCE
#include <ntdef.h>
#include <ntstatus.h>
#include <ddk/seh.h>

#include <dlfcn.h>
#include <string.h>

#include "krnl/krnl.h"

#define KMODE_EXCEPTION_NOT_HANDLED 0x0000001E

static __thread struct ddk_seh_frame *seh_top;

static void seh_pop(struct ddk_seh_frame *frame)
{
    if (!frame->pushed)
        return;
    /* Normally frame == seh_top; frames above it were abandoned by a
     * foreign longjmp and are dead. */
    struct ddk_seh_frame *f = seh_top;
    while (f && f != frame)
        f = f->prev;
    if (f)
        seh_top = frame->prev;
    frame->pushed = 0;
}

/* Delivers a copy of *record to the innermost frame of this thread. */
__attribute__((noreturn))
static void seh_dispatch(const EXCEPTION_RECORD *record)
{
    struct ddk_seh_frame *f = seh_top;
    if (!f) {
        /* Name the module the raise came from, as Windows names the
         * driver in the bug check. */
        Dl_info dli;
        const char *module = NULL;
        if (record->ExceptionAddress && dladdr(record->ExceptionAddress, &dli) && dli.dli_fname) {
            const char *slash = strrchr(dli.dli_fname, '/');
            module = slash ? slash + 1 : dli.dli_fname;
        }
        krnl_bugcheck(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)record->ExceptionCode,
                      (ULONG_PTR)record->ExceptionAddress,
                      record->NumberParameters > 0 ? record->ExceptionInformation[0] : 0,
                      record->NumberParameters > 1 ? record->ExceptionInformation[1] : 0,
                      module, "exception 0x%08X raised at %p with no __try to handle it",
                      (unsigned)record->ExceptionCode, record->ExceptionAddress);
    }
    if (&f->record != record)
        memcpy(&f->record, record, sizeof(*record));
    f->record.ExceptionRecord = NULL;   /* the nested one may be on a dead stack */
    f->pointers.ExceptionRecord = &f->record;
    f->pointers.ContextRecord = NULL;
    f->phase = DDK_SEH_PHASE_EXCEPTION;
    longjmp(f->jb, 1);
}

__attribute__((noreturn))
static void seh_raise(NTSTATUS code, PVOID address, ULONG nparams, const ULONG_PTR *params)
{
    EXCEPTION_RECORD r;
    memset(&r, 0, sizeof(r));
    r.ExceptionCode = code;
    r.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    r.ExceptionAddress = address;
    r.NumberParameters = nparams;
    for (ULONG i = 0; i < nparams; i++)
        r.ExceptionInformation[i] = params[i];
    seh_dispatch(&r);
}

int ddk_seh_next(struct ddk_seh_frame *frame)
{
    switch (frame->phase) {
    case DDK_SEH_PHASE_INIT:
        frame->prev = seh_top;
        frame->pushed = 1;
        seh_top = frame;
        frame->phase = DDK_SEH_PHASE_BODY;
        return 1;
    case DDK_SEH_PHASE_BODY:
        /* The body ran to its end or __leave'd: the __finally's turn. */
        frame->phase = DDK_SEH_PHASE_BODY_DONE;
        return 1;
    case DDK_SEH_PHASE_EXCEPTION:
        return 1;
    case DDK_SEH_PHASE_UNWIND:
        /* The __finally block ran with an exception pending: pass it on. */
        frame->phase = DDK_SEH_PHASE_END;
        seh_dispatch(&frame->record);
    default:
        seh_pop(frame);
        frame->phase = DDK_SEH_PHASE_END;
        return 0;
    }
}

void ddk_seh_enter_filter(struct ddk_seh_frame *frame)
{
    seh_pop(frame);
}

int ddk_seh_filter(struct ddk_seh_frame *frame, LONG disposition)
{
    if (disposition > 0) {
        frame->phase = DDK_SEH_PHASE_HANDLER;
        return 1;
    }
    frame->phase = DDK_SEH_PHASE_END;
    if (disposition == EXCEPTION_CONTINUE_SEARCH)
        seh_dispatch(&frame->record);
    /* EXCEPTION_CONTINUE_EXECUTION of a noncontinuable exception. */
    seh_raise(STATUS_NONCONTINUABLE_EXCEPTION, frame->record.ExceptionAddress, 0, NULL);
}

int ddk_seh_finally(struct ddk_seh_frame *frame)
{
    seh_pop(frame);
    switch (frame->phase) {
    case DDK_SEH_PHASE_BODY_DONE:
        frame->phase = DDK_SEH_PHASE_FINALLY;
        return 1;
    case DDK_SEH_PHASE_EXCEPTION:
        frame->phase = DDK_SEH_PHASE_UNWIND;
        return 1;
    default:
        return 0;
    }
}

void ddk_seh_cleanup(struct ddk_seh_frame *frame)
{
    seh_pop(frame);
}

int ddk_seh_abnormal(const struct ddk_seh_frame *frame)
{
    return frame->phase == DDK_SEH_PHASE_UNWIND;
}

ULONG ddk_seh_depth(void)
{
    ULONG n = 0;
    for (struct ddk_seh_frame *f = seh_top; f; f = f->prev)
        n++;
    return n;
}

/* ---- the raising DDIs ---------------------------------------------------- */

DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI ExRaiseStatus(NTSTATUS Status)
{
    seh_raise(Status, __builtin_return_address(0), 0, NULL);
}

DECLSPEC_NORETURN NTSYSAPI VOID NTAPI RtlRaiseStatus(NTSTATUS Status)
{
    seh_raise(Status, __builtin_return_address(0), 0, NULL);
}

DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI ExRaiseAccessViolation(VOID)
{
    seh_raise(STATUS_ACCESS_VIOLATION, __builtin_return_address(0), 0, NULL);
}

DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI ExRaiseDatatypeMisalignment(VOID)
{
    seh_raise(STATUS_DATATYPE_MISALIGNMENT, __builtin_return_address(0), 0, NULL);
}

DECLSPEC_NORETURN NTSYSAPI VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord)
{
    EXCEPTION_RECORD r;
    if (!ExceptionRecord)
        seh_raise(STATUS_ACCESS_VIOLATION, __builtin_return_address(0), 0, NULL);
    memcpy(&r, ExceptionRecord, sizeof(r));
    if (r.NumberParameters > EXCEPTION_MAXIMUM_PARAMETERS)
        r.NumberParameters = EXCEPTION_MAXIMUM_PARAMETERS;
    if (!r.ExceptionAddress)
        r.ExceptionAddress = __builtin_return_address(0);
    r.ExceptionFlags |= EXCEPTION_NONCONTINUABLE;
    seh_dispatch(&r);
}
