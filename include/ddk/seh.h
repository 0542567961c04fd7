/*
 * ddk/seh.h - OpenDDK: structured exception handling for gcc.
 *
 * Driver sources use MSVC's __try/__except/__finally/__leave; gcc has no
 * such thing, so this header builds it from setjmp/longjmp and a
 * per-thread stack of frames kept by the executive (src/rtl/seh.c).
 *
 *   __try { body } __except (filter) { handler }
 *   __try { body } __finally { termination }
 *
 * Each __try declares a frame (struct ddk_seh_frame) in a one-statement
 * `for` whose condition, ddk_seh_next(), walks the frame through its
 * phases: push and run the body; then give the __except or __finally
 * branch its turn; then pop (or pass a pending exception on outward).
 * ExRaiseStatus and friends longjmp to the innermost frame of the thread;
 * that frame's __except evaluates its filter (GetExceptionCode() and
 * GetExceptionInformation() read the frame), or its __finally runs and
 * the exception moves on to the next frame out. A frame leaves the stack
 * before its filter, handler or termination block runs, so an exception
 * raised there goes to the frames further out, as on Windows. Leaving a
 * __try by `return` or `goto` pops the frame through a cleanup attribute.
 * With no frame on the thread, a raise is bug check 0x1E
 * KMODE_EXCEPTION_NOT_HANDLED.
 *
 * What differs from real SEH (see also docs in the commit and tests in
 * tests/compat/test_seh.c):
 *  - Only raised exceptions are caught (ExRaiseStatus, RtlRaiseStatus,
 *    ExRaiseAccessViolation, ExRaiseDatatypeMisalignment,
 *    RtlRaiseException, and the DDIs documented to raise). Hardware faults
 *    are not turned into exceptions: on Windows a __try catches faults on
 *    user-mode addresses only, and a driver here has none (the I/O manager
 *    hands it copies), so a fault is a crash, as a bad kernel address is
 *    a bug check on Windows.
 *  - The filter runs after the __finally blocks of inner frames, not
 *    before (Windows: filters first, then unwinding). Filters that only
 *    look at the exception code cannot tell.
 *  - EXCEPTION_CONTINUE_EXECUTION cannot resume (every raise here is
 *    noncontinuable, as ExRaiseStatus is on Windows): it becomes a new
 *    STATUS_NONCONTINUABLE_EXCEPTION passed to the frames further out.
 *  - `return`, `goto` or `break` out of a __try body pop the frame but do
 *    not run a __finally block (MSVC runs it, with a warning about the
 *    cost); `break` and `continue` directly in a __try body or a handler
 *    act on the __try statement, not on an enclosing loop. __leave is
 *    the way out of a __try body and works from inside loops too.
 *  - Like any setjmp code: a local variable of the function that is
 *    modified inside the __try body and read in the filter, handler or
 *    __finally after an exception must be volatile to have a defined value
 *    (on the normal path and on __leave there is no longjmp and nothing is
 *    lost).
 *  - GetExceptionInformation()->ContextRecord is NULL (no CPU context).
 */
#ifndef _DDK_SEH_H_
#define _DDK_SEH_H_

#include <setjmp.h>

#define EXCEPTION_EXECUTE_HANDLER       1
#define EXCEPTION_CONTINUE_SEARCH       0
#define EXCEPTION_CONTINUE_EXECUTION    (-1)

#define EXCEPTION_NONCONTINUABLE        0x01
#define EXCEPTION_UNWINDING             0x02
#define EXCEPTION_EXIT_UNWIND           0x04
#define EXCEPTION_STACK_INVALID         0x08
#define EXCEPTION_NESTED_CALL           0x10
#define EXCEPTION_TARGET_UNWIND         0x20
#define EXCEPTION_COLLIDED_UNWIND       0x40
#define EXCEPTION_UNWIND                0x66
#define EXCEPTION_MAXIMUM_PARAMETERS    15

