/*
 * unicode.c - UNICODE_STRING / ANSI_STRING DDIs.
 *
 * A counted string is (Length, MaximumLength, Buffer) in bytes; Buffer need
 * not be terminated and may hold embedded NULs. Every routine here trusts
 * Length/MaximumLength only as far as the documented contract does: a
 * destination is never written past MaximumLength, and a terminator is
 * added only where there is room for it. "ANSI" is UTF-8 (see ddk/rtl.h).
 * Allocating routines use the pool (rtl_pool_alloc) so that
 * RtlFreeUnicodeString / RtlFreeAnsiString release them.
 */
#include <wdm.h>
#include "rtl/rtl.h"

#include <string.h>

#define RTL_STRING_TAG 'grtS'           /* "Strg" in a pool dump */
#define RTL_MAX_USTRING 0xFFFEu         /* largest even USHORT */

VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    size_t cb;

    DestinationString->Buffer = (PWCH)SourceString;
    if (!SourceString) {
        DestinationString->Length = DestinationString->MaximumLength = 0;
        return;
    }
    cb = rtl_wcsnlen(SourceString, RTL_MAX_USTRING / sizeof(WCHAR)) * sizeof(WCHAR);
    /* Too long for a USHORT: clamp, as Windows does, to the largest
     * length that still leaves room for the terminator. */
    if (cb > RTL_MAX_USTRING - sizeof(WCHAR))
        cb = RTL_MAX_USTRING - sizeof(WCHAR);
    DestinationString->Length = (USHORT)cb;
    DestinationString->MaximumLength = (USHORT)(cb + sizeof(WCHAR));
}

NTSTATUS NTAPI RtlInitUnicodeStringEx(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    size_t cch;

    if (!DestinationString)
        return STATUS_INVALID_PARAMETER;
    DestinationString->Length = DestinationString->MaximumLength = 0;
    DestinationString->Buffer = (PWCH)SourceString;
    if (!SourceString)
        return STATUS_SUCCESS;
    cch = rtl_wcsnlen(SourceString, UNICODE_STRING_MAX_CHARS + 1);
    if (cch > UNICODE_STRING_MAX_CHARS - 1)
        return STATUS_NAME_TOO_LONG;
    DestinationString->Length = (USHORT)(cch * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)(cch * sizeof(WCHAR) + sizeof(WCHAR));
    return STATUS_SUCCESS;
}

VOID NTAPI RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
    size_t n;

    DestinationString->Buffer = (PCHAR)SourceString;
    if (!SourceString) {
        DestinationString->Length = DestinationString->MaximumLength = 0;
        return;
    }
    n = strnlen(SourceString, MAXUSHORT);
    if (n > MAXUSHORT - 1)
        n = MAXUSHORT - 1;
    DestinationString->Length = (USHORT)n;
    DestinationString->MaximumLength = (USHORT)(n + 1);
}

VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
    RtlInitString(DestinationString, SourceString);
}

NTSTATUS NTAPI RtlInitStringEx(PSTRING DestinationString, PCSZ SourceString)
{
    size_t n;

    if (!DestinationString)
        return STATUS_INVALID_PARAMETER;
    DestinationString->Length = DestinationString->MaximumLength = 0;
    DestinationString->Buffer = (PCHAR)SourceString;
    if (!SourceString)
        return STATUS_SUCCESS;
    n = strnlen(SourceString, MAXUSHORT);
    if (n > MAXUSHORT - 1)
        return STATUS_NAME_TOO_LONG;
    DestinationString->Length = (USHORT)n;
    DestinationString->MaximumLength = (USHORT)(n + 1);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlInitAnsiStringEx(PANSI_STRING DestinationString, PCSZ SourceString)
{
    return RtlInitStringEx(DestinationString, SourceString);
}

VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    USHORT n;

    if (!SourceString) {
        DestinationString->Length = 0;
        return;
    }
    n = SourceString->Length < DestinationString->MaximumLength
            ? SourceString->Length : DestinationString->MaximumLength;
    n &= (USHORT)~1u;
    if (n)
        memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    if ((size_t)n + sizeof(WCHAR) <= DestinationString->MaximumLength)
        DestinationString->Buffer[n / sizeof(WCHAR)] = UNICODE_NULL;
}

