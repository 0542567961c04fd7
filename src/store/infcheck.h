/*
 * store/infcheck.h - package isolation checks on an INF, like `infverif /w`.
 *
 * The checks read a parsed INF set (the INF and what it Includes) and
 * return findings, each with the code infverif uses, its level under /w,
 * and the file:line it is about. They never change anything; the driver
 * store runs them before it accepts a package and refuses errors.
 *
 * Codes (level under /w):
 *   1001 error  no [Version] with Signature "$Windows NT$"
 *   1002 error  malformed section, missing Needs= section, Include/Needs loop
 *   1003 error  unreadable file, bad encoding, included INF not found
 *   1100 error  a CopyFiles rename, or a SourceDisksFiles subdirectory that
 *               differs from the destination's DestinationDirs subdirectory
 *   1199 error  DIRID 13 reached from a model section not decorated for
 *               NTamd64.10.0...16299 or later
 *   1235 error  a %token% with no [Strings] entry
 *   1284 error  Class=Sample is reserved (accepted with INFCHECK_SAMPLES)
 *   1296 error  a model's install section without a .Services section that
 *               adds the function driver (SPSVCINST_ASSOCSERVICE)
 *   1300 error  a .CoInstallers section (co-installers are legacy)
 *   1301 error  LogConfig (legacy resource configuration)
 *   1302 error  RegisterDlls / UnregisterDlls
 *   1303 error  UpdateInis, UpdateIniFields, Ini2Reg, ProfileItems
 *   1305 error  append to / delete from a REG_MULTI_SZ value
 *   1320 error  a registry write outside HKR
 *   1321 error  a service key written directly (HKLM\...\Services\...)
 *   1322 error  DestinationDirs other than DIRID 13
 *   1324 error  PnpLockdown=1 missing from [Version]
 *   1330 error  one destination file name copied from different sources
 *   2092 warning the legacy direct AddService of WUDFRd (use
 *               Include=WUDFRD.inf with Needs=WUDFRD.NT...)
 * Within [1300, 1303] the split between the legacy directives is
 * OpenDDK's; the rest follows infverif's published list.
 */
#ifndef DDK_STORE_INFCHECK_H
#define DDK_STORE_INFCHECK_H

#include "store/inf.h"

#define INFCHECK_SAMPLES 0x1u     /* --samples: accept Class=Sample (1284) */

struct infcheck_finding {
    char file[512];
    unsigned line;                /* 0: about the file as a whole */
    unsigned code;
    bool error;                   /* else a warning */
    char message[512];
};

struct infcheck_result {
    struct infcheck_finding *v;   /* sorted by file, line, code */
    unsigned n, cap;
    unsigned errors, warnings;
};

/*
 * The directories searched for included INFs after the INF's own one:
 * $DDK_INF_PATH if set, else OpenDDK's system INF directory. Static string.
 */
const char *infcheck_search_path(void);

/* Checks an INF file (parse errors become 1001-1003 findings). Returns
 * the number of errors; out must be zeroed or freed before. */
unsigned infcheck_file(const char *path, const char *search_path, unsigned flags,
                       struct infcheck_result *out);
/* Checks an opened set (the first file is the package's INF). */
unsigned infcheck_set(const struct inf_set *set, unsigned flags, struct infcheck_result *out);
void infcheck_free(struct infcheck_result *r);

/* `ddk-infcheck [--samples] FILE.inf...`: prints
 * `file:line: error|warning CODE: message`; exit 1 on errors, 2 on usage. */
int store_infcheck_main(int argc, char **argv);

#endif /* DDK_STORE_INFCHECK_H */
