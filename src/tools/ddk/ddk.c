/*
 * ddk - OpenDDK's administration command (issue 6 grows it).
 *
 * Conventions every subcommand follows: `ddk [--root DIR] <command>
 * [<subcommand>] [options] [arguments]`; the state root is --root, else
 * $DDK_ROOT, else $XDG_DATA_HOME/openddk (krnl_root); tables have --json;
 * exit status 0 on success, 1 on failure with one line "ddk: <reason>" on
 * stderr, 2 on a usage error (with the usage on stderr); `ddk --help` and
 * `ddk <command> --help` print usage on stdout and exit 0.
 *
 * The work is done by the executive's store layer (src/store); this file
 * only parses arguments and prints.
 */
#define _GNU_SOURCE
#include "store/catalog.h"
#include "store/driverstore.h"
#include "store/infcheck.h"
#include "krnl/krnl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static const char usage_main[] =
    "usage: ddk [--root DIR] <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  driver add PATH [--samples]       add a driver package to the driver store\n"
    "  driver list [--json]              list the published packages\n"
    "  driver delete oemN.inf [--force]  remove a package from the driver store\n"
    "  sign --key KEY PACKAGE_DIR        write the package's signed catalog\n"
    "  key new [--out FILE]              create an Ed25519 signing key pair\n"
    "  trust add|remove PUBKEY           trust (or stop trusting) a publisher key\n"
    "  trust list [--json]               list the trusted publisher keys\n"
    "  config set testsigning on|off     accept packages signed by untrusted keys\n"
    "  config get testsigning\n"
    "  infcheck [--samples] [--json] FILE.inf...  package isolation checks (infverif /w)\n"
    "\n"
    "options:\n"
    "  --root DIR   state root (default: $DDK_ROOT, else $XDG_DATA_HOME/openddk)\n"
    "  --help       this text; `ddk <command> --help` for one command\n"
    "\n"
    "Exit status: 0 success, 1 failure (reason on stderr), 2 usage error.\n";

static const char usage_driver[] =
    "usage: ddk driver add PATH [--samples]\n"
    "       ddk driver list [--json]\n"
    "       ddk driver delete oemN.inf [--force]\n"
    "\n"
    "add     validates the package (its INF, the package isolation checks,\n"
    "        its catalog and signature), copies it into the driver store and\n"
    "        publishes it; prints the published name (oemN.inf) last.\n"
    "        Adding an identical package again prints the same name.\n"
    "        --samples accepts Class=Sample (as Microsoft's sample builds do).\n"
    "list    the published packages; --json for a machine-readable array.\n"
    "delete  removes a published package; refused while devices use it\n"
    "        unless --force, which removes those devices first.\n";

static const char usage_sign[] =
    "usage: ddk sign --key KEY PACKAGE_DIR\n"
    "\n"
    "Writes the catalog named by the INF's CatalogFile=: the SHA-256 of every\n"
    "file of the package, signed with the Ed25519 secret key in KEY.\n";

static const char usage_key[] =
    "usage: ddk key new [--out FILE]\n"
    "\n"
    "Creates an Ed25519 key pair: FILE (the secret key, mode 0600) and\n"
    "FILE.pub (the public key, for `ddk trust add`). Default FILE:\n"
    "ROOT/keys/signing.key. Existing files are never overwritten.\n";

static const char usage_trust[] =
    "usage: ddk trust add PUBKEY\n"
    "       ddk trust remove PUBKEY\n"
    "       ddk trust list [--json]\n"
    "\n"
    "PUBKEY is \"ed25519:<64 hex digits>\" or a file holding it (a .pub file\n"
    "or a secret key file). Trusted publishers are kept in the registry under\n"
    "HKLM\\Software\\OpenDDK\\TrustedPublisher.\n";

static const char usage_config[] =
    "usage: ddk config set testsigning on|off\n"
    "       ddk config get testsigning\n"
    "\n"
    "testsigning on: packages signed by a key that is not trusted are\n"
    "accepted (recorded as test-signed), as Windows does in test mode.\n"
    "Unsigned or altered packages are still refused.\n";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
    va_list ap;
    fputs("ddk: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_FAILURE;
}