VOID NTAPI RtlCopyString(PSTRING DestinationString, const STRING *SourceString)
{
    USHORT n;

    if (!SourceString) {
        DestinationString->Length = 0;
        return;
    }
    n = SourceString->Length < DestinationString->MaximumLength
            ? SourceString->Length : DestinationString->MaximumLength;
    if (n)
        memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    if (n < DestinationString->MaximumLength)
        DestinationString->Buffer[n] = 0;
}

static NTSTATUS rtl_append(PUNICODE_STRING dst, const WCHAR *src, size_t cb)
{
    size_t total = (size_t)dst->Length + cb;

    if (!cb)
        return STATUS_SUCCESS;
    if (total > dst->MaximumLength)
        return STATUS_BUFFER_TOO_SMALL;
    memmove((char *)dst->Buffer + dst->Length, src, cb);
    dst->Length = (USHORT)total;
    if (total + sizeof(WCHAR) <= dst->MaximumLength)
        dst->Buffer[total / sizeof(WCHAR)] = UNICODE_NULL;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source)
{
    if (!Source)
        return STATUS_SUCCESS;
    return rtl_append(Destination, Source->Buffer, Source->Length);
}

NTSTATUS NTAPI RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source)
{
    size_t cb;

    if (!Source)
        return STATUS_SUCCESS;
    cb = rtl_wcslen(Source) * sizeof(WCHAR);
    if (cb > RTL_MAX_USTRING)
        return STATUS_BUFFER_TOO_SMALL;
    return rtl_append(Destination, Source, cb);
}

NTSTATUS NTAPI RtlAppendStringToString(PSTRING Destination, const STRING *Source)
{
    size_t total;

    if (!Source || !Source->Length)
        return STATUS_SUCCESS;
    total = (size_t)Destination->Length + Source->Length;
    if (total > Destination->MaximumLength)
        return STATUS_BUFFER_TOO_SMALL;
    memmove(Destination->Buffer + Destination->Length, Source->Buffer, Source->Length);
    Destination->Length = (USHORT)total;
    return STATUS_SUCCESS;
}

LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                   BOOLEAN CaseInSensitive)
{
    return rtl_wstr_cmp(String1->Buffer, String1->Length / sizeof(WCHAR),
                        String2->Buffer, String2->Length / sizeof(WCHAR),
                        CaseInSensitive != FALSE);
}

LONG NTAPI RtlCompareUnicodeStrings(PCWCH String1, SIZE_T String1Length, PCWCH String2,
                                    SIZE_T String2Length, BOOLEAN CaseInSensitive)
{
    return rtl_wstr_cmp(String1, String1Length, String2, String2Length, CaseInSensitive != FALSE);
}

BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                    BOOLEAN CaseInSensitive)
{
    if (String1->Length != String2->Length)
        return FALSE;
    return RtlCompareUnicodeString(String1, String2, CaseInSensitive) == 0;
}

BOOLEAN NTAPI RtlPrefixUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                     BOOLEAN CaseInSensitive)
{
    size_t n = String1->Length / sizeof(WCHAR);

    if (String1->Length > String2->Length)
        return FALSE;
    return rtl_wstr_cmp(String1->Buffer, n, String2->Buffer, n, CaseInSensitive != FALSE) == 0;
}

static int rtl_ascii_upper(int c)
{
    return (c >= 'a' && c <= 'z') ? c - 0x20 : c;
}

LONG NTAPI RtlCompareString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    USHORT n = String1->Length < String2->Length ? String1->Length : String2->Length;

    for (USHORT i = 0; i < n; i++) {
        int a = (unsigned char)String1->Buffer[i], b = (unsigned char)String2->Buffer[i];

        if (CaseInSensitive) {
            a = rtl_ascii_upper(a);
            b = rtl_ascii_upper(b);
        }
        if (a != b)
            return a - b;
    }
    return (LONG)String1->Length - (LONG)String2->Length;
}

BOOLEAN NTAPI RtlEqualString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    return String1->Length == String2->Length &&
           RtlCompareString(String1, String2, CaseInSensitive) == 0;
}

WCHAR NTAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter)
{
    return rtl_upcase(SourceCharacter);
}

WCHAR NTAPI RtlDowncaseUnicodeChar(WCHAR SourceCharacter)
{
    return rtl_downcase(SourceCharacter);
}

CHAR NTAPI RtlUpperChar(CHAR Character)
{
    return (CHAR)rtl_ascii_upper((unsigned char)Character);
}

