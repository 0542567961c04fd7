/*
 * ntstrsafe.h - OpenDDK: the kernel-mode safe string functions.
 *
 * Same names, signatures, flags and documented results as the WDK's
 * ntstrsafe.h: every function takes the destination size, never writes
 * past it, always terminates (the UNICODE_STRING forms never need to), and
 * reports truncation as STATUS_BUFFER_OVERFLOW with the truncated,
 * terminated result in place; bad arguments give STATUS_INVALID_PARAMETER.
 * Here they are functions exported by the executive rather than inlines;
 * the Printf forms use the executive's printf engine, so %wZ, %ws, %I64x
 * and friends work as on Windows.
 */
#ifndef _NTSTRSAFE_H_INCLUDED_
#define _NTSTRSAFE_H_INCLUDED_

#include <ntdef.h>
#include <ntstatus.h>
#include <stdarg.h>

typedef char *NTSTRSAFE_PSTR;
typedef const char *NTSTRSAFE_PCSTR;
typedef wchar_t *NTSTRSAFE_PWSTR;
typedef const wchar_t *NTSTRSAFE_PCWSTR;
typedef const wchar_t *NTSTRSAFE_PCUWSTR;
typedef ULONG STRSAFE_DWORD;

#define NTSTRSAFE_MAX_CCH                   2147483647
#define NTSTRSAFE_UNICODE_STRING_MAX_CCH    (0xffff / sizeof(wchar_t))
#define NTSTRSAFE_MAX_LENGTH                (NTSTRSAFE_MAX_CCH - 1)

#define STRSAFE_IGNORE_NULLS                0x00000100
#define STRSAFE_FILL_BEHIND_NULL            0x00000200
#define STRSAFE_FILL_ON_FAILURE             0x00000400
#define STRSAFE_NULL_ON_FAILURE             0x00000800
#define STRSAFE_NO_TRUNCATION               0x00001000
#define STRSAFE_VALID_FLAGS                 (0x000000FF | STRSAFE_IGNORE_NULLS | \
                                             STRSAFE_FILL_BEHIND_NULL | STRSAFE_FILL_ON_FAILURE | \
                                             STRSAFE_NULL_ON_FAILURE | STRSAFE_NO_TRUNCATION)
/* UNICODE_STRING flavours of the flags. */
#define STRSAFE_FILL_BEHIND                 STRSAFE_FILL_BEHIND_NULL
#define STRSAFE_ZERO_LENGTH_ON_FAILURE      STRSAFE_NULL_ON_FAILURE
#define STRSAFE_FILL_BYTE(x)    ((STRSAFE_DWORD)(((x) & 0x000000FF) | STRSAFE_FILL_BEHIND_NULL))
#define STRSAFE_FAILURE_BYTE(x) ((STRSAFE_DWORD)(((x) & 0x000000FF) | STRSAFE_FILL_ON_FAILURE))
#define STRSAFE_GET_FILL_PATTERN(dwFlags) ((int)((dwFlags) & 0x000000FF))

#define NTSTRSAFE_DECL NTSYSAPI NTSTATUS NTAPI

/* Copy */
NTSTRSAFE_DECL RtlStringCchCopyA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc);
NTSTRSAFE_DECL RtlStringCchCopyW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc);
NTSTRSAFE_DECL RtlStringCbCopyA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc);
NTSTRSAFE_DECL RtlStringCbCopyW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc);
NTSTRSAFE_DECL RtlStringCchCopyExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc,
                                   NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcchRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCchCopyExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                   NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcchRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCbCopyExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc,
                                  NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcbRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCbCopyExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc,
                                  NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcbRemaining, STRSAFE_DWORD dwFlags);

/* CopyN */
NTSTRSAFE_DECL RtlStringCchCopyNA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc,
                                  size_t cchToCopy);
NTSTRSAFE_DECL RtlStringCchCopyNW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                  size_t cchToCopy);
NTSTRSAFE_DECL RtlStringCbCopyNA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc,
                                 size_t cbToCopy);
NTSTRSAFE_DECL RtlStringCbCopyNW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc,
                                 size_t cbToCopy);
