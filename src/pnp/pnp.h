/*
 * pnp/pnp.h - the PnP manager's internal API (device tree, start/remove
 * sequences, enumeration) for the device manager, the `ddk` tool and tests.
 *
 * Instance IDs and hardware IDs are UTF-8 here; hardware/compatible ID
 * lists are multi-strings (NUL between strings, an empty string at the
 * end). Every call that changes the tree runs as an action on the one PnP
 * worker thread and waits for it (unless it says otherwise).
 */
#ifndef DDK_PNP_PNP_H
#define DDK_PNP_PNP_H

#include <wdm.h>
#include <stddef.h>

#define PNP_MAX_INSTANCE_ID 200

/* Starts the PnP manager for the current state root (lazy: every entry
 * point calls it) and brings back root devices recorded in the registry
 * (same instance IDs), starting those that are not disabled. */
NTSTATUS pnp_init(void);
/* Removes every device (children before parents), unloads the drivers the
 * PnP manager loaded and stops the worker. The registry keeps the devices:
 * a later pnp_init brings them back. */
void pnp_shutdown(void);

/* Creates a root-enumerated device ROOT\<class_name>\NNNN (class_name NULL:
 * "UNKNOWN") with the given hardware IDs (multi-string, required),
 * compatible IDs (multi-string or NULL) and function service, records it
 * under Enum\ and starts it. The device exists even if it failed to start
 * (see pnp_device_get_status). instance_id receives the ID. */
NTSTATUS pnp_device_create_root(const char *class_name, const char *hwids,
                                const char *compat_ids, const char *service,
                                char *instance_id, size_t size);

struct pnp_device_status {
    ULONG dn_flags;          /* DN_* */
    ULONG problem;           /* CM_PROB_*, 0 when none */
    NTSTATUS problem_status; /* the status that caused the problem */
    PNP_VETO_TYPE veto_type; /* last query-remove/stop veto */
    char veto_name[PNP_MAX_INSTANCE_ID + 1]; /* who vetoed (instance ID) */
    char parent[PNP_MAX_INSTANCE_ID + 1];
    ULONG child_count;
};
/* STATUS_NO_SUCH_DEVICE for an unknown instance. */
NTSTATUS pnp_device_get_status(const char *instance_id, struct pnp_device_status *st);

/* Query-remove (children first), then remove: on a veto
 * STATUS_PLUGPLAY_QUERY_VETOED and the device keeps running (veto recorded
 * in its status). uninstall: also delete the device (PDO and Enum key). */
NTSTATUS pnp_device_remove(const char *instance_id, BOOLEAN uninstall);
/* Disable: a query-removal and removal of the stack, then CM_PROB_DISABLED
 * (persisted). Enable: clears it and starts the device. */
NTSTATUS pnp_device_disable(const char *instance_id);
NTSTATUS pnp_device_enable(const char *instance_id);
/* Surprise removal of a device (and its children), then removal. */
NTSTATUS pnp_device_surprise_remove(const char *instance_id);
/* Query-stop, stop, then start again (resource rebalance). A veto leaves
 * the device running: STATUS_PLUGPLAY_QUERY_VETOED. */
NTSTATUS pnp_device_stop_restart(const char *instance_id);

/* The device's PDO, referenced (ObDereferenceObject), or NULL. */
PDEVICE_OBJECT pnp_device_pdo(const char *instance_id);
/* Waits until every queued PnP action (e.g. enumeration requested by
 * IoInvalidateDeviceRelations) has run. */
void pnp_wait_idle(void);
/* Number of devices in the tree. */
ULONG pnp_device_count(void);

/* Target device notifications, for io's IoRegisterPlugPlayNotification
 * (EventCategoryTargetDeviceChange; file names the device). Unregister
 * answers STATUS_NOT_FOUND for an entry that is not a target registration. */
NTSTATUS pnp_target_register(PFILE_OBJECT file, PDRIVER_OBJECT driver,
                             PDRIVER_NOTIFICATION_CALLBACK_ROUTINE callback, PVOID context,
                             PVOID *entry);
NTSTATUS pnp_target_unregister(PVOID entry);

#endif /* DDK_PNP_PNP_H */