static NTSTATUS rtl_case_string(PUNICODE_STRING dst, PCUNICODE_STRING src, BOOLEAN alloc,
                                WCHAR (*map)(WCHAR))
{
    USHORT len = src->Length & (USHORT)~1u;
    const WCHAR *in = src->Buffer;

    if (alloc) {
        /* Read the source before dst may alias it. */
        WCHAR *buf = rtl_pool_alloc(len ? len : sizeof(WCHAR), RTL_STRING_TAG);

        if (!buf)
            return STATUS_NO_MEMORY;
        for (size_t i = 0; i < len / sizeof(WCHAR); i++)
            buf[i] = map(in[i]);
        dst->Buffer = buf;
        dst->MaximumLength = len;
    } else {
        if (dst->MaximumLength < len)
            return STATUS_BUFFER_OVERFLOW;
        for (size_t i = 0; i < len / sizeof(WCHAR); i++)
            dst->Buffer[i] = map(in[i]);
    }
    dst->Length = len;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUpcaseUnicodeString(PUNICODE_STRING DestinationString,
                                      PCUNICODE_STRING SourceString,
                                      BOOLEAN AllocateDestinationString)
{
    return rtl_case_string(DestinationString, SourceString, AllocateDestinationString, rtl_upcase);
}

NTSTATUS NTAPI RtlDowncaseUnicodeString(PUNICODE_STRING DestinationString,
                                        PCUNICODE_STRING SourceString,
                                        BOOLEAN AllocateDestinationString)
{
    return rtl_case_string(DestinationString, SourceString, AllocateDestinationString,
                           rtl_downcase);
}

ULONG NTAPI RtlxAnsiStringToUnicodeSize(PCANSI_STRING AnsiString)
{
    size_t cch;

    rtl_utf8_to_utf16(NULL, 0, &cch, AnsiString->Buffer, AnsiString->Length);
    return (ULONG)((cch + 1) * sizeof(WCHAR));
}

ULONG NTAPI RtlxUnicodeStringToAnsiSize(PCUNICODE_STRING UnicodeString)
{
    size_t n;

    rtl_utf16_to_utf8(NULL, 0, &n, UnicodeString->Buffer, UnicodeString->Length / sizeof(WCHAR));
    return (ULONG)(n + 1);
}

NTSTATUS NTAPI RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString,
                                            PCANSI_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    ULONG size = RtlxAnsiStringToUnicodeSize(SourceString);  /* with terminator */
    size_t cch;
    WCHAR *buf;

    if (size > RTL_MAX_USTRING)
        return STATUS_INVALID_PARAMETER_2;
    if (AllocateDestinationString) {
        buf = rtl_pool_alloc(size, RTL_STRING_TAG);
        if (!buf)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)size;
    } else {
        /* Room for the characters and the terminator, or nothing. */
        if (size > DestinationString->MaximumLength)
            return STATUS_BUFFER_OVERFLOW;
        buf = DestinationString->Buffer;
    }
    rtl_utf8_to_utf16(buf, size / sizeof(WCHAR) - 1, &cch, SourceString->Buffer,
                      SourceString->Length);
    buf[cch] = UNICODE_NULL;
    DestinationString->Buffer = buf;
    DestinationString->Length = (USHORT)(cch * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString,
                                            PCUNICODE_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    ULONG size = RtlxUnicodeStringToAnsiSize(SourceString);  /* with terminator */
    NTSTATUS status = STATUS_SUCCESS;
    size_t n, cap;
    char *buf;

    if (size > MAXUSHORT)
        return STATUS_INVALID_PARAMETER_2;
    if (AllocateDestinationString) {
        buf = rtl_pool_alloc(size, RTL_STRING_TAG);
        if (!buf)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)size;
        cap = size - 1;
    } else {
        /* Too small: convert what fits (whole characters), terminate, and
         * say so, as Windows does. */
        if (DestinationString->MaximumLength == 0)
            return STATUS_BUFFER_OVERFLOW;
        buf = DestinationString->Buffer;
        cap = DestinationString->MaximumLength - 1u;
        if (size - 1 > cap)
            status = STATUS_BUFFER_OVERFLOW;
    }
    rtl_utf16_to_utf8(buf, cap, &n, SourceString->Buffer, SourceString->Length / sizeof(WCHAR));
    buf[n] = 0;
    DestinationString->Buffer = buf;
    DestinationString->Length = (USHORT)n;
    return status;
}

VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (!UnicodeString)
        return;
    rtl_pool_free(UnicodeString->Buffer);
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = UnicodeString->MaximumLength = 0;
}

VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString)
{
    if (!AnsiString)
        return;
    rtl_pool_free(AnsiString->Buffer);
    AnsiString->Buffer = NULL;
    AnsiString->Length = AnsiString->MaximumLength = 0;
}

BOOLEAN NTAPI RtlCreateUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    size_t cb = (rtl_wcslen(SourceString) + 1) * sizeof(WCHAR);
    WCHAR *buf;

    if (cb > RTL_MAX_USTRING)
        return FALSE;
    buf = rtl_pool_alloc(cb, RTL_STRING_TAG);
    if (!buf)
        return FALSE;
    memcpy(buf, SourceString, cb);
    DestinationString->Buffer = buf;
    DestinationString->Length = (USHORT)(cb - sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)cb;
    return TRUE;
}

NTSTATUS NTAPI RtlDuplicateUnicodeString(ULONG Flags, PCUNICODE_STRING StringIn,
                                         PUNICODE_STRING StringOut)
{
    const ULONG valid = RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE |
                        RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING;
    bool terminate = Flags & RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE;
    size_t len, cap;
    WCHAR *buf;

    if (!StringOut || (Flags & ~valid) ||
        Flags == RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING)
        return STATUS_INVALID_PARAMETER;
    if (StringIn && ((StringIn->Length & 1) || StringIn->Length > StringIn->MaximumLength ||
                     (StringIn->Length && !StringIn->Buffer)))
        return STATUS_INVALID_PARAMETER;
    len = StringIn ? StringIn->Length : 0;
    if (len == 0 && !(Flags & RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING)) {
        StringOut->Length = StringOut->MaximumLength = 0;
        StringOut->Buffer = NULL;
        return STATUS_SUCCESS;
    }
    cap = len + (terminate ? sizeof(WCHAR) : 0);
    if (cap > MAXUSHORT)
        return STATUS_NAME_TOO_LONG;
    buf = rtl_pool_alloc(cap ? cap : sizeof(WCHAR), RTL_STRING_TAG);
    if (!buf)
        return STATUS_NO_MEMORY;
    if (len)
        memcpy(buf, StringIn->Buffer, len);
    if (terminate)
        buf[len / sizeof(WCHAR)] = UNICODE_NULL;
    StringOut->Buffer = buf;
    StringOut->Length = (USHORT)len;
    StringOut->MaximumLength = (USHORT)cap;
    return STATUS_SUCCESS;
}

/* ---- integers ---- */

static size_t rtl_u64_to_digits(ULONGLONG v, ULONG base, char *out /* >= 65 */)
{
    char tmp[65];
    size_t n = 0, i;

    do {
        unsigned d = (unsigned)(v % base);

        tmp[n++] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
        v /= base;
    } while (v);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return n;
}

