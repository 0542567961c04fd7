/*
 * test_pnp.c - the PnP manager: root devices and their start sequence,
 * problem codes, removal/veto/stop, disable/enable, bus enumeration,
 * properties and registry keys, persistence across a restart.
 *
 * One driver module (pnptest_drv.so) is registered under many service
 * names; each service's Parameters\Flags says how it misbehaves, and the
 * driver logs every PnP IRP it sees into pnptest_log ("irp:service;").
 */
#define _GNU_SOURCE
#include <wdm.h>
#include <wdmguid.h>
#include "pnp/pnp.h"
#include "registry/reg.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"
#include "io/iodev.h"

#include <dlfcn.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define PT_FAIL_ADD    0x01
#define PT_FAIL_START  0x02
#define PT_VETO_REMOVE 0x04
#define PT_VETO_STOP   0x08
#define PT_BUS         0x10

#define DRV_PATH DDK_TEST_DRIVER_DIR "/pnptest_drv.so"
#define ENUM "\\Registry\\Machine\\System\\CurrentControlSet\\Enum\\"

static const struct reg_caller tc = { REG_CALLER_INSTALLER, "test" };
static char root[256];
static char *drv_log;
static void (*drv_set_present)(ULONG, BOOLEAN);

static int rm_one(const char *p, const struct stat *s, int f, struct FTW *w)
{
    (void)s, (void)f, (void)w;
    return remove(p);
}

