/*
 * The driver store (store/driverstore.h): add, no-op re-add, list,
 * delete, refusals that leave nothing behind, the in-use hook, and the
 * crash test: `ddk driver add` SIGKILLed at random points, after which the
 * package is either fully published (registry record + complete,
 * read-only files) or not there at all, and the next run leaves no
 * temporary directory.
 */
#include "test_driverstore_util.h"

#include <dirent.h>
#include <signal.h>
#include <time.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/driverstore.h"
#include "krnl/krnl.h"
#include "registry/reg.h"
#include "io/iodev.h"

struct fx {
    char *dir;
    char root[4200], pkg[4200], key[4200];
    unsigned char sk[STORE_SK_BYTES], pk[STORE_PK_BYTES];
};

static void sign_pkg(struct fx *f, const char *pkgdir)
{
    struct store_package pkg;
    char reason[STORE_REASON_MAX] = "";
    assert_int_equal(store_package_read(pkgdir, &pkg, reason), STATUS_SUCCESS);
    assert_int_equal(store_catalog_sign(&pkg, f->sk, reason), STATUS_SUCCESS);
    store_package_free(&pkg);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    char reason[STORE_REASON_MAX];

    f->dir = tu_tmpdir();
    snprintf(f->root, sizeof(f->root), "%s/root", f->dir);
    assert_int_equal(krnl_init(f->root), STATUS_SUCCESS);
    tu_make_package(f->dir, "pkg");
    snprintf(f->pkg, sizeof(f->pkg), "%s/pkg", f->dir);
    snprintf(f->key, sizeof(f->key), "%s/signing.key", f->dir);
    assert_int_equal(store_key_new(f->key, reason), STATUS_SUCCESS);
    assert_int_equal(store_key_load_secret(f->key, f->sk, reason), STATUS_SUCCESS);
    memcpy(f->pk, f->sk + 32, STORE_PK_BYTES);
    assert_int_equal(store_trust_add(f->pk), STATUS_SUCCESS);
    sign_pkg(f, f->pkg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_set_in_use_hook(NULL);
    reg_shutdown();
    tu_rmtree(f->dir);
    free(f);
    return 0;
}

/* Entries in ROOT/DriverStore/<sub> (-1: no such directory). */
static int count_entries(struct fx *f, const char *sub)
{
    char path[4400];
    DIR *d;
    struct dirent *e;
    int n = 0;

    snprintf(path, sizeof(path), "%s/DriverStore/%s", f->root, sub);
    if (!(d = opendir(path)))
        return -1;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void test_add_list_readd_delete(void **state)
{
    struct fx *f = *state;
    struct store_pkg_info info, again, *v;
    char reason[STORE_REASON_MAX] = "", path[4600];
    bool existed = true;
    unsigned n;
    struct stat sb;

    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &info, &existed, reason),
                     STATUS_SUCCESS);
    assert_false(existed);
    assert_string_equal(info.published, "oem0.inf");
    assert_string_equal(info.inf_name, "ddkecho.inf");
    assert_string_equal(info.signature, "trusted");
    assert_true(strncmp(info.pkgid, "ddkecho.inf_amd64_", 18) == 0);
    assert_int_equal(strlen(info.pkgid), 18 + 16);

    /* the copy: read-only files and directory, catalog included */
    assert_int_equal(stat(info.dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0555);
    static const char *const files[] = { "ddkecho.inf", "ddkecho.so", "ddkecho.cat" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", info.dir, files[i]);
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0444);
    }
    /* and it verifies on its own in the store */
    struct store_package pkg;
    struct store_verdict vd;
    assert_int_equal(store_package_read(info.dir, &pkg, reason), STATUS_SUCCESS);
    assert_int_equal(store_catalog_verify(&pkg, false, &vd, reason), STATUS_SUCCESS);
    store_package_free(&pkg);

    /* listed, with the INF's [Version] data */
    assert_int_equal(store_driver_list(&v, &n), STATUS_SUCCESS);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].published, "oem0.inf");
    assert_string_equal(v[0].provider, "OpenDDK");
    assert_string_equal(v[0].class_name, "System");
    assert_string_equal(v[0].class_guid, "{4d36e97d-e325-11ce-bfc1-08002be10318}");
    assert_string_equal(v[0].driver_ver, "11/23/2026,0.1.0.0");
    free(v);

    /* identical package again: a no-op with the same name */
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &again, &existed, reason),
                     STATUS_SUCCESS);
    assert_true(existed);
    assert_string_equal(again.published, "oem0.inf");
    assert_string_equal(again.pkgid, info.pkgid);
    assert_int_equal(count_entries(f, "FileRepository"), 1);

    /* found case-insensitively; survives a registry restart */
    reg_shutdown();
    assert_int_equal(store_driver_find("OEM0.INF", &again), STATUS_SUCCESS);
    assert_string_equal(again.pkgid, info.pkgid);

    /* delete */
    assert_int_equal(store_driver_delete("oem0.inf", false, reason), STATUS_SUCCESS);
    assert_int_equal(store_driver_find("oem0.inf", &again), STATUS_NOT_FOUND);
    assert_int_equal(count_entries(f, "FileRepository"), 0);
    assert_int_equal(count_entries(f, "Temp"), 0);
    assert_int_equal(store_driver_list(&v, &n), STATUS_SUCCESS);
    assert_int_equal(n, 0);
    free(v);
    assert_int_equal(store_driver_delete("oem0.inf", false, reason), STATUS_NOT_FOUND);
    assert_int_equal(store_driver_delete("ddkecho.inf", false, reason),
                     STATUS_OBJECT_NAME_INVALID);
}