static NTSTATUS rtl_int_to_ustr(ULONGLONG v, ULONG base, PUNICODE_STRING s)
{
    char digits[65];
    size_t n;

    if (base == 0)
        base = 10;
    if (base != 2 && base != 8 && base != 10 && base != 16)
        return STATUS_INVALID_PARAMETER;
    n = rtl_u64_to_digits(v, base, digits);
    /* The digits and a terminator must fit (Windows converts through an
     * ANSI string and RtlAnsiStringToUnicodeString). */
    if ((n + 1) * sizeof(WCHAR) > s->MaximumLength)
        return STATUS_BUFFER_OVERFLOW;
    for (size_t i = 0; i <= n; i++)
        s->Buffer[i] = (WCHAR)(unsigned char)digits[i];
    s->Length = (USHORT)(n * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlIntegerToUnicodeString(ULONG Value, ULONG Base, PUNICODE_STRING String)
{
    return rtl_int_to_ustr(Value, Base, String);
}

NTSTATUS NTAPI RtlInt64ToUnicodeString(ULONGLONG Value, ULONG Base, PUNICODE_STRING String)
{
    return rtl_int_to_ustr(Value, Base, String);
}

NTSTATUS NTAPI RtlIntegerToChar(ULONG Value, ULONG Base, LONG OutputLength, PSZ String)
{
    char digits[65];
    size_t n;

    if (Base == 0)
        Base = 10;
    if (Base != 2 && Base != 8 && Base != 10 && Base != 16)
        return STATUS_INVALID_PARAMETER;
    n = rtl_u64_to_digits(Value, Base, digits);
    if (OutputLength < 0)   /* documented: negative means "large enough" */
        OutputLength = (LONG)n + 1;
    if ((size_t)OutputLength < n)
        return STATUS_BUFFER_OVERFLOW;
    if (!String)
        return STATUS_ACCESS_VIOLATION;
    memcpy(String, digits, n);
    if ((size_t)OutputLength > n)
        String[n] = 0;
    return STATUS_SUCCESS;
}

/* Parses [ws][+|-][0x|0o|0b]digits as RtlCharToInteger documents: the
 * prefix selects the base only when Base is 0; parsing stops at the first
 * character that is not a digit of the base; overflow wraps modulo 2^32. */
static NTSTATUS rtl_parse_ulong(const void *str, size_t len, bool wide, ULONG base, PULONG value)
{
    size_t i = 0;
    bool neg = false;
    ULONG v = 0;

#define CH(k) ((k) < len ? (wide ? (unsigned)((const WCHAR *)str)[k] \
                                 : (unsigned)((const unsigned char *)str)[k]) : 0u)
    if (base != 0 && base != 2 && base != 8 && base != 10 && base != 16)
        return STATUS_INVALID_PARAMETER;
    if (!value)
        return STATUS_ACCESS_VIOLATION;
    while (i < len && CH(i) != 0 && CH(i) <= ' ')
        i++;
    if (CH(i) == '+' || CH(i) == '-') {
        neg = CH(i) == '-';
        i++;
    }
    if (base == 0) {
        base = 10;
        if (CH(i) == '0') {
            unsigned p = CH(i + 1);

            if (p == 'x' || p == 'X') { base = 16; i += 2; }
            else if (p == 'o' || p == 'O') { base = 8; i += 2; }
            else if (p == 'b' || p == 'B') { base = 2; i += 2; }
        }
    }
    for (; i < len; i++) {
        unsigned c = CH(i), d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (d >= base)
            break;
        v = v * base + d;
    }
#undef CH
    *value = neg ? (ULONG)(0u - v) : v;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringToInteger(PCUNICODE_STRING String, ULONG Base, PULONG Value)
{
    return rtl_parse_ulong(String->Buffer, String->Length / sizeof(WCHAR), true, Base, Value);
}

NTSTATUS NTAPI RtlCharToInteger(PCSZ String, ULONG Base, PULONG Value)
{
    return rtl_parse_ulong(String, strlen(String), false, Base, Value);
}

/* ---- UTF-8 ---- */

NTSTATUS NTAPI RtlUTF8ToUnicodeN(PWSTR UnicodeStringDestination, ULONG UnicodeStringMaxByteCount,
                                 PULONG UnicodeStringActualByteCount, PCCH UTF8StringSource,
                                 ULONG UTF8StringByteCount)
{
    size_t cch;
    NTSTATUS status;

    if (!UTF8StringSource)
        return STATUS_INVALID_PARAMETER_4;
    if (!UnicodeStringDestination && !UnicodeStringActualByteCount)
        return STATUS_INVALID_PARAMETER;
    status = rtl_utf8_to_utf16(UnicodeStringDestination,
                               UnicodeStringMaxByteCount / sizeof(WCHAR), &cch,
                               UTF8StringSource, UTF8StringByteCount);
    if (UnicodeStringActualByteCount)
        *UnicodeStringActualByteCount = (ULONG)(cch * sizeof(WCHAR));
    return status;
}

NTSTATUS NTAPI RtlUnicodeToUTF8N(PCHAR UTF8StringDestination, ULONG UTF8StringMaxByteCount,
                                 PULONG UTF8StringActualByteCount, PCWCH UnicodeStringSource,
                                 ULONG UnicodeStringByteCount)
{
    size_t n;
    NTSTATUS status;

    if (!UnicodeStringSource)
        return STATUS_INVALID_PARAMETER_4;
    if (!UTF8StringDestination && !UTF8StringActualByteCount)
        return STATUS_INVALID_PARAMETER;
    if (UnicodeStringByteCount % sizeof(WCHAR))
        return STATUS_INVALID_PARAMETER_5;
    status = rtl_utf16_to_utf8(UTF8StringDestination, UTF8StringMaxByteCount, &n,
                               UnicodeStringSource, UnicodeStringByteCount / sizeof(WCHAR));
    if (UTF8StringActualByteCount)
        *UTF8StringActualByteCount = (ULONG)n;
    return status;
}

/* ---- memory, GUIDs ---- */

SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const unsigned char *a = Source1, *b = Source2;
    SIZE_T i = 0;

    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

NTSTATUS NTAPI RtlStringFromGUID(REFGUID Guid, PUNICODE_STRING GuidString)
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char bytes[16];
    /* Byte order of the textual form: Data1..Data3 as numbers, Data4 raw. */
    static const int dash_after[] = { 4, 6, 8, 10 };
    WCHAR *buf, *p;

    if (!GuidString)
        return STATUS_INVALID_PARAMETER;
    buf = rtl_pool_alloc(39 * sizeof(WCHAR), RTL_STRING_TAG);
    if (!buf)
        return STATUS_NO_MEMORY;
    bytes[0] = (unsigned char)(Guid->Data1 >> 24);
    bytes[1] = (unsigned char)(Guid->Data1 >> 16);
    bytes[2] = (unsigned char)(Guid->Data1 >> 8);
    bytes[3] = (unsigned char)Guid->Data1;
    bytes[4] = (unsigned char)(Guid->Data2 >> 8);
    bytes[5] = (unsigned char)Guid->Data2;
    bytes[6] = (unsigned char)(Guid->Data3 >> 8);
    bytes[7] = (unsigned char)Guid->Data3;
    memcpy(bytes + 8, Guid->Data4, 8);
    p = buf;
    *p++ = L'{';
    for (int i = 0, d = 0; i < 16; i++) {
        if (d < 4 && i == dash_after[d]) {
            *p++ = L'-';
            d++;
        }
        *p++ = (WCHAR)hex[bytes[i] >> 4];
        *p++ = (WCHAR)hex[bytes[i] & 15];
    }
    *p++ = L'}';
    *p = 0;
    GuidString->Buffer = buf;
    GuidString->Length = 38 * sizeof(WCHAR);
    GuidString->MaximumLength = 39 * sizeof(WCHAR);
    return STATUS_SUCCESS;
}