static void cleanup_root(void)
{
    nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A service for the test driver, with its misbehaviour flags. */
static void add_service(const char *name, const char *image, ULONG flags, ULONG children)
{
    char path[256];
    struct reg_key *k, *p;
    snprintf(path, sizeof(path), "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\%s",
             name);
    assert_int_equal(reg_key_create(&tc, NULL, path, KEY_ALL_ACCESS, REG_CREATE_PARENTS, NULL,
                                    &k), STATUS_SUCCESS);
    assert_int_equal(reg_value_set_string(&tc, k, "ImagePath", REG_EXPAND_SZ,
                                          image ? image : DRV_PATH), STATUS_SUCCESS);
    reg_value_set_dword(&tc, k, "Type", 1);
    assert_int_equal(reg_key_create(&tc, k, "Parameters", KEY_ALL_ACCESS, 0, NULL, &p),
                     STATUS_SUCCESS);
    reg_value_set_dword(&tc, p, "Flags", flags);
    reg_value_set_dword(&tc, p, "Children", children);
    reg_key_close(p);
    reg_key_close(k);
}

static void bind_driver(void)
{
    void *h;
    if (drv_log)
        return;
    h = dlopen(DRV_PATH, RTLD_NOW | RTLD_NOLOAD);
    assert_non_null(h);
    drv_log = dlsym(h, "pnptest_log");
    drv_set_present = (void (*)(ULONG, BOOLEAN))dlsym(h, "pnptest_set_present");
    assert_non_null(drv_log);
    assert_non_null(drv_set_present);
    /* dlopen's extra reference is dropped at once: the module stays while
     * the loader holds it, and we bind again after every restart. */
    dlclose(h);
}

static void log_reset(void)
{
    if (drv_log)
        drv_log[0] = 0;
}

static const char *log_get(void)
{
    bind_driver();
    return drv_log;
}

static void create(const char *cls, const char *svc, char *id)
{
    assert_int_equal(pnp_device_create_root(cls, "PTTEST\\HW1\0PTTEST\\HW\0", "PTTEST\0", svc,
                                            id, PNP_MAX_INSTANCE_ID + 1),
                     STATUS_SUCCESS);
}

static struct pnp_device_status status_of(const char *id)
{
    struct pnp_device_status st;
    assert_int_equal(pnp_device_get_status(id, &st), STATUS_SUCCESS);
    return st;
}

static void set_enum_multi(const char *id, const char *name, const WCHAR *multi, ULONG bytes)
{
    char path[300];
    struct reg_key *k;
    snprintf(path, sizeof(path), ENUM "%s", id);
    assert_int_equal(reg_key_open(&tc, NULL, path, KEY_ALL_ACCESS, &k), STATUS_SUCCESS);
    assert_int_equal(reg_value_set(&tc, k, name, REG_MULTI_SZ, multi, bytes), STATUS_SUCCESS);
    reg_key_close(k);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/ddk-pnp-XXXXXX");
    assert_non_null(mkdtemp(root));
    atexit(cleanup_root);
    krnl_init(root);
    add_service("ptfunc", NULL, 0, 0);
    add_service("ptlower", NULL, 0, 0);
    add_service("ptupper", NULL, 0, 0);
    add_service("ptfilt", NULL, 0, 0);
    add_service("ptfailadd", NULL, PT_FAIL_ADD, 0);
    add_service("ptfailstart", NULL, PT_FAIL_START, 0);
    add_service("ptveto", NULL, PT_VETO_REMOVE | PT_VETO_STOP, 0);
    add_service("ptstop", NULL, 0, 0);
    add_service("ptbus", NULL, PT_BUS, 2);
    add_service("ptchild", NULL, 0, 0);
    add_service("ptgone", "/nonexistent/pnp/driver.so", 0, 0);
    add_service("ptsurprise", NULL, 0, 0);
    return 0;
}

/* 1. A root device: ROOT\<CLASS>\NNNN, the driver loaded, AddDevice,
 * IRP_MN_START_DEVICE, DN_STARTED. */
static void test_root_device_starts(void **state)
{
    char id[PNP_MAX_INSTANCE_ID + 1], id2[PNP_MAX_INSTANCE_ID + 1];
    struct pnp_device_status st;
    PDEVICE_OBJECT pdo;
    (void)state;

    create("PtClass", "ptfunc", id);
    assert_string_equal(id, "ROOT\\PtClass\\0000");
    assert_string_equal(log_get(), "entry:ptfunc;add:ptfunc;start:ptfunc;");
    st = status_of(id);
    assert_true(st.dn_flags & DN_STARTED);
    assert_true(st.dn_flags & DN_ROOT_ENUMERATED);
    assert_true(st.dn_flags & DN_DRIVER_LOADED);
    assert_false(st.dn_flags & DN_HAS_PROBLEM);
    assert_int_equal(st.problem, 0);
    assert_string_equal(st.parent, "HTREE\\ROOT\\0");

    log_reset();
    create("PtClass", "ptfunc", id2);
    assert_string_equal(id2, "ROOT\\PtClass\\0001");
    /* The driver is loaded once. */
    assert_string_equal(log_get(), "add:ptfunc;start:ptfunc;");

    pdo = pnp_device_pdo(id);
    assert_non_null(pdo);
    assert_non_null(pdo->AttachedDevice);
    assert_ptr_equal(pdo->AttachedDevice->DriverObject->DriverExtension->AddDevice != NULL,
                     1);
    ObDereferenceObject(pdo);
    assert_int_equal(pnp_device_get_status("ROOT\\PtClass\\9999", &st), STATUS_NO_SUCH_DEVICE);
    assert_int_equal(pnp_device_create_root("PtClass", NULL, NULL, "ptfunc", id, sizeof(id)),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(pnp_device_create_root("Bad\\Class", "X\0", NULL, "ptfunc", id,
                                            sizeof(id)), STATUS_OBJECT_NAME_INVALID);
}

/* 2. Problem codes of a failed start sequence. */
static void test_start_failures(void **state)
{
    char id[PNP_MAX_INSTANCE_ID + 1];
    struct pnp_device_status st;
    PDEVICE_OBJECT pdo;
    (void)state;

    log_reset();
    create("PtFail", "ptfailadd", id);
    st = status_of(id);
    assert_int_equal(st.problem, CM_PROB_FAILED_ADD);
    assert_true(st.dn_flags & DN_HAS_PROBLEM);
    assert_false(st.dn_flags & DN_STARTED);
    /* The driver went away again (no device left): unloaded. */
    assert_string_equal(log_get(), "entry:ptfailadd;add:ptfailadd;unload:ptfailadd;");

    log_reset();
    create("PtFail", "ptfailstart", id);
    st = status_of(id);
    assert_int_equal(st.problem, CM_PROB_FAILED_START);
    assert_int_equal(st.problem_status, STATUS_DEVICE_CONFIGURATION_ERROR);
    assert_false(st.dn_flags & DN_STARTED);
    /* The stack was torn down with IRP_MN_REMOVE_DEVICE. */
    assert_string_equal(log_get(), "entry:ptfailstart;add:ptfailstart;start:ptfailstart;"
                                   "remove:ptfailstart;unload:ptfailstart;");
    pdo = pnp_device_pdo(id);
    assert_null(pdo->AttachedDevice);
    ObDereferenceObject(pdo);

    create("PtFail", "ptgone", id);
    assert_int_equal(status_of(id).problem, CM_PROB_DRIVER_FAILED_LOAD);
    create("PtFail", "ptnosuchservice", id);
    assert_int_equal(status_of(id).problem, CM_PROB_DRIVER_SERVICE_KEY_INVALID);
    create("PtFail", NULL, id);
    assert_int_equal(status_of(id).problem, CM_PROB_FAILED_INSTALL);
}

/* 3. Disable (query-remove, remove, CM_PROB_DISABLED persisted), filters
 * from the hardware key, enable: lower -> function -> upper AddDevice,
 * START from the top. */
static void test_disable_enable_filters(void **state)
{
    char id[PNP_MAX_INSTANCE_ID + 1], path[300];
    struct pnp_device_status st;
    struct reg_key *k;
    ULONG flags = 0;
    (void)state;

    create("PtFilt", "ptfilt", id);
    log_reset();
    assert_int_equal(pnp_device_disable(id), STATUS_SUCCESS);
    assert_string_equal(log_get(), "qremove:ptfilt;remove:ptfilt;unload:ptfilt;");
    st = status_of(id);
    assert_int_equal(st.problem, CM_PROB_DISABLED);
    assert_false(st.dn_flags & DN_STARTED);
    snprintf(path, sizeof(path), ENUM "%s", id);
    assert_int_equal(reg_key_open(&tc, NULL, path, KEY_READ, &k), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_dword(&tc, k, "ConfigFlags", &flags), STATUS_SUCCESS);
    assert_true(flags & 1);
    reg_key_close(k);

    set_enum_multi(id, "LowerFilters", L"ptlower\0", sizeof(L"ptlower\0"));
    set_enum_multi(id, "UpperFilters", L"ptupper\0", sizeof(L"ptupper\0"));
    log_reset();
    assert_int_equal(pnp_device_enable(id), STATUS_SUCCESS);
    assert_string_equal(log_get(),
                        "entry:ptlower;entry:ptfilt;entry:ptupper;"
                        "add:ptlower;add:ptfilt;add:ptupper;"
                        "start:ptupper;start:ptfilt;start:ptlower;");
    st = status_of(id);
    assert_int_equal(st.problem, 0);
    assert_true(st.dn_flags & DN_STARTED);
    assert_int_equal(reg_key_open(&tc, NULL, path, KEY_READ, &k), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_dword(&tc, k, "ConfigFlags", &flags), STATUS_SUCCESS);
    assert_false(flags & 1);
    reg_key_close(k);

    /* Removal goes down the whole stack, top first. */
    log_reset();
    assert_int_equal(pnp_device_remove(id, TRUE), STATUS_SUCCESS);
    assert_non_null(strstr(log_get(), "qremove:ptupper;qremove:ptfilt;qremove:ptlower;"
                                      "remove:ptupper;remove:ptfilt;remove:ptlower;"));
    assert_int_equal(pnp_device_get_status(id, &st), STATUS_NO_SUCH_DEVICE);
    assert_int_equal(reg_key_open(&tc, NULL, path, KEY_READ, &k), STATUS_OBJECT_NAME_NOT_FOUND);
}

/* 4. A query-remove veto leaves the device running and names the vetoer;
 * so does a query-stop veto. Stop/restart without a veto. */
static void test_veto_and_stop(void **state)
{
    char id[PNP_MAX_INSTANCE_ID + 1], id2[PNP_MAX_INSTANCE_ID + 1];
    struct pnp_device_status st;
    (void)state;

    create("PtVeto", "ptveto", id);
    log_reset();
    assert_int_equal(pnp_device_remove(id, TRUE), STATUS_PLUGPLAY_QUERY_VETOED);
    assert_string_equal(log_get(), "qremove:ptveto;cancelremove:ptveto;");
    st = status_of(id);
    assert_true(st.dn_flags & DN_STARTED);
    assert_int_equal(st.veto_type, PNP_VetoDevice);
    assert_string_equal(st.veto_name, id);
    assert_int_equal(pnp_device_disable(id), STATUS_PLUGPLAY_QUERY_VETOED);
    assert_true(status_of(id).dn_flags & DN_STARTED);

    log_reset();
    assert_int_equal(pnp_device_stop_restart(id), STATUS_PLUGPLAY_QUERY_VETOED);
    assert_string_equal(log_get(), "qstop:ptveto;cancelstop:ptveto;");
    assert_true(status_of(id).dn_flags & DN_STARTED);

    create("PtVeto", "ptstop", id2);
    log_reset();
    assert_int_equal(pnp_device_stop_restart(id2), STATUS_SUCCESS);
    assert_string_equal(log_get(), "qstop:ptstop;stop:ptstop;start:ptstop;");
    assert_true(status_of(id2).dn_flags & DN_STARTED);
}

/* 5. Surprise removal: IRP_MN_SURPRISE_REMOVAL, then IRP_MN_REMOVE_DEVICE. */
static void test_surprise_removal(void **state)
{
    char id[PNP_MAX_INSTANCE_ID + 1];
    struct pnp_device_status st;
    (void)state;

    create("PtSurprise", "ptsurprise", id);
    log_reset();
    assert_int_equal(pnp_device_surprise_remove(id), STATUS_SUCCESS);
    assert_string_equal(log_get(), "surprise:ptsurprise;remove:ptsurprise;unload:ptsurprise;");
    st = status_of(id);
    assert_int_equal(st.problem, CM_PROB_DEVICE_NOT_THERE);
    assert_false(st.dn_flags & DN_STARTED);
}

/* 6. A bus driver's children: enumerated after start with their IDs, text
 * and capabilities, started with the service recorded for them; a child
 * that leaves is surprise-removed; children go before their parent. */
static void test_bus_children(void **state)
{
    char id[PNP_MAX_INSTANCE_ID + 1];
    struct pnp_device_status st;
    struct reg_key *k;
    PDEVICE_OBJECT child;
    WCHAR buf[128];
    ULONG len = 0, v = 0;
    const char *l, *a, *b;
    (void)state;

    assert_int_equal(reg_key_create(&tc, NULL, ENUM "PNPTEST\\CHILD\\1", KEY_ALL_ACCESS,
                                    REG_CREATE_PARENTS, NULL, &k), STATUS_SUCCESS);
    reg_value_set_string(&tc, k, "Service", REG_SZ, "ptchild");
    reg_key_close(k);
    assert_int_equal(reg_key_create(&tc, NULL, ENUM "PNPTEST\\CHILD\\2", KEY_ALL_ACCESS,
                                    REG_CREATE_PARENTS, NULL, &k), STATUS_SUCCESS);
    reg_value_set_string(&tc, k, "Service", REG_SZ, "ptchild");
    reg_key_close(k);

    log_reset();
    create("PtBus", "ptbus", id);
    assert_string_equal(log_get(), "entry:ptbus;add:ptbus;start:ptbus;relations:ptbus;"
                                   "entry:ptchild;add:ptchild;start:ptchild;"
                                   "add:ptchild;start:ptchild;");
    st = status_of(id);
    assert_int_equal(st.child_count, 2);
    st = status_of("PNPTEST\\CHILD\\1");
    assert_true(st.dn_flags & DN_STARTED);
    assert_true(st.dn_flags & DN_REMOVABLE);
    assert_false(st.dn_flags & DN_ROOT_ENUMERATED);
    assert_string_equal(st.parent, id);

    child = pnp_device_pdo("PNPTEST\\CHILD\\2");
    assert_non_null(child);
    assert_int_equal(IoGetDeviceProperty(child, DevicePropertyHardwareID, sizeof(buf), buf,
                                         &len), STATUS_SUCCESS);
    assert_int_equal(len, sizeof(L"PNPTEST\\CHILD\0"));
    assert_memory_equal(buf, L"PNPTEST\\CHILD\0", len);
    assert_int_equal(IoGetDeviceProperty(child, DevicePropertyCompatibleIDs, sizeof(buf), buf,
                                         &len), STATUS_SUCCESS);
    assert_memory_equal(buf, L"PNPTEST\\GENERIC\0", sizeof(L"PNPTEST\\GENERIC\0"));
    assert_int_equal(IoGetDeviceProperty(child, DevicePropertyDeviceDescription, sizeof(buf),
                                         buf, &len), STATUS_SUCCESS);
    assert_memory_equal(buf, L"PnP test child", sizeof(L"PnP test child"));
    assert_int_equal(IoGetDeviceProperty(child, DevicePropertyEnumeratorName, sizeof(buf), buf,
                                         &len), STATUS_SUCCESS);
    assert_memory_equal(buf, L"PNPTEST", sizeof(L"PNPTEST"));
    assert_int_equal(IoGetDeviceProperty(child, DevicePropertyAddress, sizeof(v), &v, &len),
                     STATUS_SUCCESS);
    assert_int_equal(v, 1);
    assert_int_equal(IoGetDeviceProperty(child, DevicePropertyRemovalPolicy, sizeof(v), &v,
                                         &len), STATUS_SUCCESS);
    assert_int_equal(v, RemovalPolicyExpectSurpriseRemoval);
    ObDereferenceObject(child);

    /* Child 1 leaves the bus. */
    log_reset();
    drv_set_present(0, FALSE);
    pnp_wait_idle();
    assert_string_equal(log_get(), "relations:ptbus;surprise:ptchild;childsurprise:bus;"
                                   "remove:ptchild;childremove:bus;");
    assert_int_equal(pnp_device_get_status("PNPTEST\\CHILD\\1", &st), STATUS_NO_SUCH_DEVICE);
    assert_int_equal(status_of(id).child_count, 1);

    /* Removing the bus removes the remaining child first. */
    log_reset();
    assert_int_equal(pnp_device_remove(id, TRUE), STATUS_SUCCESS);
    l = log_get();
    a = strstr(l, "remove:ptchild;");
    b = strstr(l, "remove:ptbus;");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    a = strstr(l, "qremove:ptchild;");
    b = strstr(l, "qremove:ptbus;");
    assert_non_null(a);
    assert_true(a < b);
    assert_int_equal(pnp_device_get_status("PNPTEST\\CHILD\\2", &st), STATUS_NO_SUCH_DEVICE);
}

/* 7. IoGetDeviceProperty's buffer contract and IoOpenDeviceRegistryKey. */
static void test_properties_and_keys(void **state)
{
    char id[PNP_MAX_INSTANCE_ID + 1], path[300], drvkey[128];
    PDEVICE_OBJECT pdo;
    WCHAR buf[256];
    ULONG len = 0, v = 0;
    HANDLE h;
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"Setting");
    ULONG val = 42;
    struct reg_key *k;
    (void)state;

    create("PtProp", "ptfunc", id);
    pdo = pnp_device_pdo(id);
    assert_non_null(pdo);

    /* Too small: STATUS_BUFFER_TOO_SMALL and the size needed. */
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyHardwareID, 4, buf, &len),
                     STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(len, sizeof(L"PTTEST\\HW1\0PTTEST\\HW\0"));
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyHardwareID, 0, NULL, &len),
                     STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyHardwareID, sizeof(buf), buf, &len),
                     STATUS_SUCCESS);
    assert_memory_equal(buf, L"PTTEST\\HW1\0PTTEST\\HW\0", len);
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyClassName, sizeof(buf), buf, &len),
                     STATUS_SUCCESS);
    assert_memory_equal(buf, L"PtProp", sizeof(L"PtProp"));
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyEnumeratorName, sizeof(buf), buf,
                                         &len), STATUS_SUCCESS);
    assert_memory_equal(buf, L"ROOT", sizeof(L"ROOT"));
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyPhysicalDeviceObjectName,
                                         sizeof(buf), buf, &len), STATUS_SUCCESS);
    assert_memory_equal(buf, L"\\Device\\", 8 * sizeof(WCHAR));
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyInstallState, sizeof(v), &v, &len),
                     STATUS_SUCCESS);
    assert_int_equal(v, InstallStateInstalled);
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyRemovalPolicy, sizeof(v), &v, &len),
                     STATUS_SUCCESS);
    assert_int_equal(v, RemovalPolicyExpectNoRemoval);
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyFriendlyName, sizeof(buf), buf,
                                         &len), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyDriverKeyName, sizeof(buf), buf,
                                         &len), STATUS_OBJECT_NAME_NOT_FOUND);
    /* Not a PDO: the FDO above it. */
    assert_int_equal(IoGetDeviceProperty(pdo->AttachedDevice, DevicePropertyHardwareID,
                                         sizeof(buf), buf, &len),
                     STATUS_INVALID_DEVICE_REQUEST);

    /* PLUGPLAY_REGKEY_DEVICE: Enum\<id>\Device Parameters. */
    assert_int_equal(IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DEVICE, KEY_ALL_ACCESS, &h),
                     STATUS_SUCCESS);
    assert_int_equal(ZwSetValueKey(h, &name, 0, REG_DWORD, &val, sizeof(val)), STATUS_SUCCESS);
    ZwClose(h);
    snprintf(path, sizeof(path), ENUM "%s\\Device Parameters", id);
    assert_int_equal(reg_key_open(&tc, NULL, path, KEY_READ, &k), STATUS_SUCCESS);
    assert_int_equal(reg_value_query_dword(&tc, k, "Setting", &v), STATUS_SUCCESS);
    assert_int_equal(v, 42);
    reg_key_close(k);

    /* PLUGPLAY_REGKEY_DRIVER: no class GUID yet -> no software key; with
     * one, Control\Class\{guid}\NNNN and the Driver value names it. */
    assert_int_equal(IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DRIVER, KEY_READ, &h),
                     STATUS_INVALID_PARAMETER);
    snprintf(path, sizeof(path), ENUM "%s", id);
    assert_int_equal(reg_key_open(&tc, NULL, path, KEY_ALL_ACCESS, &k), STATUS_SUCCESS);
    reg_value_set_string(&tc, k, "ClassGUID", REG_SZ, "{4d36e97d-e325-11ce-bfc1-08002be10318}");
    reg_key_close(k);
    assert_int_equal(IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DRIVER, KEY_ALL_ACCESS, &h),
                     STATUS_SUCCESS);
    ZwClose(h);
    assert_int_equal(IoGetDeviceProperty(pdo, DevicePropertyDriverKeyName, sizeof(buf), buf,
                                         &len), STATUS_SUCCESS);
    assert_memory_equal(buf, L"{4d36e97d-e325-11ce-bfc1-08002be10318}\\0000",
                        sizeof(L"{4d36e97d-e325-11ce-bfc1-08002be10318}\\0000"));
    snprintf(drvkey, sizeof(drvkey), "\\Registry\\Machine\\System\\CurrentControlSet\\Control"
             "\\Class\\{4d36e97d-e325-11ce-bfc1-08002be10318}\\0000");
    assert_int_equal(reg_key_open(&tc, NULL, drvkey, KEY_READ, &k), STATUS_SUCCESS);
    reg_key_close(k);
    assert_int_equal(IoOpenDeviceRegistryKey(pdo, 3, KEY_READ, &h), STATUS_INVALID_PARAMETER);
    ObDereferenceObject(pdo);
}

