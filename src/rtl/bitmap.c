/*
 * bitmap.c - RTL_BITMAP: bit n is bit (n % 32) of Buffer[n / 32].
 *
 * Runs are found by scanning words: a word that is all ones (or all zeros)
 * is skipped whole, so sparse bitmaps search in a few instructions per 32
 * bits. Nothing here reads or writes a bit at or beyond SizeOfBitMap (the
 * padding bits of the last ULONG belong to the caller). Ranges that reach
 * past the end are clipped to it; a query about such a range answers FALSE.
 *
 * Find*Bits with a hint search [hint, end) first and then the runs that
 * start in [0, hint), as documented ("continues searching from the
 * beginning of the bitmap back to the hint index"); a run never wraps from
 * the last bit to bit 0. Asking for 0 bits returns the (clamped) hint.
 */
#include <wdm.h>
#include "rtl/rtl.h"

#define BM_NONE 0xFFFFFFFFu

static inline bool bm_get(const RTL_BITMAP *bm, ULONG i)
{
    return (bm->Buffer[i >> 5] >> (i & 31)) & 1;
}

/* Sets or clears [start, start + n), n already clipped. */
static void bm_fill(PRTL_BITMAP bm, ULONG start, ULONG n, bool set)
{
    while (n) {
        ULONG bit = start & 31, k = 32 - bit < n ? 32 - bit : n;
        ULONG mask = (k == 32 ? 0xFFFFFFFFu : ((1u << k) - 1)) << bit;

        if (set)
            bm->Buffer[start >> 5] |= mask;
        else
            bm->Buffer[start >> 5] &= ~mask;
        start += k;
        n -= k;
    }
}

static ULONG bm_clip(const RTL_BITMAP *bm, ULONG start, ULONG n)
{
    if (start >= bm->SizeOfBitMap)
        return 0;
    return n > bm->SizeOfBitMap - start ? bm->SizeOfBitMap - start : n;
}

/* First index >= from whose bit equals want, or SizeOfBitMap. */
static ULONG bm_next(const RTL_BITMAP *bm, ULONG from, bool want)
{
    ULONG size = bm->SizeOfBitMap;

    while (from < size) {
        ULONG w = bm->Buffer[from >> 5];

        if (!want)
            w = ~w;
        w &= 0xFFFFFFFFu << (from & 31);
        if (w) {
            ULONG i = (from & ~31u) + (ULONG)__builtin_ctz(w);

            return i < size ? i : size;
        }
        from = (from & ~31u) + 32;
    }
    return size;
}

VOID NTAPI RtlInitializeBitMap(PRTL_BITMAP BitMapHeader, PULONG BitMapBuffer, ULONG SizeOfBitMap)
{
    BitMapHeader->SizeOfBitMap = SizeOfBitMap;
    BitMapHeader->Buffer = BitMapBuffer;
}

VOID NTAPI RtlClearAllBits(PRTL_BITMAP BitMapHeader)
{
    bm_fill(BitMapHeader, 0, BitMapHeader->SizeOfBitMap, false);
}

VOID NTAPI RtlSetAllBits(PRTL_BITMAP BitMapHeader)
{
    bm_fill(BitMapHeader, 0, BitMapHeader->SizeOfBitMap, true);
}

VOID NTAPI RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToSet)
{
    bm_fill(BitMapHeader, StartingIndex, bm_clip(BitMapHeader, StartingIndex, NumberToSet), true);
}

VOID NTAPI RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToClear)
{
    bm_fill(BitMapHeader, StartingIndex, bm_clip(BitMapHeader, StartingIndex, NumberToClear), false);
}

VOID NTAPI RtlSetBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    if (BitNumber < BitMapHeader->SizeOfBitMap)
        BitMapHeader->Buffer[BitNumber >> 5] |= 1u << (BitNumber & 31);
}

VOID NTAPI RtlClearBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    if (BitNumber < BitMapHeader->SizeOfBitMap)
        BitMapHeader->Buffer[BitNumber >> 5] &= ~(1u << (BitNumber & 31));
}

BOOLEAN NTAPI RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    return BitNumber < BitMapHeader->SizeOfBitMap && bm_get(BitMapHeader, BitNumber);
}

static bool bm_all(const RTL_BITMAP *bm, ULONG start, ULONG len, bool want)
{
    if (len == 0 || start >= bm->SizeOfBitMap || len > bm->SizeOfBitMap - start)
        return false;
    return bm_next(bm, start, !want) >= start + len;
}

BOOLEAN NTAPI RtlAreBitsSet(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length)
{
    return bm_all(BitMapHeader, StartingIndex, Length, true);
}

BOOLEAN NTAPI RtlAreBitsClear(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length)
{
    return bm_all(BitMapHeader, StartingIndex, Length, false);
}

/* First run of n bits equal to want starting in [from, start_limit). */
static ULONG bm_find_run(const RTL_BITMAP *bm, ULONG n, ULONG from, ULONG start_limit, bool want)
{
    ULONG size = bm->SizeOfBitMap;

    while (from < start_limit) {
        ULONG s = bm_next(bm, from, want), e;

        if (s >= start_limit || s >= size || size - s < n)
            return BM_NONE;
        e = bm_next(bm, s, !want);
        if (e - s >= n)
            return s;
        from = e;
    }
    return BM_NONE;
}

