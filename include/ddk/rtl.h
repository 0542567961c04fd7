/*
 * ddk/rtl.h - OpenDDK: the run-time library DDIs: counted strings, memory
 * helpers, GUIDs, integer conversion, bitmaps, interlocked operations and
 * SLISTs, status mapping, time fields and debug output (DbgPrint).
 *
 * Names, signatures and documented behaviour are Windows'. Where OpenDDK
 * must choose, it says so here:
 *  - "ANSI" strings (ANSI_STRING, %s into a wide format, ...) are UTF-8, as
 *    on Windows with the UTF-8 system code page. Pure ASCII behaves the same
 *    either way.
 *  - KdPrint/KdPrintEx are active unless the driver defines DBG to 0
 *    (Windows drops them when DBG is undefined; here the point of running a
 *    driver on Linux is usually to see its output).
 *  - Interlocked operations are inline functions over the gcc __atomic
 *    builtins with the documented orderings (plain = full barrier).
 */
#ifndef _DDK_RTL_H_
#define _DDK_RTL_H_

/* Counted-char pointer types (C11 allows repeating an identical typedef). */
typedef CHAR *PCH, *LPCH;
typedef const CHAR *PCCH, *LPCCH;

/* ------------------------------------------------------------------ */
/* Memory                                                               */
/* ------------------------------------------------------------------ */

#define RtlCopyMemory(Destination, Source, Length) \
    ((void)__builtin_memcpy((Destination), (Source), (Length)))
#define RtlMoveMemory(Destination, Source, Length) \
    ((void)__builtin_memmove((Destination), (Source), (Length)))
#define RtlFillMemory(Destination, Length, Fill) \
    ((void)__builtin_memset((Destination), (Fill), (Length)))
#define RtlZeroMemory(Destination, Length) \
    ((void)__builtin_memset((Destination), 0, (Length)))
#define RtlEqualMemory(Destination, Source, Length) \
    (!__builtin_memcmp((Destination), (Source), (Length)))
#define RtlCopyBytes RtlCopyMemory
#define RtlZeroBytes RtlZeroMemory
#define RtlFillBytes RtlFillMemory

/* Number of leading bytes that are equal. */
NTSYSAPI SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length);

/* Zeroing the compiler may not drop (for secrets going out of scope). */
FORCEINLINE PVOID RtlSecureZeroMemory(PVOID ptr, SIZE_T cnt)
{
    volatile char *vptr = (volatile char *)ptr;

    while (cnt) {
        *vptr++ = 0;
        cnt--;
    }
    return ptr;
}

/* ------------------------------------------------------------------ */
/* GUIDs                                                                */
/* ------------------------------------------------------------------ */

#ifndef IsEqualGUID
#define InlineIsEqualGUID(rguid1, rguid2) \
    (!__builtin_memcmp((rguid1), (rguid2), sizeof(GUID)))
#define IsEqualGUID(rguid1, rguid2) InlineIsEqualGUID(rguid1, rguid2)
#endif
#define RtlIsEqualGUID(rguid1, rguid2) (!__builtin_memcmp((rguid1), (rguid2), sizeof(GUID)))
#define RtlEqualGUID RtlIsEqualGUID

/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", upper case, pool-allocated:
 * free with RtlFreeUnicodeString. */
NTSYSAPI NTSTATUS NTAPI RtlStringFromGUID(REFGUID Guid, PUNICODE_STRING GuidString);
NTSYSAPI NTSTATUS NTAPI RtlGUIDFromString(PCUNICODE_STRING GuidString, GUID *Guid);

/* ------------------------------------------------------------------ */
/* Counted strings                                                      */
/* ------------------------------------------------------------------ */

#define RTL_CONSTANT_STRING(s) \
    { (USHORT)(sizeof(s) - sizeof((s)[0])), (USHORT)sizeof(s), (void *)(s) }

#define DECLARE_CONST_UNICODE_STRING(_var, _string)                     \
    const WCHAR _var##_buffer[] = _string;                              \
    const UNICODE_STRING _var = { sizeof(_string) - sizeof(WCHAR),      \
                                  sizeof(_string), (PWCH)_var##_buffer }

#define DECLARE_GLOBAL_CONST_UNICODE_STRING(_var, _str) \
    const UNICODE_STRING _var __attribute__((weak)) = RTL_CONSTANT_STRING(_str)

#define DECLARE_UNICODE_STRING_SIZE(_var, _size)                        \
    WCHAR _var##_buffer[_size];                                          \
    UNICODE_STRING _var = { 0, (USHORT)((_size) * sizeof(WCHAR)), _var##_buffer }

NTSYSAPI VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);
NTSYSAPI NTSTATUS NTAPI RtlInitUnicodeStringEx(PUNICODE_STRING DestinationString, PCWSTR SourceString);
NTSYSAPI VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString);
NTSYSAPI NTSTATUS NTAPI RtlInitAnsiStringEx(PANSI_STRING DestinationString, PCSZ SourceString);
NTSYSAPI VOID NTAPI RtlInitString(PSTRING DestinationString, PCSZ SourceString);
NTSYSAPI NTSTATUS NTAPI RtlInitStringEx(PSTRING DestinationString, PCSZ SourceString);

FORCEINLINE VOID RtlInitEmptyUnicodeString(PUNICODE_STRING UnicodeString, PWCHAR Buffer,
                                           USHORT BufferSize)
{
    UnicodeString->Length = 0;
    UnicodeString->MaximumLength = BufferSize;
    UnicodeString->Buffer = Buffer;
}
FORCEINLINE VOID RtlInitEmptyAnsiString(PANSI_STRING AnsiString, PCHAR Buffer, USHORT BufferSize)
{
    AnsiString->Length = 0;
    AnsiString->MaximumLength = BufferSize;
    AnsiString->Buffer = Buffer;
}

