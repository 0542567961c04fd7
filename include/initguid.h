/*
 * initguid.h - OpenDDK: makes every later DEFINE_GUID in this translation
 * unit a definition (weak, like __declspec(selectany)) instead of a
 * declaration. Include it before the headers whose GUIDs this file
 * should define (a driver's public.h, wdmguid.h, ...).
 */
#ifndef INITGUID
#define INITGUID
#endif
#include <guiddef.h>
#undef DEFINE_GUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)         \
    const GUID __attribute__((weak)) name =                                \
        DDK_GUID_INITIALIZER_(l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)
