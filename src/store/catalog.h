/*
 * store/catalog.h - signing keys, trusted publishers, test signing and
 * package catalogs: how the driver store decides whether a package's
 * files are the ones its publisher signed.
 *
 * A package is a directory holding one INF and the files it names. Its
 * catalog (the file [Version] CatalogFile= names, in that directory) is
 * OpenDDK's own text format, one record per line, LF line ends:
 *
 *     OpenDDK-Catalog 1
 *     inf ddkecho.inf
 *     signer ed25519:<64 hex digits: the Ed25519 public key>
 *     file <64 hex digits: SHA-256> <name>        (one per package file)
 *     signature ed25519:<128 hex digits>
 *
 * "file" lines list every regular file below the package directory except
 * the catalog itself, the INF included, by its path relative to the
 * package ('/' between components), sorted by byte value; a name has no
 * control characters, no "." or ".." component and no leading '/'. The
 * signature is Ed25519 (libsodium crypto_sign_detached) over every byte
 * of the catalog before the "signature" line. Ed25519 is deterministic:
 * signing the same files with the same key gives the same catalog.
 *
 * Verification refuses, with a one-line reason: a missing or malformed
 * catalog, a signature that does not verify, a catalog made for another
 * INF, a file whose hash differs (naming it), a file the catalog lists
 * that is missing, a file present that the catalog does not list, and a
 * signer that is not a trusted publisher. Test signing (`ddk config set
 * testsigning on`) relaxes exactly the last rule, as Windows does with
 * test-signed drivers: a package signed by any key is accepted (and
 * recorded as test-signed), but an unsigned, tampered or incomplete one is
 * still refused.
 *
 * Trusted publishers live in the registry, under
 * \Registry\Machine\Software\OpenDDK\TrustedPublisher\<hex public key>
 * (value PublicKey, REG_BINARY): the registry is the machine's
 * transactional configuration store under the state root (Windows keeps
 * its TrustedPublisher certificate store in the registry too), so adding a
 * publisher is atomic and belongs to the root it was added to. Test
 * signing is the REG_DWORD TestSigning under
 * \Registry\Machine\Software\OpenDDK\CodeIntegrity.
 *
 * Key files: a secret key file is "OpenDDK-Ed25519-Secret 1\n<128 hex>\n"
 * (libsodium's 64-byte secret key: seed and public key), created 0600 and
 * never overwritten; its public key goes next to it in FILE.pub as one line
 * "ed25519:<64 hex>\n". Wherever a public key is asked for, either that
 * text or the path of a file holding it (a .pub or a secret key file)
 * is accepted.
 */
#ifndef DDK_STORE_CATALOG_H
#define DDK_STORE_CATALOG_H

#include <wdm.h>
#include <stdbool.h>
#include <stddef.h>

#define STORE_REASON_MAX 512
#define STORE_PK_BYTES 32
#define STORE_SK_BYTES 64
#define STORE_PK_TEXT 73            /* "ed25519:" + 64 hex + NUL */
#define STORE_CATALOG_MAGIC "OpenDDK-Catalog 1"

/* libsodium's initialization (idempotent, thread-safe). */
NTSTATUS store_crypto_init(void);

/* ---- keys ----------------------------------------------------------- */

/* Creates a new key pair: path (0600, refused if it exists) and path.pub. */
NTSTATUS store_key_new(const char *path, char *reason);
NTSTATUS store_key_load_secret(const char *path, unsigned char sk[STORE_SK_BYTES],
                               char *reason);
/* "ed25519:<hex>" text, or a file holding it (or a secret key file). */
NTSTATUS store_pubkey_parse(const char *text_or_path, unsigned char pk[STORE_PK_BYTES],
                            char *reason);
void store_pubkey_format(const unsigned char pk[STORE_PK_BYTES], char out[STORE_PK_TEXT]);

/* ---- trust and test signing (registry) ------------------------------ */

NTSTATUS store_trust_add(const unsigned char pk[STORE_PK_BYTES]);
/* STATUS_NOT_FOUND when it was not trusted. */
NTSTATUS store_trust_remove(const unsigned char pk[STORE_PK_BYTES]);
bool store_trust_is_trusted(const unsigned char pk[STORE_PK_BYTES]);
/* The index-th trusted key; STATUS_NO_MORE_ENTRIES past the end. */
NTSTATUS store_trust_enum(unsigned index, unsigned char pk[STORE_PK_BYTES]);

NTSTATUS store_testsigning_set(bool on);
bool store_testsigning_get(void);

/* ---- packages and catalogs ------------------------------------------ */

struct store_file {
    char *name;                       /* relative, '/'-separated */
    unsigned char sha256[32];
};

/* A package directory as found on disk. */
struct store_package {
    char dir[4096];
    char inf_name[256];               /* the one *.inf at the top */
    char catalog_name[256];           /* from CatalogFile= ("" if none) */
    struct store_file *files;         /* sorted; the catalog excluded */
    unsigned nfiles;
};

/*
 * Reads a package: path is its directory or its INF. Finds the INF (one
 * *.inf at the top of the directory, or the one named), reads CatalogFile
 * (CatalogFile.NTamd64 first) from it, and hashes every regular file
 * except the catalog. Refuses symbolic links and special files.
 */
NTSTATUS store_package_read(const char *path, struct store_package *pkg, char *reason);
void store_package_free(struct store_package *pkg);

/* Writes pkg's catalog, signed with sk (atomically: temporary + rename). */
NTSTATUS store_catalog_sign(const struct store_package *pkg,
                            const unsigned char sk[STORE_SK_BYTES], char *reason);

enum store_signer { STORE_SIGNER_TRUSTED = 1, STORE_SIGNER_TEST = 2 };

struct store_verdict {
    enum store_signer signer;         /* set on success */
    unsigned char pk[STORE_PK_BYTES]; /* the catalog's signer */
    unsigned char catalog_sha256[32]; /* identifies the signed package */
};

/*
 * Verifies pkg against its catalog (see the rules above). testsigning:
 * accept a signer that is not trusted. STATUS_INVALID_IMAGE_HASH with a
 * one-line reason on refusal.
 */
NTSTATUS store_catalog_verify(const struct store_package *pkg, bool testsigning,
                              struct store_verdict *v, char *reason);

/* SHA-256 of a file (for copies and re-checks). */
NTSTATUS store_file_sha256(int dirfd, const char *name, unsigned char out[32]);
void store_hex(const unsigned char *b, size_t n, char *out);

#endif /* DDK_STORE_CATALOG_H */