static void test_numbering(void **state)
{
    struct fx *f = *state;
    struct store_pkg_info a, b, c;
    char reason[STORE_REASON_MAX] = "", pkg2[4300];
    bool existed;

    /* a second, different package (one more file) */
    tu_make_package(f->dir, "pkg2");
    snprintf(pkg2, sizeof(pkg2), "%s/pkg2", f->dir);
    tu_sh("echo readme > '%s/readme.txt'", pkg2);
    sign_pkg(f, pkg2);
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &a, &existed, reason), 0);
    assert_int_equal(store_driver_add(pkg2, 0, NULL, NULL, &b, &existed, reason), 0);
    assert_string_equal(a.published, "oem0.inf");
    assert_string_equal(b.published, "oem1.inf");
    assert_string_not_equal(a.pkgid, b.pkgid);
    /* the lowest free number is reused */
    assert_int_equal(store_driver_delete("oem0.inf", false, reason), STATUS_SUCCESS);
    assert_int_equal(store_driver_add(pkg2, 0, NULL, NULL, &c, &existed, reason), 0);
    assert_true(existed);
    assert_string_equal(c.published, "oem1.inf");
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &c, &existed, reason), 0);
    assert_false(existed);
    assert_string_equal(c.published, "oem0.inf");
}

static void test_refusals_leave_nothing(void **state)
{
    struct fx *f = *state;
    struct store_pkg_info info;
    char reason[STORE_REASON_MAX] = "", path[4300];
    bool existed;

    /* untrusted signer */
    assert_int_equal(store_trust_remove(f->pk), STATUS_SUCCESS);
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &info, &existed, reason),
                     STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "not a trusted publisher"));
    /* ... accepted as test-signed under test signing */
    assert_int_equal(store_testsigning_set(true), STATUS_SUCCESS);
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &info, &existed, reason),
                     STATUS_SUCCESS);
    assert_string_equal(info.signature, "test");
    assert_int_equal(store_driver_delete(info.published, false, reason), STATUS_SUCCESS);
    assert_int_equal(store_testsigning_set(false), STATUS_SUCCESS);
    assert_int_equal(store_trust_add(f->pk), STATUS_SUCCESS);

    /* a changed module */
    snprintf(path, sizeof(path), "%s/ddkecho.so", f->pkg);
    tu_sh("cp '%s' '%s.orig' && printf X >> '%s'", path, f->dir, path);
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &info, &existed, reason),
                     STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "ddkecho.so"));
    tu_sh("cp '%s.orig' '%s'", f->dir, path);

    /* no catalog */
    snprintf(path, sizeof(path), "%s/ddkecho.cat", f->pkg);
    tu_sh("mv '%s' '%s.cat'", path, f->dir);
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &info, &existed, reason),
                     STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "missing"));
    tu_sh("mv '%s.cat' '%s'", f->dir, path);

    /* an INF that does not parse */
    char bad[4300];
    tu_make_package(f->dir, "bad");
    snprintf(bad, sizeof(bad), "%s/bad/ddkecho.inf", f->dir);
    tu_write(bad, "[Version\nSignature=\"$WINDOWS NT$\"\n");
    assert_int_not_equal(store_driver_add(bad, 0, NULL, NULL, &info, &existed, reason),
                         STATUS_SUCCESS);
    assert_non_null(strstr(reason, "ddkecho.inf:1"));

    /* a file [SourceDisksFiles] names is not there (signed without it) */
    tu_make_package(f->dir, "nofile");
    snprintf(bad, sizeof(bad), "%s/nofile/ddkecho.so", f->dir);
    unlink(bad);
    snprintf(bad, sizeof(bad), "%s/nofile", f->dir);
    sign_pkg(f, bad);
    assert_int_not_equal(store_driver_add(bad, 0, NULL, NULL, &info, &existed, reason),
                         STATUS_SUCCESS);
    assert_non_null(strstr(reason, "ddkecho.so"));
    assert_non_null(strstr(reason, "SourceDisksFiles"));

    assert_int_equal(count_entries(f, "FileRepository"), 0);
    assert_int_equal(count_entries(f, "Temp"), 0);
    struct store_pkg_info *v;
    unsigned n;
    assert_int_equal(store_driver_list(&v, &n), STATUS_SUCCESS);
    assert_int_equal(n, 0);
    free(v);
}