#define HASH_STRING_ALGORITHM_DEFAULT   0
#define HASH_STRING_ALGORITHM_X65599    1
#define HASH_STRING_ALGORITHM_INVALID   0xffffffff
NTSYSAPI NTSTATUS NTAPI RtlHashUnicodeString(PCUNICODE_STRING String, BOOLEAN CaseInSensitive,
                                             ULONG HashAlgorithm, PULONG HashValue);

NTSYSAPI VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString);
NTSYSAPI VOID NTAPI RtlCopyString(PSTRING DestinationString, const STRING *SourceString);
NTSYSAPI NTSTATUS NTAPI RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source);
NTSYSAPI NTSTATUS NTAPI RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source);
NTSYSAPI NTSTATUS NTAPI RtlAppendStringToString(PSTRING Destination, const STRING *Source);

NTSYSAPI LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                            BOOLEAN CaseInSensitive);
NTSYSAPI BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                             BOOLEAN CaseInSensitive);
NTSYSAPI LONG NTAPI RtlCompareUnicodeStrings(PCWCH String1, SIZE_T String1Length, PCWCH String2,
                                             SIZE_T String2Length, BOOLEAN CaseInSensitive);
NTSYSAPI BOOLEAN NTAPI RtlPrefixUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                              BOOLEAN CaseInSensitive);
NTSYSAPI LONG NTAPI RtlCompareString(const STRING *String1, const STRING *String2,
                                     BOOLEAN CaseInSensitive);
NTSYSAPI BOOLEAN NTAPI RtlEqualString(const STRING *String1, const STRING *String2,
                                      BOOLEAN CaseInSensitive);

NTSYSAPI NTSTATUS NTAPI RtlUpcaseUnicodeString(PUNICODE_STRING DestinationString,
                                               PCUNICODE_STRING SourceString,
                                               BOOLEAN AllocateDestinationString);
NTSYSAPI NTSTATUS NTAPI RtlDowncaseUnicodeString(PUNICODE_STRING DestinationString,
                                                 PCUNICODE_STRING SourceString,
                                                 BOOLEAN AllocateDestinationString);
NTSYSAPI WCHAR NTAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter);
NTSYSAPI WCHAR NTAPI RtlDowncaseUnicodeChar(WCHAR SourceCharacter);
NTSYSAPI CHAR NTAPI RtlUpperChar(CHAR Character);

NTSYSAPI NTSTATUS NTAPI RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString,
                                                     PCANSI_STRING SourceString,
                                                     BOOLEAN AllocateDestinationString);
NTSYSAPI NTSTATUS NTAPI RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString,
                                                     PCUNICODE_STRING SourceString,
                                                     BOOLEAN AllocateDestinationString);
/* Bytes needed, including the terminator. */
NTSYSAPI ULONG NTAPI RtlxAnsiStringToUnicodeSize(PCANSI_STRING AnsiString);
NTSYSAPI ULONG NTAPI RtlxUnicodeStringToAnsiSize(PCUNICODE_STRING UnicodeString);
#define RtlAnsiStringToUnicodeSize(s) RtlxAnsiStringToUnicodeSize(s)
#define RtlUnicodeStringToAnsiSize(s) RtlxUnicodeStringToAnsiSize(s)

NTSYSAPI VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString);
NTSYSAPI VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString);
NTSYSAPI BOOLEAN NTAPI RtlCreateUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);

#define RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE         1
#define RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING   2
NTSYSAPI NTSTATUS NTAPI RtlDuplicateUnicodeString(ULONG Flags, PCUNICODE_STRING StringIn,
                                                  PUNICODE_STRING StringOut);

NTSYSAPI NTSTATUS NTAPI RtlIntegerToUnicodeString(ULONG Value, ULONG Base, PUNICODE_STRING String);
NTSYSAPI NTSTATUS NTAPI RtlInt64ToUnicodeString(ULONGLONG Value, ULONG Base, PUNICODE_STRING String);
NTSYSAPI NTSTATUS NTAPI RtlUnicodeStringToInteger(PCUNICODE_STRING String, ULONG Base, PULONG Value);
NTSYSAPI NTSTATUS NTAPI RtlCharToInteger(PCSZ String, ULONG Base, PULONG Value);
NTSYSAPI NTSTATUS NTAPI RtlIntegerToChar(ULONG Value, ULONG Base, LONG OutputLength, PSZ String);

NTSYSAPI NTSTATUS NTAPI RtlUTF8ToUnicodeN(PWSTR UnicodeStringDestination, ULONG UnicodeStringMaxByteCount,
                                          PULONG UnicodeStringActualByteCount, PCCH UTF8StringSource,
                                          ULONG UTF8StringByteCount);
NTSYSAPI NTSTATUS NTAPI RtlUnicodeToUTF8N(PCHAR UTF8StringDestination, ULONG UTF8StringMaxByteCount,
                                          PULONG UTF8StringActualByteCount, PCWCH UnicodeStringSource,
                                          ULONG UnicodeStringByteCount);

/* ------------------------------------------------------------------ */
/* Status mapping                                                       */
/* ------------------------------------------------------------------ */

/* The Win32 error for an NTSTATUS; ERROR_MR_MID_NOT_FOUND (317) when the
 * status has no mapping. Win32-customer statuses (0xC007xxxx/0x8007xxxx,
 * i.e. HRESULT_FROM_WIN32 values) yield their code. */