/* Target device notifications: what a registrant on a device sees. */
static char notes[256];
static PVOID note_entry;

static NTSTATUS NTAPI on_target(PVOID n, PVOID ctx)
{
    PTARGET_DEVICE_REMOVAL_NOTIFICATION t = n;
    const char *what = IsEqualGUID(&t->Event, &GUID_TARGET_DEVICE_QUERY_REMOVE)      ? "Q;"
                       : IsEqualGUID(&t->Event, &GUID_TARGET_DEVICE_REMOVE_CANCELLED) ? "C;"
                       : IsEqualGUID(&t->Event, &GUID_TARGET_DEVICE_REMOVE_COMPLETE)  ? "R;"
                                                                                       : "?;";
    assert_ptr_equal(ctx, &notes);
    assert_int_equal(t->Size, sizeof(*t));
    assert_non_null(t->FileObject);
    strcat(notes, what);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI null_entry(PDRIVER_OBJECT d, PUNICODE_STRING p)
{
    (void)d, (void)p;
    return STATUS_SUCCESS;
}

static void test_target_notifications(void **state)
{
    char id[PNP_MAX_INSTANCE_ID + 1], id2[PNP_MAX_INSTANCE_ID + 1];
    PDRIVER_OBJECT me;
    PDEVICE_OBJECT pdo;
    FILE_OBJECT fo;
    (void)state;

    assert_int_equal(io_create_builtin_driver(L"pnpwatcher", null_entry, &me), STATUS_SUCCESS);
    create("PtNotify", "ptveto", id);
    create("PtNotify", "ptfunc", id2);
    /* A file object on the device's stack names it. */
    pdo = pnp_device_pdo(id);
    memset(&fo, 0, sizeof(fo));
    fo.Type = IO_TYPE_FILE;
    fo.Size = sizeof(fo);
    fo.DeviceObject = pdo;
    assert_int_equal(IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, &fo, me,
                                                    on_target, &notes, &note_entry),
                     STATUS_SUCCESS);
    notes[0] = 0;
    assert_int_equal(pnp_device_remove(id, TRUE), STATUS_PLUGPLAY_QUERY_VETOED);
    assert_string_equal(notes, "Q;C;");
    /* Another device's removal is not ours to see. */
    notes[0] = 0;
    assert_int_equal(pnp_device_disable(id2), STATUS_SUCCESS);
    assert_string_equal(notes, "");
    assert_int_equal(IoUnregisterPlugPlayNotification(note_entry), STATUS_SUCCESS);
    ObDereferenceObject(pdo);

    pdo = pnp_device_pdo(id2);
    fo.DeviceObject = pdo;
    assert_int_equal(pnp_device_enable(id2), STATUS_SUCCESS);
    assert_int_equal(IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, &fo, me,
                                                    on_target, &notes, &note_entry),
                     STATUS_SUCCESS);
    notes[0] = 0;
    assert_int_equal(pnp_device_disable(id2), STATUS_SUCCESS);
    assert_string_equal(notes, "Q;R;");
    assert_int_equal(IoUnregisterPlugPlayNotification(note_entry), STATUS_SUCCESS);
    assert_int_equal(IoUnregisterPlugPlayNotification(note_entry), STATUS_INVALID_PARAMETER);
    ObDereferenceObject(pdo);
    io_unload_driver(me);
}