static void collect_note(void *ctx, const char *line)
{
    char *buf = ctx;
    strncat(buf, line, 4000 - strlen(buf));
    strcat(buf, "\n");
}

/* The isolation checks: errors refuse, warnings are passed on, 1284 is
 * accepted for sample packages. */
static void test_infcheck_gate(void **state)
{
    struct fx *f = *state;
    struct store_pkg_info info;
    char reason[STORE_REASON_MAX] = "", dir[4300], notes[4200] = "";
    bool existed;

    tu_make_package(f->dir, "dirid12");
    snprintf(dir, sizeof(dir), "%s/dirid12", f->dir);
    tu_sh("sed -i 's/^DefaultDestDir = 13/DefaultDestDir = 12/' '%s/ddkecho.inf'", dir);
    sign_pkg(f, dir);
    assert_int_equal(store_driver_add(dir, 0, NULL, NULL, &info, &existed, reason),
                     STATUS_INVALID_PARAMETER);
    assert_non_null(strstr(reason, "error 1322"));
    assert_non_null(strstr(reason, "ddkecho.inf:"));

    tu_make_package(f->dir, "sample");
    snprintf(dir, sizeof(dir), "%s/sample", f->dir);
    tu_sh("sed -i 's/^Class  *= System/Class = Sample/' '%s/ddkecho.inf'", dir);
    sign_pkg(f, dir);
    assert_int_equal(store_driver_add(dir, 0, NULL, NULL, &info, &existed, reason),
                     STATUS_INVALID_PARAMETER);
    assert_non_null(strstr(reason, "error 1284"));
    assert_int_equal(store_driver_add(dir, STORE_ADD_SAMPLES, NULL, NULL, &info, &existed,
                                      reason), STATUS_SUCCESS);
    assert_string_equal(info.class_name, "Sample");

    /* a warning (2092: the legacy direct WUDFRd service) does not refuse */
    tu_make_package(f->dir, "legacy");
    snprintf(dir, sizeof(dir), "%s/legacy", f->dir);
    tu_sh("printf '\n[Legacy.Services]\nAddService = WUDFRd, 0x000001fa, Wudfrd_Svc\n\n"
          "[Wudfrd_Svc]\nServiceType = 1\nStartType = 3\nErrorControl = 1\n"
          "ServiceBinary = %%%%12%%%%\\\\WUDFRd.sys\n' >> '%s/ddkecho.inf'", dir);
    sign_pkg(f, dir);
    assert_int_equal(store_driver_add(dir, 0, collect_note, notes, &info, &existed, reason),
                     STATUS_SUCCESS);
    assert_non_null(strstr(notes, "warning 2092"));
    assert_int_equal(count_entries(f, "FileRepository"), 2);
}

