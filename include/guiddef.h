/*
 * guiddef.h - OpenDDK: DEFINE_GUID, as the WDK's guiddef.h defines it.
 *
 * DEFINE_GUID(name, l, w1, w2, b1..b8) declares `name` (extern const
 * GUID) unless INITGUID is defined where it is expanded, in which case it
 * defines it. Like __declspec(selectany) on Windows, the definition is
 * weak: two translation units that both include <initguid.h> before the
 * same header do not collide. The GUID type comes from ntdef.h; the
 * macros only need it where they are used. IsEqualGUID and friends are
 * in ddk/rtl.h.
 */
#ifndef _DDK_GUIDDEF_H_
#define _DDK_GUIDDEF_H_

#define DDK_GUID_INITIALIZER_(l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    { (l), (w1), (w2), { (b1), (b2), (b3), (b4), (b5), (b6), (b7), (b8) } }

#undef DEFINE_GUID
#ifdef INITGUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)         \
    const GUID __attribute__((weak)) name =                                \
        DDK_GUID_INITIALIZER_(l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)         \
    extern const GUID name
#endif

#define DEFINE_OLEGUID(name, l, w1, w2) \
    DEFINE_GUID(name, l, w1, w2, 0xC0, 0, 0, 0, 0, 0, 0, 0x46)

/* The GUIDs of the system headers (wdmguid.h, devguid.h) are always
 * defined where the header is included, weak, so a driver that uses one
 * without INITGUID links as it does against wdmguid.lib on Windows. */
#define DDK_SYSTEM_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)     \
    extern const GUID name;                                                \
    const GUID __attribute__((weak)) name =                                \
        DDK_GUID_INITIALIZER_(l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)

#endif /* _DDK_GUIDDEF_H_ */