static int usage(const char *text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage(const char *text, const char *fmt, ...)
{
    if (fmt) {
        va_list ap;
        fputs("ddk: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    fputs(text, stderr);
    return EXIT_USAGE;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return true;
    return false;
}

/* Splits argv into flags we know and positional arguments. Returns false
 * (and prints usage) on an unknown option. */
struct opts {
    bool json, force, samples;
    const char *key, *out;
    const char *pos[8];
    int npos;
};

static int parse_opts(int argc, char **argv, const char *allowed, const char *text, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1] || !strcmp(a, "--") ) {
            if (!strcmp(a, "--")) {
                for (i++; i < argc; i++)
                    if (o->npos < 8)
                        o->pos[o->npos++] = argv[i];
                break;
            }
            if (o->npos >= 8)
                return usage(text, "too many arguments");
            o->pos[o->npos++] = a;
            continue;
        }
        const char *name = a + 2;
        if (a[1] != '-' || !strstr(allowed, name) || !*name)
            return usage(text, "unknown option %s", a);
        if (!strcmp(name, "json"))
            o->json = true;
        else if (!strcmp(name, "force"))
            o->force = true;
        else if (!strcmp(name, "samples"))
            o->samples = true;
        else if (!strcmp(name, "key") || !strcmp(name, "out")) {
            if (i + 1 >= argc)
                return usage(text, "%s needs a value", a);
            *(!strcmp(name, "key") ? &o->key : &o->out) = argv[++i];
        } else {
            return usage(text, "unknown option %s", a);
        }
    }
    return 0;
}

static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

/* ---- driver --------------------------------------------------------- */