NTSTRSAFE_DECL RtlStringCchCopyNExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc,
                                    size_t cchToCopy, NTSTRSAFE_PSTR *ppszDestEnd,
                                    size_t *pcchRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCchCopyNExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                    size_t cchToCopy, NTSTRSAFE_PWSTR *ppszDestEnd,
                                    size_t *pcchRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCbCopyNExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc,
                                   size_t cbToCopy, NTSTRSAFE_PSTR *ppszDestEnd,
                                   size_t *pcbRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCbCopyNExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc,
                                   size_t cbToCopy, NTSTRSAFE_PWSTR *ppszDestEnd,
                                   size_t *pcbRemaining, STRSAFE_DWORD dwFlags);

/* Cat */
NTSTRSAFE_DECL RtlStringCchCatA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc);
NTSTRSAFE_DECL RtlStringCchCatW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc);
NTSTRSAFE_DECL RtlStringCbCatA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc);
NTSTRSAFE_DECL RtlStringCbCatW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc);
NTSTRSAFE_DECL RtlStringCchCatExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc,
                                  NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcchRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCchCatExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                  NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcchRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCbCatExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc,
                                 NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcbRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCbCatExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc,
                                 NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcbRemaining, STRSAFE_DWORD dwFlags);

/* CatN */
NTSTRSAFE_DECL RtlStringCchCatNA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc,
                                 size_t cchToAppend);
NTSTRSAFE_DECL RtlStringCchCatNW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                 size_t cchToAppend);
NTSTRSAFE_DECL RtlStringCbCatNA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc,
                                size_t cbToAppend);
NTSTRSAFE_DECL RtlStringCbCatNW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc,
                                size_t cbToAppend);
NTSTRSAFE_DECL RtlStringCchCatNExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc,
                                   size_t cchToAppend, NTSTRSAFE_PSTR *ppszDestEnd,
                                   size_t *pcchRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCchCatNExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                   size_t cchToAppend, NTSTRSAFE_PWSTR *ppszDestEnd,
                                   size_t *pcchRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCbCatNExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc,
                                  size_t cbToAppend, NTSTRSAFE_PSTR *ppszDestEnd,
                                  size_t *pcbRemaining, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlStringCbCatNExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc,
                                  size_t cbToAppend, NTSTRSAFE_PWSTR *ppszDestEnd,
                                  size_t *pcbRemaining, STRSAFE_DWORD dwFlags);

/* Printf */
NTSTRSAFE_DECL RtlStringCchPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszFormat, ...);
NTSTRSAFE_DECL RtlStringCchPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszFormat, ...);
NTSTRSAFE_DECL RtlStringCbPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat, ...);
NTSTRSAFE_DECL RtlStringCbPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszFormat, ...);
NTSTRSAFE_DECL RtlStringCchVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszFormat,
                                    va_list argList);
NTSTRSAFE_DECL RtlStringCchVPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszFormat,
                                    va_list argList);
NTSTRSAFE_DECL RtlStringCbVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat,
                                   va_list argList);
NTSTRSAFE_DECL RtlStringCbVPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszFormat,
                                   va_list argList);
NTSTRSAFE_DECL RtlStringCchPrintfExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PSTR *ppszDestEnd,
                                     size_t *pcchRemaining, STRSAFE_DWORD dwFlags,
                                     NTSTRSAFE_PCSTR pszFormat, ...);
NTSTRSAFE_DECL RtlStringCchPrintfExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PWSTR *ppszDestEnd,
                                     size_t *pcchRemaining, STRSAFE_DWORD dwFlags,
                                     NTSTRSAFE_PCWSTR pszFormat, ...);
NTSTRSAFE_DECL RtlStringCbPrintfExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PSTR *ppszDestEnd,
                                    size_t *pcbRemaining, STRSAFE_DWORD dwFlags,
                                    NTSTRSAFE_PCSTR pszFormat, ...);
NTSTRSAFE_DECL RtlStringCbPrintfExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PWSTR *ppszDestEnd,
                                    size_t *pcbRemaining, STRSAFE_DWORD dwFlags,
                                    NTSTRSAFE_PCWSTR pszFormat, ...);
NTSTRSAFE_DECL RtlStringCchVPrintfExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PSTR *ppszDestEnd,
                                      size_t *pcchRemaining, STRSAFE_DWORD dwFlags,
                                      NTSTRSAFE_PCSTR pszFormat, va_list argList);