typedef struct _EXCEPTION_RECORD {
    NTSTATUS ExceptionCode;
    ULONG ExceptionFlags;
    struct _EXCEPTION_RECORD *ExceptionRecord;
    PVOID ExceptionAddress;
    ULONG NumberParameters;
    ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

typedef struct _EXCEPTION_RECORD32 {
    NTSTATUS ExceptionCode;
    ULONG ExceptionFlags;
    ULONG ExceptionRecord;
    ULONG ExceptionAddress;
    ULONG NumberParameters;
    ULONG ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD32, *PEXCEPTION_RECORD32;

typedef struct _EXCEPTION_RECORD64 {
    NTSTATUS ExceptionCode;
    ULONG ExceptionFlags;
    ULONG64 ExceptionRecord;
    ULONG64 ExceptionAddress;
    ULONG NumberParameters;
    ULONG __unusedAlignment;
    ULONG64 ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD64, *PEXCEPTION_RECORD64;

/* The CPU context is defined by the ke layer if at all; SEH here never
 * fills one in. (A repeated identical typedef is valid C11.) */
typedef struct _CONTEXT CONTEXT, *PCONTEXT;

typedef struct _EXCEPTION_POINTERS {
    PEXCEPTION_RECORD ExceptionRecord;
    PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

typedef enum _EXCEPTION_DISPOSITION {
    ExceptionContinueExecution,
    ExceptionContinueSearch,
    ExceptionNestedException,
    ExceptionCollidedUnwind
} EXCEPTION_DISPOSITION;

/* Raising. Each transfers control to the innermost frame of the calling
 * thread and never returns; with no frame, bug check 0x1E. */
DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI ExRaiseStatus(_In_ NTSTATUS Status);
DECLSPEC_NORETURN NTSYSAPI VOID NTAPI RtlRaiseStatus(_In_ NTSTATUS Status);
DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI ExRaiseAccessViolation(VOID);
DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI ExRaiseDatatypeMisalignment(VOID);
DECLSPEC_NORETURN NTSYSAPI VOID NTAPI RtlRaiseException(_In_ PEXCEPTION_RECORD ExceptionRecord);

/* ---- the machinery behind the keywords (OpenDDK, not Windows API) ---- */

enum ddk_seh_phase {
    DDK_SEH_PHASE_INIT = 0,     /* declared, not pushed */
    DDK_SEH_PHASE_BODY,         /* pushed, __try body running */
    DDK_SEH_PHASE_BODY_DONE,    /* body ended (normally or __leave) */
    DDK_SEH_PHASE_EXCEPTION,    /* an exception landed here */
    DDK_SEH_PHASE_HANDLER,      /* filter said execute: handler runs */
    DDK_SEH_PHASE_FINALLY,      /* termination block, normal */
    DDK_SEH_PHASE_UNWIND,       /* termination block, exception pending */
    DDK_SEH_PHASE_END,
};

/* One per __try, on the stack of the function that contains it. The
 * frame belongs to its thread: only that thread reads or writes it. */
struct ddk_seh_frame {
    jmp_buf jb;                     /* where a raise lands */
    struct ddk_seh_frame *prev;     /* next frame out */
    volatile int phase;             /* enum ddk_seh_phase */
    int pushed;                     /* on the thread's stack */
    EXCEPTION_RECORD record;        /* the exception that landed here */
    EXCEPTION_POINTERS pointers;    /* GetExceptionInformation() */
};

#define DDK_SEH_FRAME_INIT { .phase = DDK_SEH_PHASE_INIT }

DDK_EXPORT int ddk_seh_next(struct ddk_seh_frame *frame);
DDK_EXPORT void ddk_seh_enter_filter(struct ddk_seh_frame *frame);
DDK_EXPORT int ddk_seh_filter(struct ddk_seh_frame *frame, LONG disposition);
DDK_EXPORT int ddk_seh_finally(struct ddk_seh_frame *frame);
DDK_EXPORT void ddk_seh_cleanup(struct ddk_seh_frame *frame);
DDK_EXPORT int ddk_seh_abnormal(const struct ddk_seh_frame *frame);
/* Frames on the calling thread's stack (tests and diagnostics). */
DDK_EXPORT ULONG ddk_seh_depth(void);

#define __try                                                               \
    for (struct ddk_seh_frame __ddk_seh                                     \
             __attribute__((cleanup(ddk_seh_cleanup))) = DDK_SEH_FRAME_INIT; \
         ddk_seh_next(&__ddk_seh); )                                        \
        if (__ddk_seh.phase == DDK_SEH_PHASE_BODY) {                        \
            __label__ __ddk_seh_leave;                                      \
            if (setjmp(__ddk_seh.jb) == 0)

#define __ddk_seh_end_body                                                  \
            else {                                                          \
                __ddk_seh_leave: __attribute__((unused)) ;                  \
            }                                                               \
        } else

#define __except(filter)                                                    \
    __ddk_seh_end_body                                                      \
        if (__ddk_seh.phase == DDK_SEH_PHASE_EXCEPTION &&                   \
            (ddk_seh_enter_filter(&__ddk_seh),                              \
             ddk_seh_filter(&__ddk_seh, (LONG)(filter))))

#define __finally                                                           \
    __ddk_seh_end_body                                                      \
        if (ddk_seh_finally(&__ddk_seh))

#define __leave goto __ddk_seh_leave

#define GetExceptionCode()          (__ddk_seh.record.ExceptionCode)
#define GetExceptionInformation()   (&__ddk_seh.pointers)
#define _exception_code()           GetExceptionCode()
#define _exception_info()           GetExceptionInformation()
#define AbnormalTermination()       ddk_seh_abnormal(&__ddk_seh)
#define _abnormal_termination()     AbnormalTermination()

/* MSVC's C compiler also takes the old spellings; only driver builds get
 * them here (the executive's own code may use these words). */
#if defined(DDK_DRIVER) && !defined(__cplusplus) && !defined(DDK_NO_SEH_KEYWORDS)
#define try         __try
#define except      __except
#define finally     __finally
#define leave       __leave
#define _try        __try
#define _except     __except
#define _finally    __finally
#define _leave      __leave
#endif

#endif /* _DDK_SEH_H_ */
