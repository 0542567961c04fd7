/*
 * store/driverstore.h - the driver store: validated, signed driver
 * packages copied under the state root and published as oemN.inf, the
 * way pnputil /add-driver, /enum-drivers and /delete-driver work.
 *
 * On disk (ROOT = krnl_root()):
 *   ROOT/DriverStore/FileRepository/<inf>_amd64_<hash>/  the package,
 *       read-only (files 0444, directories 0555); <inf> is the INF's
 *       name in lower case, <hash> the first 16 hex digits of the SHA-256
 *       of its catalog (which names every file's hash: identical packages
 *       get the same directory).
 *   ROOT/DriverStore/Temp/       copies being made, removed by recovery
 *   ROOT/DriverStore/store.lock  flock'ed by every operation: one at a time
 *                                across processes; released by a kill
 * In the registry (one transaction per add or delete):
 *   \Registry\Machine\System\DriverDatabase\DriverPackages\<pkgid>
 *       InfName, PublishedName, Provider, Class, ClassGuid, DriverVer,
 *       CatalogFile, Signer ("ed25519:<hex>"), SignatureState ("trusted"
 *       or "test"), Directory
 *   \Registry\Machine\System\DriverDatabase\DriverInfFiles\oemN.inf
 *       (default) REG_MULTI_SZ <pkgid>; Active REG_SZ <pkgid>
 *
 * Crash safety: an add copies into Temp, fsyncs every file and directory,
 * renames the copy into FileRepository, then commits the registry
 * transaction; a delete commits the registry first, then moves the
 * directory back to Temp and removes it. So a package is published exactly
 * when its registry record exists, and then its directory is complete.
 * Every operation starts with recovery (under the lock): whatever is in
 * Temp goes, and so does any FileRepository directory without a record.
 * A SIGKILL at any point therefore leaves the package fully published or
 * not at all, and the next operation cleans up after it.
 *
 * Test hook: $DDK_STORE_TEST_PAUSE_US makes an add sleep that many
 * microseconds between its steps, so that the kill test's random kills
 * land in every step.
 */
#ifndef DDK_STORE_DRIVERSTORE_H
#define DDK_STORE_DRIVERSTORE_H

#include "store/catalog.h"

struct store_pkg_info {
    char published[32];               /* "oem3.inf" */
    char pkgid[300];                  /* "ddkecho.inf_amd64_0123456789abcdef" */
    char inf_name[256];               /* original name, as written */
    char provider[256];
    char class_name[128];
    char class_guid[64];
    char driver_ver[128];
    char catalog[256];
    char signer[STORE_PK_TEXT];
    char signature[16];               /* "trusted" or "test" */
    char dir[4400];                   /* the package in FileRepository */
};

#define STORE_ADD_SAMPLES 0x1u        /* accept Class=Sample (infcheck 1284) */

/* Non-fatal findings (infcheck warnings) as one line each. */
typedef void (*store_note_fn)(void *ctx, const char *line);

/*
 * Adds the package at path (its directory or its INF). On success
 * info->published names it; *existed tells a no-op re-add of an identical
 * package. On refusal returns an error status and a one-line reason.
 */
NTSTATUS store_driver_add(const char *path, unsigned flags, store_note_fn note, void *ctx,
                          struct store_pkg_info *info, bool *existed, char *reason);

/* The published packages, ordered by N of oemN.inf. *out is malloc'ed. */
NTSTATUS store_driver_list(struct store_pkg_info **out, unsigned *n);

/* One published package by name (oemN.inf, case-insensitive). */
NTSTATUS store_driver_find(const char *published, struct store_pkg_info *info);

/*
 * Removes a published package. Refused (STATUS_DEVICE_BUSY) while
 * devices use it unless force, which removes those devices first — through
 * the in-use hook below (the PnP manager's; until it exists no device can
 * use a package and the check passes).
 */
NTSTATUS store_driver_delete(const char *published, bool force, char *reason);

/*
 * The PnP manager's hook: how many devices use package pkgid; with
 * remove, it removes them and returns how many are left. NULL: none.
 */
typedef unsigned (*store_in_use_fn)(const char *pkgid, bool remove);
void store_set_in_use_hook(store_in_use_fn fn);

/*
 * The loader's re-check before it maps a driver module: when path lies in
 * ROOT/DriverStore/FileRepository/<package>/, the package is verified
 * again against its catalog (every file's hash, the signature, and the
 * signer's trust under the current test-signing setting: a test-signed
 * driver stops loading when test signing is turned off, as on Windows).
 * Paths outside the store (tests, the demo) are not the store's business:
 * STATUS_SUCCESS and *in_store false. Refusal: STATUS_INVALID_IMAGE_HASH
 * with a one-line reason.
 */
NTSTATUS store_verify_image(const char *path, bool *in_store, char *reason);

/* Recovery alone (every operation above runs it first). */
NTSTATUS store_recover(void);

#endif /* DDK_STORE_DRIVERSTORE_H */
