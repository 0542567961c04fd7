/*
 * wdfcontrol.h - Windows Driver Frameworks: control (non-PnP) devices.
 */
#ifndef _WDFCONTROL_H_
#define _WDFCONTROL_H_

WDF_DDI(PWDFDEVICE_INIT, WdfControlDeviceInitAllocate, PFN_WDFCONTROLDEVICEINITALLOCATE,
        (WDFDRIVER Driver, CONST UNICODE_STRING *SDDLString), (Driver, SDDLString))
WDF_DDI_VOID(WdfControlDeviceInitSetShutdownNotification,
             PFN_WDFCONTROLDEVICEINITSETSHUTDOWNNOTIFICATION,
             (PWDFDEVICE_INIT DeviceInit, PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION Notification,
              UCHAR Flags),
             (DeviceInit, Notification, Flags))
WDF_DDI_VOID(WdfControlFinishInitializing, PFN_WDFCONTROLFINISHINITIALIZING,
             (WDFDEVICE Device), (Device))

#endif /* _WDFCONTROL_H_ */