NTSYSAPI ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status);
NTSYSAPI ULONG NTAPI RtlNtStatusToDosErrorNoTeb(NTSTATUS Status);

#ifndef FACILITY_NT_BIT
#define FACILITY_NT_BIT 0x10000000
#endif
#ifndef HRESULT_FROM_NT
#define HRESULT_FROM_NT(x) ((HRESULT)((x) | FACILITY_NT_BIT))
#endif

/* ------------------------------------------------------------------ */
/* Time                                                                 */
/* ------------------------------------------------------------------ */

typedef struct _TIME_FIELDS {
    CSHORT Year;        /* 1601 .. 30827 */
    CSHORT Month;       /* 1 .. 12 */
    CSHORT Day;         /* 1 .. 31 */
    CSHORT Hour;        /* 0 .. 23 */
    CSHORT Minute;      /* 0 .. 59 */
    CSHORT Second;      /* 0 .. 59 */
    CSHORT Milliseconds;/* 0 .. 999 */
    CSHORT Weekday;     /* 0 (Sunday) .. 6 (Saturday) */
} TIME_FIELDS, *PTIME_FIELDS;

/* Times are 100 ns units since 1601-01-01 00:00 (UTC or local). */
NTSYSAPI VOID NTAPI RtlTimeToTimeFields(PLARGE_INTEGER Time, PTIME_FIELDS TimeFields);
/* FALSE (Time untouched) when a field is out of range. */
NTSYSAPI BOOLEAN NTAPI RtlTimeFieldsToTime(PTIME_FIELDS TimeFields, PLARGE_INTEGER Time);
/* FALSE when Time is before the epoch or too late for a ULONG of seconds. */
NTSYSAPI BOOLEAN NTAPI RtlTimeToSecondsSince1970(PLARGE_INTEGER Time, PULONG ElapsedSeconds);
NTSYSAPI VOID NTAPI RtlSecondsSince1970ToTime(ULONG ElapsedSeconds, PLARGE_INTEGER Time);
NTSYSAPI BOOLEAN NTAPI RtlTimeToSecondsSince1980(PLARGE_INTEGER Time, PULONG ElapsedSeconds);
NTSYSAPI VOID NTAPI RtlSecondsSince1980ToTime(ULONG ElapsedSeconds, PLARGE_INTEGER Time);

/* ------------------------------------------------------------------ */
/* Version                                                              */
/* ------------------------------------------------------------------ */

typedef struct _OSVERSIONINFOW {
    ULONG dwOSVersionInfoSize;
    ULONG dwMajorVersion;
    ULONG dwMinorVersion;
    ULONG dwBuildNumber;
    ULONG dwPlatformId;
    WCHAR szCSDVersion[128];
} OSVERSIONINFOW, *POSVERSIONINFOW, *LPOSVERSIONINFOW, RTL_OSVERSIONINFOW, *PRTL_OSVERSIONINFOW;

typedef struct _OSVERSIONINFOEXW {
    ULONG dwOSVersionInfoSize;
    ULONG dwMajorVersion;
    ULONG dwMinorVersion;
    ULONG dwBuildNumber;
    ULONG dwPlatformId;
    WCHAR szCSDVersion[128];
    USHORT wServicePackMajor;
    USHORT wServicePackMinor;
    USHORT wSuiteMask;
    UCHAR wProductType;
    UCHAR wReserved;
} OSVERSIONINFOEXW, *POSVERSIONINFOEXW, *LPOSVERSIONINFOEXW, RTL_OSVERSIONINFOEXW,
  *PRTL_OSVERSIONINFOEXW;

#define VER_PLATFORM_WIN32_NT   2
#define VER_NT_WORKSTATION      0x0000001
#define VER_NT_DOMAIN_CONTROLLER 0x0000002
#define VER_NT_SERVER           0x0000003
#define VER_SUITE_SINGLEUSERTS  0x00000100

/* OpenDDK implements the DDIs of Windows 10, version 2004 (see
 * sdkddkver.h), and says so: 10.0.19041, workstation. dwOSVersionInfoSize
 * must be sizeof(RTL_OSVERSIONINFOW) or sizeof(RTL_OSVERSIONINFOEXW). */
NTSYSAPI NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation);
/* TRUE for NTDDI versions up to the implemented level (NTDDI_WIN10_VB). */
NTSYSAPI BOOLEAN NTAPI RtlIsNtDdiVersionAvailable(ULONG Version);

/* ------------------------------------------------------------------ */
/* Bitmaps                                                              */
/* ------------------------------------------------------------------ */

/* Bit n lives in Buffer[n / 32], bit n % 32. Buffer must hold
 * ceil(SizeOfBitMap / 32) ULONGs; bits beyond SizeOfBitMap in the last
 * ULONG are never looked at nor changed. */
typedef struct _RTL_BITMAP {
    ULONG SizeOfBitMap;
    PULONG Buffer;
} RTL_BITMAP, *PRTL_BITMAP;

typedef struct _RTL_BITMAP_RUN {
    ULONG StartingIndex;
    ULONG NumberOfBits;
} RTL_BITMAP_RUN, *PRTL_BITMAP_RUN;

