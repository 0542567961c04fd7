/*
 * se/sep.h - private to the security layer.
 */
#ifndef DDK_SEP_H
#define DDK_SEP_H

#include "se/se.h"

#ifndef STATUS_ALLOTTED_SPACE_EXCEEDED
#define STATUS_ALLOTTED_SPACE_EXCEEDED ((NTSTATUS)0xC0000099L)
#endif

/* A descriptor taken apart (pointers into it). */
struct se_sd_parts {
    SECURITY_DESCRIPTOR_CONTROL control;
    PSID owner, group;
    PACL sacl, dacl;
};

BOOLEAN se_sid_fits(const void *p, ULONG avail);
BOOLEAN se_acl_fits(const ACL *acl, ULONG avail);
BOOLEAN se_sd_parts(PSECURITY_DESCRIPTOR sd, ULONG avail, struct se_sd_parts *out);
ULONG se_sd_length(const struct se_sd_parts *p);
void se_sd_write(const struct se_sd_parts *p, void *buf);

#endif /* DDK_SEP_H */