static void print_note(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

static int cmd_driver(int argc, char **argv)
{
    struct opts o;
    char reason[STORE_REASON_MAX] = "";
    NTSTATUS st;
    int rc;

    if (argc < 1)
        return usage(usage_driver, "driver: which subcommand?");
    if (wants_help(argc, argv)) {
        fputs(usage_driver, stdout);
        return 0;
    }
    if (!strcmp(argv[0], "add")) {
        struct store_pkg_info info;
        bool existed;
        if ((rc = parse_opts(argc - 1, argv + 1, "samples", usage_driver, &o)))
            return rc;
        if (o.npos != 1)
            return usage(usage_driver, "driver add: one package path expected");
        st = store_driver_add(o.pos[0], o.samples ? STORE_ADD_SAMPLES : 0, print_note, NULL,
                              &info, &existed, reason);
        if (!NT_SUCCESS(st))
            return fail("%s", reason[0] ? reason : "cannot add the package");
        if (existed)
            fprintf(stderr, "ddk: %s is already in the driver store as %s\n", o.pos[0],
                    info.published);
        else if (!strcmp(info.signature, "test"))
            fprintf(stderr, "ddk: warning: %s is test-signed (testsigning is on)\n",
                    info.published);
        printf("%s\n", info.published);
        return 0;
    }
    if (!strcmp(argv[0], "list")) {
        struct store_pkg_info *v;
        unsigned n;
        if ((rc = parse_opts(argc - 1, argv + 1, "json", usage_driver, &o)))
            return rc;
        if (o.npos)
            return usage(usage_driver, "driver list takes no arguments");
        st = store_driver_list(&v, &n);
        if (!NT_SUCCESS(st))
            return fail("cannot read the driver store (0x%08x)", (unsigned)st);
        if (o.json) {
            printf("[");
            for (unsigned i = 0; i < n; i++) {
                const struct { const char *k, *v; } f[] = {
                    { "publishedName", v[i].published }, { "originalName", v[i].inf_name },
                    { "provider", v[i].provider }, { "className", v[i].class_name },
                    { "classGuid", v[i].class_guid }, { "driverVersion", v[i].driver_ver },
                    { "catalogFile", v[i].catalog }, { "signer", v[i].signer },
                    { "signature", v[i].signature }, { "packageId", v[i].pkgid },
                    { "directory", v[i].dir },
                };
                printf("%s\n  {", i ? "," : "");
                for (size_t j = 0; j < sizeof(f) / sizeof(f[0]); j++) {
                    printf("%s", j ? ", " : "");
                    json_str(f[j].k);
                    printf(": ");
                    json_str(f[j].v);
                }
                printf("}");
            }
            printf("%s]\n", n ? "\n" : "");
        } else if (n == 0) {
            printf("No driver packages are published.\n");
        } else {
            printf("%-14s %-20s %-16s %-12s %-24s %s\n", "Published Name", "Original Name",
                   "Provider", "Class", "Driver Version", "Signature");
            for (unsigned i = 0; i < n; i++)
                printf("%-14s %-20s %-16s %-12s %-24s %s\n", v[i].published, v[i].inf_name,
                       v[i].provider, v[i].class_name, v[i].driver_ver, v[i].signature);
        }
        free(v);
        return 0;
    }
    if (!strcmp(argv[0], "delete")) {
        if ((rc = parse_opts(argc - 1, argv + 1, "force", usage_driver, &o)))
            return rc;
        if (o.npos != 1)
            return usage(usage_driver, "driver delete: one published name (oemN.inf) expected");
        st = store_driver_delete(o.pos[0], o.force, reason);
        if (!NT_SUCCESS(st))
            return fail("%s", reason[0] ? reason : "cannot delete the package");
        printf("Deleted %s\n", o.pos[0]);
        return 0;
    }
    return usage(usage_driver, "driver: unknown subcommand %s", argv[0]);
}

/* ---- sign, key, trust, config --------------------------------------- */

static int cmd_sign(int argc, char **argv)
{
    struct opts o;
    struct store_package pkg;
    unsigned char sk[STORE_SK_BYTES];
    char reason[STORE_REASON_MAX] = "";
    NTSTATUS st;
    int rc;

    if (wants_help(argc, argv)) {
        fputs(usage_sign, stdout);
        return 0;
    }
    if ((rc = parse_opts(argc, argv, "key", usage_sign, &o)))
        return rc;
    if (!o.key || o.npos != 1)
        return usage(usage_sign, "sign: --key KEY and one package directory expected");
    st = store_key_load_secret(o.key, sk, reason);
    if (!NT_SUCCESS(st))
        return fail("%s", reason);
    st = store_package_read(o.pos[0], &pkg, reason);
    if (NT_SUCCESS(st)) {
        st = store_catalog_sign(&pkg, sk, reason);
        if (NT_SUCCESS(st))
            printf("%s/%s: %u files signed\n", pkg.dir, pkg.catalog_name, pkg.nfiles);
        store_package_free(&pkg);
    }
    memset(sk, 0, sizeof(sk));
    return NT_SUCCESS(st) ? 0 : fail("%s", reason);
}

static int cmd_key(int argc, char **argv)
{
    struct opts o;
    char reason[STORE_REASON_MAX] = "", path[4200];
    unsigned char pk[STORE_PK_BYTES];
    char pub[STORE_PK_TEXT];
    int rc;

    if (wants_help(argc, argv)) {
        fputs(usage_key, stdout);
        return 0;
    }
    if (argc < 1 || strcmp(argv[0], "new"))
        return usage(usage_key, argc ? "key: unknown subcommand %s" : "key: which subcommand?",
                     argc ? argv[0] : "");
    if ((rc = parse_opts(argc - 1, argv + 1, "out", usage_key, &o)))
        return rc;
    if (o.npos)
        return usage(usage_key, "key new takes no arguments");
    if (o.out) {
        snprintf(path, sizeof(path), "%s", o.out);
    } else {
        char dir[4096];
        if (!NT_SUCCESS(krnl_state_dir("keys", dir, sizeof(dir))))
            return fail("cannot create %s/keys", krnl_root());
        snprintf(path, sizeof(path), "%s/signing.key", dir);
    }
    if (!NT_SUCCESS(store_key_new(path, reason)))
        return fail("%s", reason);
    if (!NT_SUCCESS(store_pubkey_parse(path, pk, reason)))
        return fail("%s", reason);
    store_pubkey_format(pk, pub);
    printf("secret key: %s\npublic key: %s.pub\n%s\n", path, path, pub);
    return 0;
}

static int cmd_trust(int argc, char **argv)
{
    struct opts o;
    char reason[STORE_REASON_MAX] = "", pub[STORE_PK_TEXT];
    unsigned char pk[STORE_PK_BYTES];
    NTSTATUS st;
    int rc;

    if (wants_help(argc, argv)) {
        fputs(usage_trust, stdout);
        return 0;
    }
    if (argc < 1)
        return usage(usage_trust, "trust: which subcommand?");
    if (!strcmp(argv[0], "list")) {
        if ((rc = parse_opts(argc - 1, argv + 1, "json", usage_trust, &o)))
            return rc;
        if (o.npos)
            return usage(usage_trust, "trust list takes no arguments");
        if (o.json)
            printf("[");
        unsigned i = 0;
        for (; NT_SUCCESS(st = store_trust_enum(i, pk)); i++) {
            store_pubkey_format(pk, pub);
            if (o.json) {
                printf("%s\n  ", i ? "," : "");
                json_str(pub);
            } else {
                printf("%s\n", pub);
            }
        }
        if (o.json)
            printf("%s]\n", i ? "\n" : "");
        if (st != STATUS_NO_MORE_ENTRIES)
            return fail("cannot read the trusted publishers (0x%08x)", (unsigned)st);
        return 0;
    }
    bool add = !strcmp(argv[0], "add");
    if (!add && strcmp(argv[0], "remove"))
        return usage(usage_trust, "trust: unknown subcommand %s", argv[0]);
    if ((rc = parse_opts(argc - 1, argv + 1, "", usage_trust, &o)))
        return rc;
    if (o.npos != 1)
        return usage(usage_trust, "trust %s: one public key expected", argv[0]);
    if (!NT_SUCCESS(store_pubkey_parse(o.pos[0], pk, reason)))
        return fail("%s", reason);
    store_pubkey_format(pk, pub);
    st = add ? store_trust_add(pk) : store_trust_remove(pk);
    if (st == STATUS_NOT_FOUND)
        return fail("%s is not a trusted publisher", pub);
    if (!NT_SUCCESS(st))
        return fail("cannot update the trusted publishers (0x%08x)", (unsigned)st);
    printf("%s %s\n", add ? "trusted" : "no longer trusted:", pub);
    return 0;
}

static int cmd_config(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_config, stdout);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[0], "set") && !strcasecmp(argv[1], "testsigning")) {
        bool on;
        if (!strcasecmp(argv[2], "on") || !strcmp(argv[2], "1") || !strcasecmp(argv[2], "yes"))
            on = true;
        else if (!strcasecmp(argv[2], "off") || !strcmp(argv[2], "0") || !strcasecmp(argv[2], "no"))
            on = false;
        else
            return usage(usage_config, "testsigning is on or off, not %s", argv[2]);
        NTSTATUS st = store_testsigning_set(on);
        if (!NT_SUCCESS(st))
            return fail("cannot write the setting (0x%08x)", (unsigned)st);
        printf("testsigning %s\n", on ? "on" : "off");
        return 0;
    }
    if (argc == 2 && !strcmp(argv[0], "get") && !strcasecmp(argv[1], "testsigning")) {
        printf("%s\n", store_testsigning_get() ? "on" : "off");
        return 0;
    }
    return usage(usage_config, "config: expected `set testsigning on|off` or `get testsigning`");
}

