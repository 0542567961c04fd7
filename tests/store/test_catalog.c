/*
 * Catalogs, keys, trust and test signing (store/catalog.h), in process:
 * a package made from the ddkecho sample is signed, then tampered with in
 * every way the store must refuse, each with its one-line reason.
 */
#include "test_driverstore_util.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/catalog.h"
#include "krnl/krnl.h"
#include "registry/reg.h"

struct fx {
    char *dir;                 /* scratch: root/, pkg/, key */
    char pkg[4200], key[4200], cat[4200];
    unsigned char sk[STORE_SK_BYTES], pk[STORE_PK_BYTES];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    char root[4200], reason[STORE_REASON_MAX];

    f->dir = tu_tmpdir();
    snprintf(root, sizeof(root), "%s/root", f->dir);
    assert_int_equal(krnl_init(root), STATUS_SUCCESS);
    tu_make_package(f->dir, "pkg");
    snprintf(f->pkg, sizeof(f->pkg), "%s/pkg", f->dir);
    snprintf(f->cat, sizeof(f->cat), "%s/pkg/ddkecho.cat", f->dir);
    snprintf(f->key, sizeof(f->key), "%s/signing.key", f->dir);
    assert_int_equal(store_key_new(f->key, reason), STATUS_SUCCESS);
    assert_int_equal(store_key_load_secret(f->key, f->sk, reason), STATUS_SUCCESS);
    memcpy(f->pk, f->sk + 32, STORE_PK_BYTES);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    reg_shutdown();
    tu_rmtree(f->dir);
    free(f);
    return 0;
}

static void sign(struct fx *f)
{
    struct store_package pkg;
    char reason[STORE_REASON_MAX] = "";
    assert_int_equal(store_package_read(f->pkg, &pkg, reason), STATUS_SUCCESS);
    assert_int_equal(store_catalog_sign(&pkg, f->sk, reason), STATUS_SUCCESS);
    store_package_free(&pkg);
}

/* Verifies; returns the status and the reason in reason. */
static NTSTATUS verify(struct fx *f, bool testsigning, struct store_verdict *v, char *reason)
{
    struct store_package pkg;
    struct store_verdict dummy;
    NTSTATUS st;

    reason[0] = 0;
    st = store_package_read(f->pkg, &pkg, reason);
    if (!NT_SUCCESS(st))
        return st;
    st = store_catalog_verify(&pkg, testsigning, v ? v : &dummy, reason);
    store_package_free(&pkg);
    if (!NT_SUCCESS(st)) {
        /* every refusal is one line */
        assert_non_null(reason[0]);
        assert_null(strchr(reason, '\n'));
    }
    return st;
}