/* The loader's re-check of a module in the store. */
static void test_verify_image(void **state)
{
    struct fx *f = *state;
    struct store_pkg_info info;
    char reason[STORE_REASON_MAX] = "", so[4600];
    bool existed, in_store = true;

    assert_int_equal(store_verify_image(SAMPLE_DIR "/ddkecho.so", &in_store, reason),
                     STATUS_SUCCESS);
    assert_false(in_store);
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &info, &existed, reason), 0);
    snprintf(so, sizeof(so), "%s/ddkecho.so", info.dir);
    assert_int_equal(store_verify_image(so, &in_store, reason), STATUS_SUCCESS);
    assert_true(in_store);
    /* the publisher no longer trusted: it no longer loads */
    assert_int_equal(store_trust_remove(f->pk), STATUS_SUCCESS);
    assert_int_equal(store_verify_image(so, &in_store, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "not a trusted publisher"));
    assert_int_equal(store_trust_add(f->pk), STATUS_SUCCESS);
    /* the loader maps it from the store */
    PDRIVER_OBJECT drv = NULL;
    assert_int_equal(io_load_driver(so, L"DdkEcho", &drv), STATUS_SUCCESS);
    assert_int_equal(io_unload_driver(drv), STATUS_SUCCESS);
    /* a module changed in the store (by someone who could chmod it) */
    tu_sh("chmod u+w '%s' && printf X >> '%s'", so, so);
    assert_int_equal(store_verify_image(so, &in_store, reason), STATUS_INVALID_IMAGE_HASH);
    assert_non_null(strstr(reason, "ddkecho.so"));
    /* ... is refused by the loader */
    drv = NULL;
    assert_int_equal(io_load_driver(so, L"DdkEcho", &drv), STATUS_INVALID_IMAGE_HASH);
    assert_null(drv);
}

static unsigned hook_users = 0, hook_removed = 0;
static char hook_pkgid[300];

static unsigned in_use(const char *pkgid, bool remove)
{
    snprintf(hook_pkgid, sizeof(hook_pkgid), "%s", pkgid);
    if (remove) {
        hook_removed += hook_users;
        hook_users = 0;
    }
    return hook_users;
}

static void test_delete_in_use(void **state)
{
    struct fx *f = *state;
    struct store_pkg_info info;
    char reason[STORE_REASON_MAX] = "";
    bool existed;

    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &info, &existed, reason), 0);
    store_set_in_use_hook(in_use);
    hook_users = 2;
    hook_removed = 0;
    assert_int_equal(store_driver_delete("oem0.inf", false, reason), STATUS_DEVICE_BUSY);
    assert_non_null(strstr(reason, "in use by 2 devices"));
    assert_string_equal(hook_pkgid, info.pkgid);
    assert_int_equal(store_driver_find("oem0.inf", &info), STATUS_SUCCESS);
    assert_int_equal(count_entries(f, "FileRepository"), 1);
    /* --force removes the devices first */
    assert_int_equal(store_driver_delete("oem0.inf", true, reason), STATUS_SUCCESS);
    assert_int_equal(hook_removed, 2);
    assert_int_equal(count_entries(f, "FileRepository"), 0);
}

static void test_recovery_removes_leftovers(void **state)
{
    struct fx *f = *state;
    struct store_pkg_info *v;
    unsigned n;

    /* what a killed add leaves: a half copy in Temp, an unrecorded
     * directory in FileRepository (read-only, as the copy makes them) */
    assert_int_equal(store_recover(), STATUS_SUCCESS);
    tu_sh("mkdir -p '%s/DriverStore/Temp/add-1-0/sub' && echo x > '%s/DriverStore/Temp/add-1-0/sub/f'"
          " && chmod 0444 '%s/DriverStore/Temp/add-1-0/sub/f' && chmod 0555 '%s/DriverStore/Temp/add-1-0/sub'",
          f->root, f->root, f->root, f->root);
    tu_sh("mkdir -p '%s/DriverStore/FileRepository/x.inf_amd64_0000000000000000' && "
          "chmod 0555 '%s/DriverStore/FileRepository/x.inf_amd64_0000000000000000'", f->root, f->root);
    assert_int_equal(count_entries(f, "Temp"), 1);
    assert_int_equal(count_entries(f, "FileRepository"), 1);
    assert_int_equal(store_driver_list(&v, &n), STATUS_SUCCESS);
    free(v);
    assert_int_equal(n, 0);
    assert_int_equal(count_entries(f, "Temp"), 0);
    assert_int_equal(count_entries(f, "FileRepository"), 0);
}