/* The checks' own front end (src/store/infcheck.c), under our name. */
static int cmd_infcheck(int argc, char **argv)
{
    char **v = calloc((size_t)argc + 2, sizeof(*v));
    int rc;

    if (!v)
        return fail("out of memory");
    v[0] = (char *)"ddk infcheck";
    memcpy(v + 1, argv, (size_t)argc * sizeof(*v));
    rc = store_infcheck_main(argc + 1, v);
    free(v);
    return rc;
}

int main(int argc, char **argv)
{
    const char *root = NULL;
    int i = 1;
    static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
        { "driver", cmd_driver }, { "sign", cmd_sign }, { "key", cmd_key },
        { "trust", cmd_trust }, { "config", cmd_config }, { "infcheck", cmd_infcheck },
    };

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_main, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--root")) {
            if (++i >= argc)
                return usage(usage_main, "--root needs a directory");
            root = argv[i];
        } else if (!strncmp(argv[i], "--root=", 7)) {
            root = argv[i] + 7;
        } else {
            return usage(usage_main, "unknown option %s", argv[i]);
        }
    }
    if (i >= argc)
        return usage(usage_main, "which command?");
    for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
        if (strcmp(argv[i], cmds[c].name))
            continue;
        if (wants_help(argc - i - 1, argv + i + 1))
            return cmds[c].fn(argc - i - 1, argv + i + 1);   /* no state touched */
        NTSTATUS st = krnl_init(root);
        if (!NT_SUCCESS(st))
            return fail("cannot use the state root %s (0x%08x)", root ? root : krnl_root(),
                        (unsigned)st);
        if (!NT_SUCCESS(store_crypto_init()))
            return fail("libsodium failed to initialize");
        return cmds[c].fn(argc - i - 1, argv + i + 1);
    }
    return usage(usage_main, "unknown command %s", argv[i]);
}