static void test_key_files(void **state)
{
    struct fx *f = *state;
    char reason[STORE_REASON_MAX], pub[4300], text[STORE_PK_TEXT];
    unsigned char pk[STORE_PK_BYTES];
    struct stat sb;

    assert_int_equal(stat(f->key, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* never overwritten */
    assert_int_equal(store_key_new(f->key, reason), STATUS_OBJECT_NAME_COLLISION);
    /* the public key: from the .pub file, from its text, from the secret key */
    snprintf(pub, sizeof(pub), "%s.pub", f->key);
    assert_int_equal(store_pubkey_parse(pub, pk, reason), STATUS_SUCCESS);
    assert_memory_equal(pk, f->pk, STORE_PK_BYTES);
    store_pubkey_format(f->pk, text);
    memset(pk, 0, sizeof(pk));
    assert_int_equal(store_pubkey_parse(text, pk, reason), STATUS_SUCCESS);
    assert_memory_equal(pk, f->pk, STORE_PK_BYTES);
    assert_int_equal(store_pubkey_parse(f->key, pk, reason), STATUS_SUCCESS);
    assert_memory_equal(pk, f->pk, STORE_PK_BYTES);
    assert_int_not_equal(store_pubkey_parse("ed25519:1234", pk, reason), STATUS_SUCCESS);
    assert_int_not_equal(store_pubkey_parse(f->cat, pk, reason), STATUS_SUCCESS);
}

static void test_trust_registry(void **state)
{
    struct fx *f = *state;
    unsigned char pk[STORE_PK_BYTES];

    assert_false(store_trust_is_trusted(f->pk));
    assert_int_equal(store_trust_enum(0, pk), STATUS_NO_MORE_ENTRIES);
    assert_int_equal(store_trust_add(f->pk), STATUS_SUCCESS);
    assert_true(store_trust_is_trusted(f->pk));
    assert_int_equal(store_trust_enum(0, pk), STATUS_SUCCESS);
    assert_memory_equal(pk, f->pk, STORE_PK_BYTES);
    assert_int_equal(store_trust_enum(1, pk), STATUS_NO_MORE_ENTRIES);
    /* survives a registry restart */
    reg_shutdown();
    assert_true(store_trust_is_trusted(f->pk));
    assert_int_equal(store_trust_remove(f->pk), STATUS_SUCCESS);
    assert_false(store_trust_is_trusted(f->pk));
    assert_int_equal(store_trust_remove(f->pk), STATUS_NOT_FOUND);

    assert_false(store_testsigning_get());
    assert_int_equal(store_testsigning_set(true), STATUS_SUCCESS);
    reg_shutdown();
    assert_true(store_testsigning_get());
    assert_int_equal(store_testsigning_set(false), STATUS_SUCCESS);
    assert_false(store_testsigning_get());
}

static void test_sign_and_verify_trusted(void **state)
{
    struct fx *f = *state;
    struct store_verdict v;
    char reason[STORE_REASON_MAX];
    char *c1, *c2;

    sign(f);
    c1 = tu_read(f->cat);
    assert_non_null(c1);
    assert_true(strncmp(c1, "OpenDDK-Catalog 1\ninf ddkecho.inf\nsigner ed25519:", 49) == 0);
    assert_non_null(strstr(c1, " ddkecho.so\n"));
    assert_non_null(strstr(c1, " ddkecho.inf\n"));
    /* Ed25519 is deterministic: the same package signs to the same bytes */
    sign(f);
    c2 = tu_read(f->cat);
    assert_string_equal(c1, c2);
    free(c1);
    free(c2);

    assert_int_equal(store_trust_add(f->pk), STATUS_SUCCESS);
    assert_int_equal(verify(f, false, &v, reason), STATUS_SUCCESS);
    assert_int_equal(v.signer, STORE_SIGNER_TRUSTED);
    assert_memory_equal(v.pk, f->pk, STORE_PK_BYTES);
    assert_int_equal(store_trust_remove(f->pk), STATUS_SUCCESS);
}

static void test_untrusted_and_testsigning(void **state)
{
    struct fx *f = *state;
    struct store_verdict v;
    char reason[STORE_REASON_MAX];

    sign(f);
    assert_int_equal(verify(f, false, &v, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "not a trusted publisher"));
    /* test signing accepts it, as test-signed */
    assert_int_equal(verify(f, true, &v, reason), STATUS_SUCCESS);
    assert_int_equal(v.signer, STORE_SIGNER_TEST);
}

static void test_missing_catalog(void **state)
{
    struct fx *f = *state;
    char reason[STORE_REASON_MAX];

    assert_int_equal(verify(f, false, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "ddkecho.cat is missing"));
    /* test signing does not make an unsigned package acceptable */
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "missing"));
}

static void test_no_catalogfile_in_inf(void **state)
{
    struct fx *f = *state;
    char reason[STORE_REASON_MAX], inf[4300];

    snprintf(inf, sizeof(inf), "%s/ddkecho.inf", f->pkg);
    tu_sh("sed -i '/^CatalogFile/d' '%s'", inf);
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "names no catalog"));
    struct store_package pkg;
    assert_int_equal(store_package_read(f->pkg, &pkg, reason), STATUS_SUCCESS);
    assert_int_not_equal(store_catalog_sign(&pkg, f->sk, reason), STATUS_SUCCESS);
    store_package_free(&pkg);
}

static void test_bad_signature(void **state)
{
    struct fx *f = *state;
    char reason[STORE_REASON_MAX];
    char *c, *p;

    store_trust_add(f->pk);
    sign(f);
    c = tu_read(f->cat);
    /* one digit of the signature flipped */
    p = strstr(c, "signature ed25519:") + 18;
    *p = *p == '0' ? '1' : '0';
    tu_write(f->cat, c);
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "does not verify"));
    free(c);

    /* a file's hash rewritten to match a changed file: the signature breaks */
    sign(f);
    c = tu_read(f->cat);
    p = strstr(c, "\nfile ") + 6;
    *p = *p == '0' ? '1' : '0';
    tu_write(f->cat, c);
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "does not verify"));
    free(c);

    /* a signature by another key over the same records */
    unsigned char pk2[STORE_PK_BYTES], sk2[STORE_SK_BYTES];
    char key2[4300];
    snprintf(key2, sizeof(key2), "%s/other.key", f->dir);
    assert_int_equal(store_key_new(key2, reason), STATUS_SUCCESS);
    assert_int_equal(store_key_load_secret(key2, sk2, reason), STATUS_SUCCESS);
    memcpy(pk2, sk2 + 32, sizeof(pk2));
    sign(f);
    char *good = tu_read(f->cat);
    memcpy(f->sk, sk2, sizeof(sk2));
    sign(f);
    char *other = tu_read(f->cat);
    /* splice: trusted signer's records, other key's signature */
    char *gs = strstr(good, "signature "), *os = strstr(other, "signature ");
    strcpy(gs, os);
    tu_write(f->cat, good);
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "does not verify"));
    free(good);
    free(other);
    (void)pk2;
    store_trust_remove(f->pk);
}