static ULONG bm_find(const RTL_BITMAP *bm, ULONG n, ULONG hint, bool want)
{
    ULONG r;

    if (hint >= bm->SizeOfBitMap)
        hint = 0;
    if (n == 0)
        return hint;
    if (n > bm->SizeOfBitMap)
        return BM_NONE;
    r = bm_find_run(bm, n, hint, bm->SizeOfBitMap, want);
    if (r == BM_NONE && hint)
        r = bm_find_run(bm, n, 0, hint, want);
    return r;
}

ULONG NTAPI RtlFindClearBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    return bm_find(BitMapHeader, NumberToFind, HintIndex, false);
}

ULONG NTAPI RtlFindSetBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    return bm_find(BitMapHeader, NumberToFind, HintIndex, true);
}

ULONG NTAPI RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    ULONG i = bm_find(BitMapHeader, NumberToFind, HintIndex, false);

    if (i != BM_NONE)
        RtlSetBits(BitMapHeader, i, NumberToFind);
    return i;
}

ULONG NTAPI RtlFindSetBitsAndClear(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    ULONG i = bm_find(BitMapHeader, NumberToFind, HintIndex, true);

    if (i != BM_NONE)
        RtlClearBits(BitMapHeader, i, NumberToFind);
    return i;
}

ULONG NTAPI RtlNumberOfSetBits(PRTL_BITMAP BitMapHeader)
{
    ULONG size = BitMapHeader->SizeOfBitMap, full = size >> 5, n = 0;

    for (ULONG i = 0; i < full; i++)
        n += (ULONG)__builtin_popcount(BitMapHeader->Buffer[i]);
    if (size & 31)
        n += (ULONG)__builtin_popcount(BitMapHeader->Buffer[full] & ((1u << (size & 31)) - 1));
    return n;
}

ULONG NTAPI RtlNumberOfClearBits(PRTL_BITMAP BitMapHeader)
{
    return BitMapHeader->SizeOfBitMap - RtlNumberOfSetBits(BitMapHeader);
}

ULONG NTAPI RtlFindNextForwardRunClear(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
                                      PULONG StartingRunIndex)
{
    ULONG s, e;

    if (FromIndex >= BitMapHeader->SizeOfBitMap) {
        *StartingRunIndex = FromIndex;
        return 0;
    }
    s = bm_next(BitMapHeader, FromIndex, false);
    *StartingRunIndex = s;
    if (s >= BitMapHeader->SizeOfBitMap)
        return 0;
    e = bm_next(BitMapHeader, s, true);
    return e - s;
}

ULONG NTAPI RtlFindFirstRunClear(PRTL_BITMAP BitMapHeader, PULONG StartingIndex)
{
    return RtlFindNextForwardRunClear(BitMapHeader, 0, StartingIndex);
}

ULONG NTAPI RtlFindLongestRunClear(PRTL_BITMAP BitMapHeader, PULONG StartingIndex)
{
    ULONG from = 0, best = 0, best_start = 0;

    while (from < BitMapHeader->SizeOfBitMap) {
        ULONG s, n = RtlFindNextForwardRunClear(BitMapHeader, from, &s);

        if (!n)
            break;
        if (n > best) {
            best = n;
            best_start = s;
        }
        from = s + n;
    }
    *StartingIndex = best_start;
    return best;
}

ULONG NTAPI RtlFindClearRuns(PRTL_BITMAP BitMapHeader, PRTL_BITMAP_RUN RunArray,
                             ULONG SizeOfRunArray, BOOLEAN LocateLongestRuns)
{
    ULONG from = 0, found = 0;

    if (!SizeOfRunArray)
        return 0;
    while (from < BitMapHeader->SizeOfBitMap) {
        ULONG s, n = RtlFindNextForwardRunClear(BitMapHeader, from, &s), pos;

        if (!n)
            break;
        from = s + n;
        if (!LocateLongestRuns) {
            RunArray[found].StartingIndex = s;
            RunArray[found].NumberOfBits = n;
            if (++found == SizeOfRunArray)
                break;
            continue;
        }
        /* Keep the array sorted by length, longest first. */
        if (found == SizeOfRunArray && RunArray[found - 1].NumberOfBits >= n)
            continue;
        pos = found < SizeOfRunArray ? found++ : found - 1;
        while (pos > 0 && RunArray[pos - 1].NumberOfBits < n) {
            RunArray[pos] = RunArray[pos - 1];
            pos--;
        }
        RunArray[pos].StartingIndex = s;
        RunArray[pos].NumberOfBits = n;
    }
    return found;
}

CCHAR NTAPI RtlFindMostSignificantBit(ULONGLONG Set)
{
    return Set ? (CCHAR)(63 - __builtin_clzll(Set)) : -1;
}

CCHAR NTAPI RtlFindLeastSignificantBit(ULONGLONG Set)
{
    return Set ? (CCHAR)__builtin_ctzll(Set) : -1;
}

ULONG NTAPI RtlNumberOfSetBitsUlongPtr(ULONG_PTR Target)
{
    return (ULONG)__builtin_popcountll(Target);
}
