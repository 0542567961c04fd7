/*
 * ddk/compiler.h - OpenDDK: the MSVC-isms of driver sources, for gcc/clang.
 *
 * Calling conventions are defined once here (DDK_CALLCONV): today they are
 * the SysV ABI, but a build that wants to load PE drivers built with the
 * real WDK can switch them to __attribute__((ms_abi)) in one place.
 */
#ifndef _DDK_COMPILER_H_
#define _DDK_COMPILER_H_

#ifndef DDK_CALLCONV
#define DDK_CALLCONV
#endif

#define NTAPI       DDK_CALLCONV
#define NTAPI_INLINE DDK_CALLCONV
#define WINAPI      DDK_CALLCONV
#define APIENTRY    DDK_CALLCONV
#define CALLBACK    DDK_CALLCONV
#define STDMETHODCALLTYPE DDK_CALLCONV
#define FASTCALL    DDK_CALLCONV
#define NTSYSCALLAPI DDK_EXPORT
#define NTSYSAPI    DDK_EXPORT
#define NTKERNELAPI DDK_EXPORT
#define NTHALAPI    DDK_EXPORT
#define NTSTRSAFEDDI static inline NTSTATUS
#define WDFAPI      DDK_CALLCONV
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __fastcall
#define __fastcall
#endif
#ifndef _cdecl
#define _cdecl
#endif
#define __thiscall
#define __vectorcall
#define __clrcall
#define CDECL

/* Symbols of the executive that drivers resolve at load time. */
#define DDK_EXPORT __attribute__((visibility("default")))

#ifdef __cplusplus
#define EXTERN_C extern "C"
#define EXTERN_C_START extern "C" {
#define EXTERN_C_END }
#else
#define EXTERN_C extern
#define EXTERN_C_START
#define EXTERN_C_END
#endif

#define FORCEINLINE static inline __attribute__((always_inline))
#define __forceinline inline __attribute__((always_inline))
#ifndef __inline
#define __inline inline
#endif
#define DECLSPEC_NOINLINE __attribute__((noinline))
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#define DECLSPEC_CACHEALIGN DECLSPEC_ALIGN(64)
#define DECLSPEC_SELECTANY __attribute__((weak))
#define DECLSPEC_IMPORT
#define DECLSPEC_EXPORT DDK_EXPORT
#define DECLSPEC_NOTHROW
#define DECLSPEC_NOVTABLE
#define DECLSPEC_UUID(x)
#define DECLSPEC_DEPRECATED __attribute__((deprecated))
#define DECLSPEC_DEPRECATED_DDK
#define DECLSPEC_DEPRECATED_DDK_WINXP
#define DECLSPEC_GUARDNOCF
#define DECLSPEC_GUARD_SUPPRESS
#define DECLSPEC_ADDRSAFE
#define DECLSPEC_SAFEBUFFERS
#define DECLSPEC_RESTRICT
#define DECLSPEC_ALLOCATOR
#define DECLSPEC_CHPE_GUEST
#define DECLSPEC_NOSANITIZE_ADDRESS
#define __declspec(x) __ddk_declspec_##x
#define __ddk_declspec_noinline __attribute__((noinline))
#define __ddk_declspec_noreturn __attribute__((noreturn))
#define __ddk_declspec_selectany __attribute__((weak))
#define __ddk_declspec_dllexport __attribute__((visibility("default")))
#define __ddk_declspec_dllimport
#define __ddk_declspec_restrict
#define __ddk_declspec_novtable
#define __ddk_declspec_nothrow
#define __ddk_declspec_naked
#define __ddk_declspec_deprecated __attribute__((deprecated))
#define __ddk_declspec_align(x) __attribute__((aligned(x)))
#define __ddk_declspec_allocate(x)
#define __ddk_declspec_code_seg(x)
#define __ddk_declspec_uuid(x)
#define __ddk_declspec_thread __thread
#define __ddk_declspec_noalias
#define __ddk_declspec_safebuffers
#define __ddk_declspec_allocator
#define __ddk_declspec_empty_bases
#define __ddk_declspec_no_sanitize_address __attribute__((no_sanitize_address))
#define __ddk_declspec_no_init_all
#define __ddk_declspec_guard(x)
#define __ddk_declspec_spectre(x)
#define __ddk_declspec_process
#define __ddk_declspec_appdomain
#define __ddk_declspec_jitintrinsic
#define DECLSPEC_NOINITALL
#define __w64
#define _W64
#define __sptr
#define __uptr
#define __unaligned
#define UNALIGNED
#define UNALIGNED64
#define __ptr64
#define __ptr32
#define POINTER_64
#define POINTER_32
#define FIRMWARE_PTR
#define RESTRICTED_POINTER
#define __restrict__ __restrict
#define CONST const
#define ANYSIZE_ARRAY 1
#define C_ASSERT(e) _Static_assert(e, #e)
#define STATIC_ASSERT(e) _Static_assert(e, #e)

/* #pragma-in-a-macro; MSVC pragmas gcc does not know are harmless. */
#define __pragma(x) _Pragma(#x)

#define __assume(e) ((void)0)
#define __noop(...) ((void)0)
/* int3, not a trap instruction: a debugger stops and can go on, as with
 * a breakpoint on Windows; without one the process dies of SIGTRAP. */