static int rtl_hexval(WCHAR c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

NTSTATUS NTAPI RtlGUIDFromString(PCUNICODE_STRING GuidString, GUID *Guid)
{
    unsigned char bytes[16];
    const WCHAR *s;
    int b = 0;

    if (!GuidString || !Guid || GuidString->Length != 38 * sizeof(WCHAR) || !GuidString->Buffer)
        return STATUS_INVALID_PARAMETER;
    s = GuidString->Buffer;
    if (s[0] != L'{' || s[37] != L'}')
        return STATUS_INVALID_PARAMETER;
    for (int i = 1; i < 37;) {
        int hi, lo;

        if (i == 9 || i == 14 || i == 19 || i == 24) {
            if (s[i] != L'-')
                return STATUS_INVALID_PARAMETER;
            i++;
            continue;
        }
        hi = rtl_hexval(s[i]);
        lo = rtl_hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return STATUS_INVALID_PARAMETER;
        bytes[b++] = (unsigned char)(hi << 4 | lo);
        i += 2;
    }
    Guid->Data1 = (ULONG)bytes[0] << 24 | (ULONG)bytes[1] << 16 | (ULONG)bytes[2] << 8 | bytes[3];
    Guid->Data2 = (USHORT)(bytes[4] << 8 | bytes[5]);
    Guid->Data3 = (USHORT)(bytes[6] << 8 | bytes[7]);
    memcpy(Guid->Data4, bytes + 8, 8);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlHashUnicodeString(PCUNICODE_STRING String, BOOLEAN CaseInSensitive,
                                    ULONG HashAlgorithm, PULONG HashValue)
{
    ULONG h = 0;

    if (!String || !HashValue)
        return STATUS_INVALID_PARAMETER;
    if (HashAlgorithm != HASH_STRING_ALGORITHM_DEFAULT &&
        HashAlgorithm != HASH_STRING_ALGORITHM_X65599)
        return STATUS_INVALID_PARAMETER;
    /* x65599, the default: h = h * 65599 + c over the (upcased) chars. */
    for (size_t i = 0; i < String->Length / sizeof(WCHAR); i++)
        h = h * 65599u + (CaseInSensitive ? rtl_upcase(String->Buffer[i]) : String->Buffer[i]);
    *HashValue = h;
    return STATUS_SUCCESS;
}