/* 8. Persistence: after a restart of the PnP manager, root devices come
 * back with the same instance IDs (started, or disabled as they were). */
static void test_persistence(void **state)
{
    char a[PNP_MAX_INSTANCE_ID + 1], b[PNP_MAX_INSTANCE_ID + 1], c[PNP_MAX_INSTANCE_ID + 1];
    struct pnp_device_status st;
    ULONG before;
    (void)state;

    create("PtPersist", "ptfunc", a);
    create("PtPersist", "ptfunc", b);
    assert_int_equal(pnp_device_disable(b), STATUS_SUCCESS);
    before = pnp_device_count();

    pnp_shutdown();
    drv_log = NULL;
    assert_int_equal(pnp_device_count(), 0);
    assert_int_equal(pnp_init(), STATUS_SUCCESS);
    assert_int_equal(pnp_device_count(), before);
    st = status_of(a);
    assert_true(st.dn_flags & DN_STARTED);
    st = status_of(b);
    assert_int_equal(st.problem, CM_PROB_DISABLED);
    assert_int_equal(pnp_device_enable(b), STATUS_SUCCESS);
    assert_true(status_of(b).dn_flags & DN_STARTED);
    create("PtPersist", "ptfunc", c);
    assert_string_equal(c, "ROOT\\PtPersist\\0002");
    pnp_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_device_starts),
        cmocka_unit_test(test_start_failures),
        cmocka_unit_test(test_disable_enable_filters),
        cmocka_unit_test(test_veto_and_stop),
        cmocka_unit_test(test_surprise_removal),
        cmocka_unit_test(test_bus_children),
        cmocka_unit_test(test_properties_and_keys),
        cmocka_unit_test(test_target_notifications),
        cmocka_unit_test(test_persistence),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
