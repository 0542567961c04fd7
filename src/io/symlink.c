/*
 * symlink.c - symbolic links of the I/O manager.
 *
 * A link is an object-manager symbolic link object (ob keeps the
 * namespace; \DosDevices and \?? are links to \GLOBAL??, so a link made as
 * \DosDevices\X is what \\.\X reaches). Links made here are permanent until
 * IoDeleteSymbolicLink, as on Windows.
 *
 * Protected vs unprotected: Windows gives a link made by
 * IoCreateSymbolicLink a security descriptor that only the system may
 * change, and IoCreateUnprotectedSymbolicLink one anybody may delete.
 * Only kernel-mode code can create or delete links here, so both are the
 * same object today; the difference matters once user mode can reach the
 * namespace (a documented difference, to carry into docs/architecture.md).
 */
#include <wdm.h>
#include "io/iodev.h"
#include "ke/ke.h"

static NTSTATUS io_symlink_create(PUNICODE_STRING link, PUNICODE_STRING target)
{
    if (!link || !target || !link->Buffer || !target->Buffer || !link->Length ||
        !target->Length || (link->Length & 1) || (target->Length & 1))
        return STATUS_INVALID_PARAMETER;
    io_iodev_init();
    return io_ob_symlink_create(link->Buffer, link->Length / sizeof(WCHAR), target->Buffer,
                                target->Length / sizeof(WCHAR));
}

NTKERNELAPI NTSTATUS NTAPI IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName,
                                                PUNICODE_STRING DeviceName)
{
    ke_check_irql_max(PASSIVE_LEVEL, "IoCreateSymbolicLink");
    return io_symlink_create(SymbolicLinkName, DeviceName);
}

NTKERNELAPI NTSTATUS NTAPI IoCreateUnprotectedSymbolicLink(PUNICODE_STRING SymbolicLinkName,
                                                           PUNICODE_STRING DeviceName)
{
    ke_check_irql_max(PASSIVE_LEVEL, "IoCreateUnprotectedSymbolicLink");
    return io_symlink_create(SymbolicLinkName, DeviceName);
}

NTKERNELAPI NTSTATUS NTAPI IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName)
{
    ke_check_irql_max(PASSIVE_LEVEL, "IoDeleteSymbolicLink");
    if (!SymbolicLinkName || !SymbolicLinkName->Buffer || !SymbolicLinkName->Length ||
        (SymbolicLinkName->Length & 1))
        return STATUS_INVALID_PARAMETER;
    io_iodev_init();
    return io_ob_symlink_delete(SymbolicLinkName->Buffer,
                                SymbolicLinkName->Length / sizeof(WCHAR));
}