NTSYSAPI VOID NTAPI RtlInitializeBitMap(PRTL_BITMAP BitMapHeader, PULONG BitMapBuffer, ULONG SizeOfBitMap);
NTSYSAPI VOID NTAPI RtlClearAllBits(PRTL_BITMAP BitMapHeader);
NTSYSAPI VOID NTAPI RtlSetAllBits(PRTL_BITMAP BitMapHeader);
NTSYSAPI VOID NTAPI RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToSet);
NTSYSAPI VOID NTAPI RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToClear);
NTSYSAPI VOID NTAPI RtlSetBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber);
NTSYSAPI VOID NTAPI RtlClearBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber);
NTSYSAPI BOOLEAN NTAPI RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber);
#define RtlCheckBit(BMH, BP) \
    ((BOOLEAN)((((BMH)->Buffer[(BP) / 32]) >> ((BP) % 32)) & 0x1))
NTSYSAPI BOOLEAN NTAPI RtlAreBitsSet(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length);
NTSYSAPI BOOLEAN NTAPI RtlAreBitsClear(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length);
/* Returns the first index of a run of NumberToFind bits, searching from
 * HintIndex to the end, then from 0 (a run never wraps past the end);
 * 0xFFFFFFFF when there is none. */
NTSYSAPI ULONG NTAPI RtlFindClearBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
NTSYSAPI ULONG NTAPI RtlFindSetBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
NTSYSAPI ULONG NTAPI RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
NTSYSAPI ULONG NTAPI RtlFindSetBitsAndClear(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
NTSYSAPI ULONG NTAPI RtlNumberOfSetBits(PRTL_BITMAP BitMapHeader);
NTSYSAPI ULONG NTAPI RtlNumberOfClearBits(PRTL_BITMAP BitMapHeader);
NTSYSAPI ULONG NTAPI RtlFindFirstRunClear(PRTL_BITMAP BitMapHeader, PULONG StartingIndex);
NTSYSAPI ULONG NTAPI RtlFindNextForwardRunClear(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
                                               PULONG StartingRunIndex);
NTSYSAPI ULONG NTAPI RtlFindLongestRunClear(PRTL_BITMAP BitMapHeader, PULONG StartingIndex);
NTSYSAPI ULONG NTAPI RtlFindClearRuns(PRTL_BITMAP BitMapHeader, PRTL_BITMAP_RUN RunArray,
                                      ULONG SizeOfRunArray, BOOLEAN LocateLongestRuns);
NTSYSAPI CCHAR NTAPI RtlFindMostSignificantBit(ULONGLONG Set);
NTSYSAPI CCHAR NTAPI RtlFindLeastSignificantBit(ULONGLONG Set);
NTSYSAPI ULONG NTAPI RtlNumberOfSetBitsUlongPtr(ULONG_PTR Target);

/* ------------------------------------------------------------------ */
/* Bit scans, byte swaps                                                */
/* ------------------------------------------------------------------ */

FORCEINLINE BOOLEAN _BitScanForward(ULONG *Index, ULONG Mask)
{
    if (!Mask)
        return 0;
    *Index = (ULONG)__builtin_ctz(Mask);
    return 1;
}

FORCEINLINE BOOLEAN _BitScanReverse(ULONG *Index, ULONG Mask)
{
    if (!Mask)
        return 0;
    *Index = 31u - (ULONG)__builtin_clz(Mask);
    return 1;
}

FORCEINLINE BOOLEAN _BitScanForward64(ULONG *Index, ULONG64 Mask)
{
    if (!Mask)
        return 0;
    *Index = (ULONG)__builtin_ctzll(Mask);
    return 1;
}

FORCEINLINE BOOLEAN _BitScanReverse64(ULONG *Index, ULONG64 Mask)
{
    if (!Mask)
        return 0;
    *Index = 63u - (ULONG)__builtin_clzll(Mask);
    return 1;
}

#ifndef BitScanForward
#define BitScanForward _BitScanForward
#endif
#define BitScanReverse _BitScanReverse
#define BitScanForward64 _BitScanForward64
#define BitScanReverse64 _BitScanReverse64

FORCEINLINE BOOLEAN _bittest(const LONG *Base, LONG Offset)
{
    return (BOOLEAN)((Base[Offset >> 5] >> (Offset & 31)) & 1);
}
FORCEINLINE BOOLEAN _bittest64(const LONG64 *Base, LONG64 Offset)
{
    return (BOOLEAN)((Base[Offset >> 6] >> (Offset & 63)) & 1);
}
#define BitTest _bittest
#define BitTest64 _bittest64

FORCEINLINE USHORT RtlUshortByteSwap(USHORT Source) { return __builtin_bswap16(Source); }
FORCEINLINE ULONG RtlUlongByteSwap(ULONG Source) { return __builtin_bswap32(Source); }
FORCEINLINE ULONGLONG RtlUlonglongByteSwap(ULONGLONG Source) { return __builtin_bswap64(Source); }
#define _byteswap_ushort RtlUshortByteSwap
#define _byteswap_ulong RtlUlongByteSwap
#define _byteswap_uint64 RtlUlonglongByteSwap

/* ------------------------------------------------------------------ */
/* Interlocked operations and barriers                                  */
/* ------------------------------------------------------------------ */

/* Each returns what the Windows intrinsic returns: Increment/Decrement/Add
 * the new value; Exchange/ExchangeAdd/And/Or/Xor/CompareExchange the old
 * one. Plain forms are full barriers (seq_cst), the Acquire and Release
 * forms as named, NoFence ones relaxed. */
#define DDK_ILK_FAMILY(suffix, order)                                                   \
FORCEINLINE LONG InterlockedIncrement##suffix(LONG volatile *Addend)                    \
{ return __atomic_add_fetch(Addend, 1, order); }                                        \
FORCEINLINE LONG InterlockedDecrement##suffix(LONG volatile *Addend)                    \
{ return __atomic_sub_fetch(Addend, 1, order); }                                        \
FORCEINLINE LONG InterlockedExchange##suffix(LONG volatile *Target, LONG Value)         \
{ return __atomic_exchange_n(Target, Value, order); }                                   \
FORCEINLINE LONG InterlockedExchangeAdd##suffix(LONG volatile *Addend, LONG Value)      \
{ return __atomic_fetch_add(Addend, Value, order); }                                    \
FORCEINLINE LONG InterlockedAdd##suffix(LONG volatile *Addend, LONG Value)              \
{ return __atomic_add_fetch(Addend, Value, order); }                                    \
FORCEINLINE LONG InterlockedAnd##suffix(LONG volatile *Destination, LONG Value)         \
{ return __atomic_fetch_and(Destination, Value, order); }                               \
FORCEINLINE LONG InterlockedOr##suffix(LONG volatile *Destination, LONG Value)          \
{ return __atomic_fetch_or(Destination, Value, order); }                                \
FORCEINLINE LONG InterlockedXor##suffix(LONG volatile *Destination, LONG Value)         \
{ return __atomic_fetch_xor(Destination, Value, order); }                               \
FORCEINLINE LONG InterlockedCompareExchange##suffix(LONG volatile *Destination,         \
                                                    LONG Exchange, LONG Comperand)      \
{                                                                                       \
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0, order,            \
                                order == __ATOMIC_RELEASE ? __ATOMIC_RELAXED :          \
                                order == __ATOMIC_ACQ_REL ? __ATOMIC_ACQUIRE : order);  \
    return Comperand;                                                                   \
}                                                                                       \
FORCEINLINE LONG64 InterlockedIncrement64##suffix(LONG64 volatile *Addend)              \
{ return __atomic_add_fetch(Addend, 1, order); }                                        \
FORCEINLINE LONG64 InterlockedDecrement64##suffix(LONG64 volatile *Addend)              \
{ return __atomic_sub_fetch(Addend, 1, order); }                                        \
FORCEINLINE LONG64 InterlockedExchange64##suffix(LONG64 volatile *Target, LONG64 Value) \
{ return __atomic_exchange_n(Target, Value, order); }                                   \
FORCEINLINE LONG64 InterlockedExchangeAdd64##suffix(LONG64 volatile *Addend, LONG64 Value) \
{ return __atomic_fetch_add(Addend, Value, order); }                                    \
FORCEINLINE LONG64 InterlockedAdd64##suffix(LONG64 volatile *Addend, LONG64 Value)      \
{ return __atomic_add_fetch(Addend, Value, order); }                                    \
FORCEINLINE LONG64 InterlockedAnd64##suffix(LONG64 volatile *Destination, LONG64 Value) \
{ return __atomic_fetch_and(Destination, Value, order); }                               \
FORCEINLINE LONG64 InterlockedOr64##suffix(LONG64 volatile *Destination, LONG64 Value)  \
{ return __atomic_fetch_or(Destination, Value, order); }                                \
FORCEINLINE LONG64 InterlockedXor64##suffix(LONG64 volatile *Destination, LONG64 Value) \
{ return __atomic_fetch_xor(Destination, Value, order); }                               \
FORCEINLINE LONG64 InterlockedCompareExchange64##suffix(LONG64 volatile *Destination,   \
                                                        LONG64 Exchange, LONG64 Comperand) \
{                                                                                       \
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0, order,            \
                                order == __ATOMIC_RELEASE ? __ATOMIC_RELAXED :          \
                                order == __ATOMIC_ACQ_REL ? __ATOMIC_ACQUIRE : order);  \
    return Comperand;                                                                   \
}                                                                                       \
FORCEINLINE PVOID InterlockedExchangePointer##suffix(PVOID volatile *Target, PVOID Value) \
{ return __atomic_exchange_n(Target, Value, order); }                                   \
FORCEINLINE PVOID InterlockedCompareExchangePointer##suffix(PVOID volatile *Destination,   \
                                                            PVOID Exchange, PVOID Comperand) \
{                                                                                       \
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0, order,            \
                                order == __ATOMIC_RELEASE ? __ATOMIC_RELAXED :          \
                                order == __ATOMIC_ACQ_REL ? __ATOMIC_ACQUIRE : order);  \
    return Comperand;                                                                   \
}                                                                                       \
FORCEINLINE SHORT InterlockedIncrement16##suffix(SHORT volatile *Addend)                \
{ return __atomic_add_fetch(Addend, 1, order); }                                        \
FORCEINLINE SHORT InterlockedDecrement16##suffix(SHORT volatile *Addend)                \
{ return __atomic_sub_fetch(Addend, 1, order); }                                        \
FORCEINLINE SHORT InterlockedCompareExchange16##suffix(SHORT volatile *Destination,     \
                                                       SHORT Exchange, SHORT Comperand) \
{                                                                                       \
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0, order,            \
                                order == __ATOMIC_RELEASE ? __ATOMIC_RELAXED :          \
                                order == __ATOMIC_ACQ_REL ? __ATOMIC_ACQUIRE : order);  \
    return Comperand;                                                                   \
}                                                                                       \
FORCEINLINE char InterlockedExchange8##suffix(char volatile *Target, char Value)        \
{ return __atomic_exchange_n(Target, Value, order); }                                   \
FORCEINLINE char InterlockedAnd8##suffix(char volatile *Destination, char Value)        \
{ return __atomic_fetch_and(Destination, Value, order); }                               \
FORCEINLINE char InterlockedOr8##suffix(char volatile *Destination, char Value)         \
{ return __atomic_fetch_or(Destination, Value, order); }                                \
FORCEINLINE SHORT InterlockedAnd16##suffix(SHORT volatile *Destination, SHORT Value)    \
{ return __atomic_fetch_and(Destination, Value, order); }                               \
FORCEINLINE SHORT InterlockedOr16##suffix(SHORT volatile *Destination, SHORT Value)     \
{ return __atomic_fetch_or(Destination, Value, order); }

