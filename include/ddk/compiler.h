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
#define __debugbreak() __builtin_trap()
#define __nop() __asm__ __volatile__("nop")
#define _ReturnAddress() __builtin_return_address(0)
#define _AddressOfReturnAddress() __builtin_frame_address(0)
#define __FUNCTION__ __func__
#define _countof(a) (sizeof(a) / sizeof((a)[0]))

#define DEFINE_ENUM_FLAG_OPERATORS(T)
#define BitScanForward(i, m) _BitScanForward(i, m)

#endif /* _DDK_COMPILER_H_ */
