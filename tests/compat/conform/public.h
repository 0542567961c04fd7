/*
 * public.h - the interface a sample driver shares with its applications,
 * spelled the way WDK samples spell it.
 */
#pragma once

//
// Device interface GUID: {5d8f2a41-6c1e-4b7a-9a3f-0e5c1d2b7f60}
// (made up for this test). Defined in the one file that includes
// <initguid.h> first, declared everywhere else.
//
DEFINE_GUID(GUID_DEVINTERFACE_CONFORM,
    0x5d8f2a41, 0x6c1e, 0x4b7a, 0x9a, 0x3f, 0x0e, 0x5c, 0x1d, 0x2b, 0x7f, 0x60);

#define CONFORM_DEVICE_TYPE 0x8000
#define IOCTL_CONFORM_PING  0x80002000   // CTL_CODE(0x8000, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