DDK_ILK_FAMILY(, __ATOMIC_SEQ_CST)
DDK_ILK_FAMILY(Acquire, __ATOMIC_ACQUIRE)
DDK_ILK_FAMILY(Release, __ATOMIC_RELEASE)
DDK_ILK_FAMILY(NoFence, __ATOMIC_RELAXED)
#undef DDK_ILK_FAMILY

#define _InterlockedIncrement InterlockedIncrement
#define _InterlockedDecrement InterlockedDecrement
#define _InterlockedExchange InterlockedExchange
#define _InterlockedExchangeAdd InterlockedExchangeAdd
#define _InterlockedCompareExchange InterlockedCompareExchange
#define _InterlockedAnd InterlockedAnd
#define _InterlockedOr InterlockedOr
#define _InterlockedXor InterlockedXor
#define _InterlockedIncrement64 InterlockedIncrement64
#define _InterlockedDecrement64 InterlockedDecrement64
#define _InterlockedExchange64 InterlockedExchange64
#define _InterlockedExchangeAdd64 InterlockedExchangeAdd64
#define _InterlockedCompareExchange64 InterlockedCompareExchange64
#define _InterlockedExchangePointer InterlockedExchangePointer
#define _InterlockedCompareExchangePointer InterlockedCompareExchangePointer
#define InterlockedIncrementSizeT(a) ((SIZE_T)InterlockedIncrement64((LONG64 volatile *)(a)))
#define InterlockedDecrementSizeT(a) ((SIZE_T)InterlockedDecrement64((LONG64 volatile *)(a)))
#define InterlockedExchangeAddSizeT(a, b) \
    ((SIZE_T)InterlockedExchangeAdd64((LONG64 volatile *)(a), (LONG64)(b)))