#if defined(__x86_64__) || defined(__i386__)
#define __debugbreak() __asm__ __volatile__("int3")
#else
#define __debugbreak() __builtin_trap()
#endif
#define __annotation(...) ((void)0)
/* Fail-fast is bug check 0x139, which RtlFailFast (ddk/rtl_list.h) is. */
#define __fastfail(code) RtlFailFast(code)
#define _alloca(n) __builtin_alloca(n)
#define __nop() __asm__ __volatile__("nop")
#define _ReturnAddress() __builtin_return_address(0)
#define _AddressOfReturnAddress() __builtin_frame_address(0)
#define __FUNCTION__ __func__
#define __FUNCDNAME__ __func__
#define __FUNCSIG__ __func__
#define _countof(a) (sizeof(a) / sizeof((a)[0]))

#define DEFINE_ENUM_FLAG_OPERATORS(T)

/* Drivers guard their #pragma alloc_text blocks with these (the WDK
 * defines them for every architecture it targets); gcc ignores the
 * pragmas themselves. */
#ifndef ALLOC_PRAGMA
#define ALLOC_PRAGMA 1
#endif
#ifndef ALLOC_DATA_PRAGMA
#define ALLOC_DATA_PRAGMA 1
#endif

/* Compiler intrinsics of MSVC that driver code calls directly; the
 * Windows types are not defined yet here, so the signatures use the C
 * types they are on x64 (ULONG = unsigned int, ULONG64 = unsigned long
 * long). Bit scans, _bittest and byte swaps are in ddk/rtl.h;
 * interlocked operations are not compiler business here either. */
static inline __attribute__((always_inline)) unsigned char
_bittestandset(int *Base, int Offset)
{
    unsigned int *w = (unsigned int *)Base + (Offset >> 5), bit = 1u << (Offset & 31);
    unsigned char old = (*w & bit) != 0;
    *w |= bit;
    return old;
}
static inline __attribute__((always_inline)) unsigned char
_bittestandreset(int *Base, int Offset)
{
    unsigned int *w = (unsigned int *)Base + (Offset >> 5), bit = 1u << (Offset & 31);
    unsigned char old = (*w & bit) != 0;
    *w &= ~bit;
    return old;
}
static inline __attribute__((always_inline)) unsigned char
_bittestandcomplement(int *Base, int Offset)
{
    unsigned int *w = (unsigned int *)Base + (Offset >> 5), bit = 1u << (Offset & 31);
    unsigned char old = (*w & bit) != 0;
    *w ^= bit;
    return old;
}
static inline __attribute__((always_inline)) unsigned char
_bittestandset64(long long *Base, long long Offset)
{
    unsigned long long *w = (unsigned long long *)Base + (Offset >> 6), bit = 1ull << (Offset & 63);
    unsigned char old = (*w & bit) != 0;
    *w |= bit;
    return old;
}
static inline __attribute__((always_inline)) unsigned char
_bittestandreset64(long long *Base, long long Offset)
{
    unsigned long long *w = (unsigned long long *)Base + (Offset >> 6), bit = 1ull << (Offset & 63);
    unsigned char old = (*w & bit) != 0;
    *w &= ~bit;
    return old;
}
static inline __attribute__((always_inline)) unsigned int _rotl(unsigned int v, int s)
{ s &= 31; return s ? (v << s) | (v >> (32 - s)) : v; }
static inline __attribute__((always_inline)) unsigned int _rotr(unsigned int v, int s)
{ s &= 31; return s ? (v >> s) | (v << (32 - s)) : v; }
static inline __attribute__((always_inline)) unsigned long long _rotl64(unsigned long long v, int s)
{ s &= 63; return s ? (v << s) | (v >> (64 - s)) : v; }
static inline __attribute__((always_inline)) unsigned long long _rotr64(unsigned long long v, int s)
{ s &= 63; return s ? (v >> s) | (v << (64 - s)) : v; }
static inline __attribute__((always_inline)) unsigned char _rotl8(unsigned char v, unsigned char s)
{ s &= 7; return (unsigned char)(s ? (v << s) | (v >> (8 - s)) : v); }
static inline __attribute__((always_inline)) unsigned char _rotr8(unsigned char v, unsigned char s)
{ s &= 7; return (unsigned char)(s ? (v >> s) | (v << (8 - s)) : v); }
static inline __attribute__((always_inline)) unsigned short _rotl16(unsigned short v, unsigned char s)
{ s &= 15; return (unsigned short)(s ? (v << s) | (v >> (16 - s)) : v); }
static inline __attribute__((always_inline)) unsigned short _rotr16(unsigned short v, unsigned char s)
{ s &= 15; return (unsigned short)(s ? (v >> s) | (v << (16 - s)) : v); }
#define _lrotl(v, s) _rotl((v), (s))
#define _lrotr(v, s) _rotr((v), (s))
#define __popcnt16(x) ((unsigned short)__builtin_popcount((unsigned short)(x)))
#define __popcnt(x) ((unsigned int)__builtin_popcount(x))
#define __popcnt64(x) ((unsigned long long)__builtin_popcountll(x))
#define __lzcnt16(x) ((unsigned short)((unsigned short)(x) ? __builtin_clz((unsigned short)(x)) - 16 : 16))
#define __lzcnt(x) ((unsigned int)((unsigned int)(x) ? __builtin_clz(x) : 32))
#define __lzcnt64(x) ((unsigned long long)((unsigned long long)(x) ? __builtin_clzll(x) : 64))

#define RotateLeft8 _rotl8
#define RotateLeft16 _rotl16
#define RotateLeft32 _rotl
#define RotateLeft64 _rotl64
#define RotateRight8 _rotr8
#define RotateRight16 _rotr16
#define RotateRight32 _rotr
#define RotateRight64 _rotr64

/* The Windows version a driver is built for (NTDDI_VERSION, ...), and
 * DEFINE_GUID. */
#include <sdkddkver.h>
#include <guiddef.h>

#endif /* _DDK_COMPILER_H_ */