NTSTRSAFE_DECL RtlStringCchVPrintfExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PWSTR *ppszDestEnd,
                                      size_t *pcchRemaining, STRSAFE_DWORD dwFlags,
                                      NTSTRSAFE_PCWSTR pszFormat, va_list argList);
NTSTRSAFE_DECL RtlStringCbVPrintfExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PSTR *ppszDestEnd,
                                     size_t *pcbRemaining, STRSAFE_DWORD dwFlags,
                                     NTSTRSAFE_PCSTR pszFormat, va_list argList);
NTSTRSAFE_DECL RtlStringCbVPrintfExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PWSTR *ppszDestEnd,
                                     size_t *pcbRemaining, STRSAFE_DWORD dwFlags,
                                     NTSTRSAFE_PCWSTR pszFormat, va_list argList);

/* Length: STATUS_INVALID_PARAMETER (and a length of 0) when no terminator
 * lies within the maximum. */
NTSTRSAFE_DECL RtlStringCchLengthA(NTSTRSAFE_PCSTR psz, size_t cchMax, size_t *pcchLength);
NTSTRSAFE_DECL RtlStringCchLengthW(NTSTRSAFE_PCWSTR psz, size_t cchMax, size_t *pcchLength);
NTSTRSAFE_DECL RtlStringCbLengthA(NTSTRSAFE_PCSTR psz, size_t cbMax, size_t *pcbLength);
NTSTRSAFE_DECL RtlStringCbLengthW(NTSTRSAFE_PCWSTR psz, size_t cbMax, size_t *pcbLength);

/* UNICODE_STRING forms: never terminate, Length is the result. */
NTSTRSAFE_DECL RtlUnicodeStringInit(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc);
NTSTRSAFE_DECL RtlUnicodeStringInitEx(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc,
                                      STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlUnicodeStringValidate(PCUNICODE_STRING SourceString);
NTSTRSAFE_DECL RtlUnicodeStringValidateEx(PCUNICODE_STRING SourceString, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlUnicodeStringCopy(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString);
NTSTRSAFE_DECL RtlUnicodeStringCopyString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc);
NTSTRSAFE_DECL RtlUnicodeStringCat(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString);
NTSTRSAFE_DECL RtlUnicodeStringCatString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc);
NTSTRSAFE_DECL RtlUnicodeStringPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat, ...);
NTSTRSAFE_DECL RtlUnicodeStringVPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat,
                                       va_list argList);
NTSTRSAFE_DECL RtlUnicodeStringCchCopyStringN(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc,
                                              size_t cchToCopy);
NTSTRSAFE_DECL RtlUnicodeStringCbCopyStringN(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc,
                                             size_t cbToCopy);
NTSTRSAFE_DECL RtlUnicodeStringCchCatStringN(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc,
                                             size_t cchToAppend);
NTSTRSAFE_DECL RtlUnicodeStringCbCatStringN(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc,
                                            size_t cbToAppend);

/* Ex forms: RemainingString (optional) describes the unused tail of the
 * buffer on success or truncation; flags STRSAFE_IGNORE_NULLS,
 * STRSAFE_FILL_BEHIND, STRSAFE_FILL_ON_FAILURE,
 * STRSAFE_ZERO_LENGTH_ON_FAILURE, STRSAFE_NO_TRUNCATION. */
NTSTRSAFE_DECL RtlUnicodeStringCopyEx(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString,
                                      PUNICODE_STRING RemainingString, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlUnicodeStringCopyStringEx(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc,
                                            PUNICODE_STRING RemainingString, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlUnicodeStringCatEx(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString,
                                     PUNICODE_STRING RemainingString, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlUnicodeStringCatStringEx(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc,
                                           PUNICODE_STRING RemainingString, STRSAFE_DWORD dwFlags);
NTSTRSAFE_DECL RtlUnicodeStringPrintfEx(PUNICODE_STRING DestinationString, PUNICODE_STRING RemainingString,
                                        STRSAFE_DWORD dwFlags, NTSTRSAFE_PCWSTR pszFormat, ...);
NTSTRSAFE_DECL RtlUnicodeStringVPrintfEx(PUNICODE_STRING DestinationString, PUNICODE_STRING RemainingString,
                                         STRSAFE_DWORD dwFlags, NTSTRSAFE_PCWSTR pszFormat, va_list argList);

#endif /* _NTSTRSAFE_H_INCLUDED_ */