#define InterlockedIncrementULongPtr(a) ((ULONG_PTR)InterlockedIncrement64((LONG64 volatile *)(a)))
#define InterlockedDecrementULongPtr(a) ((ULONG_PTR)InterlockedDecrement64((LONG64 volatile *)(a)))
#define InterlockedExchangeULongPtr(a, b) \
    ((ULONG_PTR)InterlockedExchange64((LONG64 volatile *)(a), (LONG64)(b)))

/* 128-bit compare-exchange (cmpxchg16b): Destination must be 16-byte
 * aligned; on failure ComparandResult receives the current value. */
FORCEINLINE BOOLEAN InterlockedCompareExchange128(LONG64 volatile *Destination,
                                                  LONG64 ExchangeHigh, LONG64 ExchangeLow,
                                                  LONG64 *ComparandResult)
{
    BOOLEAN ok;

    __asm__ __volatile__("lock cmpxchg16b %1\n\tsete %0"
                         : "=q"(ok), "+m"(*(volatile __int128 *)Destination),
                           "+a"(ComparandResult[0]), "+d"(ComparandResult[1])
                         : "b"(ExchangeLow), "c"(ExchangeHigh)
                         : "memory", "cc");
    return ok;
}
#define _InterlockedCompareExchange128 InterlockedCompareExchange128

FORCEINLINE BOOLEAN _interlockedbittestandset(LONG volatile *Base, LONG Offset)
{
    LONG bit = 1L << (Offset & 31);
    return (BOOLEAN)((__atomic_fetch_or(&Base[Offset >> 5], bit, __ATOMIC_SEQ_CST) & bit) != 0);
}
FORCEINLINE BOOLEAN _interlockedbittestandreset(LONG volatile *Base, LONG Offset)
{
    LONG bit = 1L << (Offset & 31);
    return (BOOLEAN)((__atomic_fetch_and(&Base[Offset >> 5], ~bit, __ATOMIC_SEQ_CST) & bit) != 0);
}
FORCEINLINE BOOLEAN _interlockedbittestandset64(LONG64 volatile *Base, LONG64 Offset)
{
    LONG64 bit = 1LL << (Offset & 63);
    return (BOOLEAN)((__atomic_fetch_or(&Base[Offset >> 6], bit, __ATOMIC_SEQ_CST) & bit) != 0);
}
FORCEINLINE BOOLEAN _interlockedbittestandreset64(LONG64 volatile *Base, LONG64 Offset)
{
    LONG64 bit = 1LL << (Offset & 63);
    return (BOOLEAN)((__atomic_fetch_and(&Base[Offset >> 6], ~bit, __ATOMIC_SEQ_CST) & bit) != 0);
}
#define _InterlockedBitTestAndSet _interlockedbittestandset
#define _InterlockedBitTestAndReset _interlockedbittestandreset
#define InterlockedBitTestAndSet _interlockedbittestandset
#define InterlockedBitTestAndReset _interlockedbittestandreset
#define InterlockedBitTestAndSet64 _interlockedbittestandset64
#define InterlockedBitTestAndReset64 _interlockedbittestandreset64
#define BitTestAndSet(b, o) InterlockedBitTestAndSet((LONG volatile *)(b), (o))