/* ---- the kill test -------------------------------------------------- */

static pid_t spawn_add(struct fx *f, const char *pause_us)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        setenv("DDK_STORE_TEST_PAUSE_US", pause_us, 1);
        execl(DDK_BIN, "ddk", "--root", f->root, "driver", "add", f->pkg, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* After a kill: published completely, or not at all. Returns published.
 * The "next run" is this process's own store call (the same recovery
 * code `ddk` runs; no process start, so that ASan builds get their 50
 * kills in time). */
static bool check_all_or_nothing(struct fx *f, const char *pkgid)
{
    char path[4600], reason[STORE_REASON_MAX];
    struct store_pkg_info *v;
    struct stat sb;
    bool recorded = false, present;
    unsigned n;

    assert_int_equal(store_driver_list(&v, &n), STATUS_SUCCESS);
    assert_int_equal(count_entries(f, "Temp"), 0);
    for (unsigned i = 0; i < n; i++)
        recorded |= !strcmp(v[i].pkgid, pkgid);
    free(v);
    assert_true(n <= 1);
    snprintf(path, sizeof(path), "%s/DriverStore/FileRepository/%s", f->root, pkgid);
    present = stat(path, &sb) == 0;
    assert_int_equal(recorded, present);
    assert_int_equal(count_entries(f, "FileRepository"), present ? 1 : 0);
    if (present) {
        struct store_package pkg;
        struct store_verdict vd;
        assert_int_equal(sb.st_mode & 0777, 0555);
        assert_int_equal(store_package_read(path, &pkg, reason), STATUS_SUCCESS);
        assert_int_equal(pkg.nfiles, 2);
        assert_int_equal(store_catalog_verify(&pkg, false, &vd, reason), STATUS_SUCCESS);
        store_package_free(&pkg);
    }
    return present;
}

static void test_sigkill_all_or_nothing(void **state)
{
    struct fx *f = *state;
    struct store_pkg_info info;
    char reason[STORE_REASON_MAX];
    const char *pause_us = "8000";
    double t0, full;
    unsigned kills = 0, published = 0, absent = 0;
    int status;
    bool existed;

    /* the package id, and how long an add takes when not killed */
    assert_int_equal(store_driver_add(f->pkg, 0, NULL, NULL, &info, &existed, reason), 0);
    assert_int_equal(store_driver_delete(info.published, false, reason), 0);
    /* the median of three (disk syncs vary a lot on a shared machine;
     * the pauses between steps make most of the time predictable) */
    pid_t pid;
    double t[3];
    for (int i = 0; i < 3; i++) {
        t0 = now();
        pid = spawn_add(f, pause_us);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        t[i] = now() - t0;
        assert_true(check_all_or_nothing(f, info.pkgid));
        assert_int_equal(store_driver_delete("oem0.inf", false, reason), 0);
    }
    full = t[0] > t[1] ? (t[1] > t[2] ? t[1] : t[0] > t[2] ? t[2] : t[0])
                       : (t[0] > t[2] ? t[0] : t[1] > t[2] ? t[2] : t[1]);
    srand(4242);
    t0 = now();
    /* Bounded by count; the time cap is only a safety net for a machine
     * so loaded that an add takes seconds (CI runs two builds' tests in
     * parallel on two cores). */
    while ((kills < 60 || !published || !absent) && now() - t0 < 150) {
        /* uniformly over the run (a few land after it: a clean exit) */
        double at = 1.1 * full * (rand() / (double)RAND_MAX);
        pid = spawn_add(f, pause_us);
        usleep((useconds_t)(at * 1e6));
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status))
            kills++;
        if (check_all_or_nothing(f, info.pkgid)) {
            published++;
            /* start the next round from nothing */
            assert_int_equal(store_driver_delete("oem0.inf", false, reason), 0);
        } else {
            absent++;
        }
    }
    print_message("%u kills (an add takes %.0f ms): %u published, %u not\n", kills,
                  full * 1e3, published, absent);
    assert_true(kills >= 50);
    assert_true(published > 0 && absent > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_list_readd_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_infcheck_gate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovery_removes_leftovers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigkill_all_or_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