static void test_hash_mismatch_names_file(void **state)
{
    struct fx *f = *state;
    char reason[STORE_REASON_MAX], so[4300];

    store_trust_add(f->pk);
    sign(f);
    snprintf(so, sizeof(so), "%s/ddkecho.so", f->pkg);
    tu_sh("printf X >> '%s'", so);
    assert_int_equal(verify(f, false, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "hash mismatch"));
    assert_non_null(strstr(reason, "ddkecho.so"));
    /* not even test signing accepts a changed file */
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "ddkecho.so"));
    store_trust_remove(f->pk);
}

static void test_extra_and_missing_file(void **state)
{
    struct fx *f = *state;
    char reason[STORE_REASON_MAX], path[4300];

    store_trust_add(f->pk);
    sign(f);
    snprintf(path, sizeof(path), "%s/extra.dat", f->pkg);
    tu_write(path, "not signed\n");
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "extra.dat is not in catalog"));

    /* signed with it, then removed */
    sign(f);
    assert_int_equal(verify(f, false, NULL, reason), STATUS_SUCCESS);
    unlink(path);
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "extra.dat listed in catalog ddkecho.cat is missing"));
    store_trust_remove(f->pk);
}

static void test_subdirectories_and_links(void **state)
{
    struct fx *f = *state;
    char reason[STORE_REASON_MAX];

    store_trust_add(f->pk);
    tu_sh("mkdir -p '%s/fw/x86' && echo one > '%s/fw/x86/a.bin' && echo two > '%s/fw/b.bin'",
          f->pkg, f->pkg, f->pkg);
    sign(f);
    char *c = tu_read(f->cat);
    assert_non_null(strstr(c, " fw/x86/a.bin\n"));
    assert_non_null(strstr(c, " fw/b.bin\n"));
    free(c);
    assert_int_equal(verify(f, false, NULL, reason), STATUS_SUCCESS);
    tu_sh("echo changed > '%s/fw/x86/a.bin'", f->pkg);
    assert_int_equal(verify(f, false, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "fw/x86/a.bin"));
    /* a symbolic link is not a package file */
    tu_sh("ln -s /etc/passwd '%s/link'", f->pkg);
    assert_int_not_equal(verify(f, true, NULL, reason), STATUS_SUCCESS);
    assert_non_null(strstr(reason, "link"));
    store_trust_remove(f->pk);
}

static void test_malformed_catalogs(void **state)
{
    struct fx *f = *state;
    char reason[STORE_REASON_MAX];
    static const char *const bad[] = {
        "",
        "garbage\n",
        "OpenDDK-Catalog 1\n",
        "OpenDDK-Catalog 1\ninf ddkecho.inf\nsignature ed25519:00\n",
        "OpenDDK-Catalog 1\ninf other.inf\nsigner ed25519:"
        "0000000000000000000000000000000000000000000000000000000000000000\nsignature ed25519:"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000\n",
        "OpenDDK-Catalog 1\ninf ddkecho.inf\nbogus\nsignature ed25519:"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tu_write(f->cat, bad[i]);
        assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
    }
    /* a binary catalog with a NUL in it */
    FILE *fp = fopen(f->cat, "wb");
    fwrite("OpenDDK-Catalog 1\n\0x", 1, 20, fp);
    fclose(fp);
    assert_int_equal(verify(f, true, NULL, reason), STATUS_INVALID_IMAGE_HASH);
}

static void test_package_path_forms(void **state)
{
    struct fx *f = *state;
    struct store_package pkg;
    char reason[STORE_REASON_MAX], inf[4300];

    snprintf(inf, sizeof(inf), "%s/ddkecho.inf", f->pkg);
    assert_int_equal(store_package_read(inf, &pkg, reason), STATUS_SUCCESS);
    assert_string_equal(pkg.inf_name, "ddkecho.inf");
    assert_string_equal(pkg.catalog_name, "ddkecho.cat");
    assert_int_equal(pkg.nfiles, 2);
    store_package_free(&pkg);
    /* two INFs in a directory: ambiguous */
    tu_sh("cp '%s' '%s/second.inf'", inf, f->pkg);
    assert_int_not_equal(store_package_read(f->pkg, &pkg, reason), STATUS_SUCCESS);
    assert_non_null(strstr(reason, "2 INF files"));
    assert_int_not_equal(store_package_read("/nonexistent/x", &pkg, reason), STATUS_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_key_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trust_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_and_verify_trusted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_untrusted_and_testsigning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_catalog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_catalogfile_in_inf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_mismatch_names_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extra_and_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subdirectories_and_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_catalogs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_package_path_forms, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