/* Plain loads and stores that the compiler must not tear, merge or drop. */
FORCEINLINE LONG ReadNoFence(LONG const volatile *Source)
{ return __atomic_load_n(Source, __ATOMIC_RELAXED); }
FORCEINLINE LONG ReadAcquire(LONG const volatile *Source)
{ return __atomic_load_n(Source, __ATOMIC_ACQUIRE); }
FORCEINLINE void WriteNoFence(LONG volatile *Destination, LONG Value)
{ __atomic_store_n(Destination, Value, __ATOMIC_RELAXED); }
FORCEINLINE void WriteRelease(LONG volatile *Destination, LONG Value)
{ __atomic_store_n(Destination, Value, __ATOMIC_RELEASE); }
FORCEINLINE LONG64 ReadNoFence64(LONG64 const volatile *Source)
{ return __atomic_load_n(Source, __ATOMIC_RELAXED); }
FORCEINLINE LONG64 ReadAcquire64(LONG64 const volatile *Source)
{ return __atomic_load_n(Source, __ATOMIC_ACQUIRE); }
FORCEINLINE void WriteNoFence64(LONG64 volatile *Destination, LONG64 Value)
{ __atomic_store_n(Destination, Value, __ATOMIC_RELAXED); }
FORCEINLINE void WriteRelease64(LONG64 volatile *Destination, LONG64 Value)
{ __atomic_store_n(Destination, Value, __ATOMIC_RELEASE); }
FORCEINLINE PVOID ReadPointerNoFence(PVOID const volatile *Source)
{ return __atomic_load_n(Source, __ATOMIC_RELAXED); }
FORCEINLINE PVOID ReadPointerAcquire(PVOID const volatile *Source)
{ return __atomic_load_n(Source, __ATOMIC_ACQUIRE); }
FORCEINLINE void WritePointerNoFence(PVOID volatile *Destination, PVOID Value)
{ __atomic_store_n(Destination, Value, __ATOMIC_RELAXED); }
FORCEINLINE void WritePointerRelease(PVOID volatile *Destination, PVOID Value)
{ __atomic_store_n(Destination, Value, __ATOMIC_RELEASE); }
FORCEINLINE ULONG ReadULongNoFence(ULONG const volatile *Source)
{ return __atomic_load_n(Source, __ATOMIC_RELAXED); }
FORCEINLINE void WriteULongNoFence(ULONG volatile *Destination, ULONG Value)
{ __atomic_store_n(Destination, Value, __ATOMIC_RELAXED); }
FORCEINLINE LONG ReadRaw(LONG const volatile *Source) { return *Source; }
FORCEINLINE void WriteRaw(LONG volatile *Destination, LONG Value) { *Destination = Value; }

#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define _ReadWriteBarrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define _ReadBarrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define _WriteBarrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#ifndef KeMemoryBarrier
#define KeMemoryBarrier() MemoryBarrier()
#endif
#ifndef KeMemoryBarrierWithoutFence
#define KeMemoryBarrierWithoutFence() _ReadWriteBarrier()
#endif
#ifndef YieldProcessor
#define YieldProcessor() __builtin_ia32_pause()
#endif

/* ------------------------------------------------------------------ */
/* SLISTs (SLIST_HEADER is in ntdef.h)                                  */
/* ------------------------------------------------------------------ */

/* Lock-free LIFO: the header packs depth and a sequence number with the
 * first entry's address and changes atomically with cmpxchg16b; entries
 * must be 16-byte aligned (MEMORY_ALLOCATION_ALIGNMENT). */
#ifndef MEMORY_ALLOCATION_ALIGNMENT
#define MEMORY_ALLOCATION_ALIGNMENT 16
#endif
FORCEINLINE VOID InitializeSListHead(PSLIST_HEADER SListHead)
{
    SListHead->Alignment = 0;
    SListHead->Region = 0;
}
NTSYSAPI PSLIST_ENTRY NTAPI InterlockedPushEntrySList(PSLIST_HEADER ListHead, PSLIST_ENTRY ListEntry);
NTSYSAPI PSLIST_ENTRY NTAPI InterlockedPopEntrySList(PSLIST_HEADER ListHead);
NTSYSAPI PSLIST_ENTRY NTAPI InterlockedFlushSList(PSLIST_HEADER ListHead);
NTSYSAPI USHORT NTAPI QueryDepthSList(PSLIST_HEADER ListHead);
NTSYSAPI PSLIST_ENTRY NTAPI RtlFirstEntrySList(const SLIST_HEADER *ListHead);
/* Pushes the chain List..ListEnd (Count entries, already linked through
 * Next) in one step; returns the previous first entry. */
NTSYSAPI PSLIST_ENTRY NTAPI InterlockedPushListSListEx(PSLIST_HEADER ListHead, PSLIST_ENTRY List,
                                                      PSLIST_ENTRY ListEnd, ULONG Count);
#define InterlockedPushListSList(h, l, e, c) InterlockedPushListSListEx(h, l, e, c)
#define ExQueryDepthSList(h) QueryDepthSList(h)
/* The x64 Ex* forms ignore their spin lock argument, as on Windows. */
#define ExInterlockedPushEntrySList(h, e, l) ((void)(l), InterlockedPushEntrySList(h, e))
#define ExInterlockedPopEntrySList(h, l) ((void)(l), InterlockedPopEntrySList(h))
#define ExInterlockedFlushSList(h) InterlockedFlushSList(h)

/* ------------------------------------------------------------------ */
/* Debug output                                                         */
/* ------------------------------------------------------------------ */

/* Component ids (dpfilter.h) drivers commonly pass to DbgPrintEx. */
#define DPFLTR_SYSTEM_ID        0
#define DPFLTR_IHVVIDEO_ID      78
#define DPFLTR_IHVAUDIO_ID      79
#define DPFLTR_IHVNETWORK_ID    80
#define DPFLTR_IHVSTREAMING_ID  81
#define DPFLTR_IHVBUS_ID        82
#define DPFLTR_IHVDRIVER_ID     77
#define DPFLTR_DEFAULT_ID       101

