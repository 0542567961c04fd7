/*
 * wdfstring.h - Windows Driver Frameworks: string objects.
 */
#ifndef _WDFSTRING_H_
#define _WDFSTRING_H_

WDF_DDI(NTSTATUS, WdfStringCreate, PFN_WDFSTRINGCREATE,
        (PCUNICODE_STRING UnicodeString, PWDF_OBJECT_ATTRIBUTES StringAttributes,
         WDFSTRING *String),
        (UnicodeString, StringAttributes, String))
WDF_DDI_VOID(WdfStringGetUnicodeString, PFN_WDFSTRINGGETUNICODESTRING,
             (WDFSTRING String, PUNICODE_STRING UnicodeString), (String, UnicodeString))


#endif /* _WDFSTRING_H_ */
