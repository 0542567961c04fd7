/*
 * wdffileobject.h - WDF file objects (KMDF / UMDF 2). Written for OpenDDK
 * from the documented interface.
 *
 * The framework creates a WDFFILEOBJECT for every create request a device
 * accepts (when its WDF_FILEOBJECT_CONFIG says file objects are used); the
 * object lives until the close request and carries the driver's file
 * context. WDF_FILEOBJECT_CONFIG and the create/cleanup/close callbacks
 * are declared in wdfdevice.h, as in Windows.
 */
#ifndef _WDFFILEOBJECT_H_
#define _WDFFILEOBJECT_H_

WDF_DDI(PUNICODE_STRING, WdfFileObjectGetFileName, PFN_WDFFILEOBJECTGETFILENAME,
    (WDFFILEOBJECT FileObject),
    (FileObject))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(ULONG, WdfFileObjectGetFlags, PFN_WDFFILEOBJECTGETFLAGS,
    (WDFFILEOBJECT FileObject),
    (FileObject))
#endif

WDF_DDI(WDFDEVICE, WdfFileObjectGetDevice, PFN_WDFFILEOBJECTGETDEVICE,
    (WDFFILEOBJECT FileObject),
    (FileObject))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(PFILE_OBJECT, WdfFileObjectWdmGetFileObject, PFN_WDFFILEOBJECTWDMGETFILEOBJECT,
    (WDFFILEOBJECT FileObject),
    (FileObject))
#endif

WDF_DDI(ULONG, WdfFileObjectGetInitiatorProcessId, PFN_WDFFILEOBJECTGETINITIATORPROCESSID,
    (WDFFILEOBJECT FileObject),
    (FileObject))

#if defined(DDK_MODEL_UMDF) || !defined(DDK_DRIVER)
WDF_DDI(WDFFILEOBJECT, WdfFileObjectGetRelatedFileObject, PFN_WDFFILEOBJECTGETRELATEDFILEOBJECT,
    (WDFFILEOBJECT FileObject),
    (FileObject))
#endif

#endif /* _WDFFILEOBJECT_H_ */