#define DPFLTR_ERROR_LEVEL      0
#define DPFLTR_WARNING_LEVEL    1
#define DPFLTR_TRACE_LEVEL      2
#define DPFLTR_INFO_LEVEL       3
#define DPFLTR_MASK             0x80000000

/*
 * DbgPrint always prints. DbgPrintEx/vDbgPrintEx print when the level
 * passes the filter: a Level of 0..31 means the bit (1 << Level), a larger
 * Level is itself a bit mask. The default filter lets only
 * DPFLTR_ERROR_LEVEL through (as on Windows Vista and later); the
 * environment variable DDK_DBGPRINT_LEVEL raises it: a number N lets levels
 * 0..N through, a 0x-prefixed value is the mask itself. Output goes to
 * stderr, one "DbgPrint: " prefixed line per call. Returns STATUS_SUCCESS.
 */
/* No format attribute: %wZ and friends are not C99 and would warn. */
NTSYSAPI ULONG __cdecl DbgPrint(PCSTR Format, ...);
NTSYSAPI ULONG __cdecl DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...);
NTSYSAPI ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format, va_list arglist);
NTSYSAPI ULONG NTAPI vDbgPrintExWithPrefix(PCCH Prefix, ULONG ComponentId, ULONG Level,
                                          PCCH Format, va_list arglist);
NTSYSAPI NTSTATUS NTAPI DbgQueryDebugFilterState(ULONG ComponentId, ULONG Level);
NTSYSAPI NTSTATUS NTAPI DbgSetDebugFilterState(ULONG ComponentId, ULONG Level, BOOLEAN State);

/*
 * Assertions. A failed ASSERT/NT_ASSERT prints the expression, file and
 * line, then breaks: with a debugger attached (gdb) the process gets
 * SIGTRAP and can continue; without one it is what Windows does without a
 * kernel debugger, bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED (parameter 1
 * STATUS_BREAKPOINT for ASSERT, STATUS_ASSERTION_FAILURE for NT_ASSERT).
 * Active unless DBG is defined to 0 (see the top of this file).
 */
NTSYSAPI VOID NTAPI RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber,
                              PSTR MutableMessage);
/* OpenDDK extension behind NT_ASSERT: like RtlAssert with the NT_ASSERT status. */
NTSYSAPI VOID NTAPI DdkNtAssertFailed(PCSTR Expression, PCSTR FileName, ULONG LineNumber,
                                      PCSTR Message);
NTSYSAPI VOID NTAPI DbgBreakPoint(VOID);
NTSYSAPI VOID NTAPI DbgBreakPointWithStatus(ULONG Status);

#if !defined(DBG) || DBG
#define ASSERT(exp) \
    ((!(exp)) ? (RtlAssert((PVOID)#exp, (PVOID)__FILE__, __LINE__, NULL), FALSE) : TRUE)
#define ASSERTMSG(msg, exp) \
    ((!(exp)) ? (RtlAssert((PVOID)#exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), FALSE) : TRUE)
#define RTL_SOFT_ASSERT(exp) \
    ((!(exp)) ? (DbgPrint("%s(%d): Soft assertion failed\n   Expression: %s\n", __FILE__, \
                          __LINE__, #exp), FALSE) : TRUE)
#define NT_ASSERT(exp) \
    ((!(exp)) ? (DdkNtAssertFailed(#exp, __FILE__, __LINE__, NULL), FALSE) : TRUE)
#define NT_ASSERTMSG(msg, exp) \
    ((!(exp)) ? (DdkNtAssertFailed(#exp, __FILE__, __LINE__, (msg)), FALSE) : TRUE)
#define NT_ASSERTMSGW(msg, exp) \
    ((!(exp)) ? (DdkNtAssertFailed(#exp, __FILE__, __LINE__, NULL), FALSE) : TRUE)
#define NT_VERIFY(exp) NT_ASSERT(exp)
#define NT_VERIFYMSG(msg, exp) NT_ASSERTMSG(msg, exp)
#define RTL_VERIFY(exp) ASSERT(exp)
#else
#define ASSERT(exp) ((void)0)
#define ASSERTMSG(msg, exp) ((void)0)
#define RTL_SOFT_ASSERT(exp) ((void)0)
#define NT_ASSERT(exp) ((void)0)
#define NT_ASSERTMSG(msg, exp) ((void)0)
#define NT_ASSERTMSGW(msg, exp) ((void)0)
#define NT_VERIFY(exp) ((exp) ? TRUE : FALSE)
#define NT_VERIFYMSG(msg, exp) ((exp) ? TRUE : FALSE)
#define RTL_VERIFY(exp) ((exp) ? TRUE : FALSE)
#endif
#define NT_ANALYSIS_ASSUME(exp) ((void)0)
#define NT_FRE_ASSERT(exp) \
    ((!(exp)) ? (DdkNtAssertFailed(#exp, __FILE__, __LINE__, NULL), FALSE) : TRUE)

#if !defined(DBG) || DBG
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#define vKdPrintEx(_x_) vDbgPrintEx _x_
#define KdBreakPoint() ((void)0)
#else
#define KdPrint(_x_) ((void)0)
#define KdPrintEx(_x_) ((void)0)
#define vKdPrintEx(_x_) ((void)0)
#define KdBreakPoint() ((void)0)
#endif

#endif /* _DDK_RTL_H_ */
