/*
 * assert.c - RtlAssert, NT_ASSERT and DbgBreakPoint.
 *
 * Windows without a kernel debugger turns the breakpoint of a failed
 * assertion into bug check 0x1E (KMODE_EXCEPTION_NOT_HANDLED). Here a
 * debugger may well be attached to the process (gdb): then the break is a
 * real SIGTRAP the developer can continue from, as with WinDbg. Otherwise
 * the assertion ends in the same bug check, with a report naming the
 * expression and its place.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "rtl/rtl.h"
#include "krnl/krnl.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KMODE_EXCEPTION_NOT_HANDLED 0x1E

/* True when a debugger (ptrace tracer) is attached to this process. */
static bool rtl_debugger_present(void)
{
    char line[256];
    bool traced = false;
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return false;
    while (fgets(line, sizeof(line), f)) {
        if (!strncmp(line, "TracerPid:", 10)) {
            traced = atoi(line + 10) != 0;
            break;
        }
    }
    fclose(f);
    return traced;
}

static void rtl_break(NTSTATUS why, const char *expr, const char *file, ULONG line,
                      const char *msg)
{
    if (rtl_debugger_present()) {
        raise(SIGTRAP);
        return;
    }
    krnl_bugcheck(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)why, 0, 0, 0, NULL,
                  "assertion failed: %s (%s:%u)%s%s", expr ? expr : "?", file ? file : "?",
                  (unsigned)line, msg ? ": " : "", msg ? msg : "");
}

VOID NTAPI RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber,
                     PSTR MutableMessage)
{
    DbgPrint("%s%s*** Assertion failed: %s\n***   Source File: %s, line %u\n",
             MutableMessage ? MutableMessage : "", MutableMessage ? " " : "",
             (const char *)VoidFailedAssertion, (const char *)VoidFileName, (unsigned)LineNumber);
    rtl_break(STATUS_BREAKPOINT, VoidFailedAssertion, VoidFileName, LineNumber, MutableMessage);
}

VOID NTAPI DdkNtAssertFailed(PCSTR Expression, PCSTR FileName, ULONG LineNumber, PCSTR Message)
{
    DbgPrint("*** NT_ASSERT failed: %s%s%s\n***   Source File: %s, line %u\n", Expression,
             Message ? ": " : "", Message ? Message : "", FileName, (unsigned)LineNumber);
    rtl_break(STATUS_ASSERTION_FAILURE, Expression, FileName, LineNumber, Message);
}

VOID NTAPI DbgBreakPoint(VOID)
{
    rtl_break(STATUS_BREAKPOINT, "DbgBreakPoint()", NULL, 0, NULL);
}

VOID NTAPI DbgBreakPointWithStatus(ULONG Status)
{
    (void)Status;
    rtl_break(STATUS_BREAKPOINT, "DbgBreakPointWithStatus()", NULL, 0, NULL);
}
