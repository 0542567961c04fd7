/*
 * pnp/pnp_int.h - the PnP manager's private structures, shared by its files
 * (pnp.c: tree and sequences; pnpprop.c: properties and registry keys;
 * pnpnotify.c: target device notifications).
 */
#ifndef DDK_PNP_PNP_INT_H
#define DDK_PNP_PNP_INT_H

#include "pnp/pnp.h"
#include "io/iodev.h"
#include "ke/ke.h"
#include "krnl/krnl.h"
#include "registry/reg.h"
#include "rtl/rtl.h"

#include <pthread.h>
#include <stdbool.h>

#define PNP_CCS_PATH      "\\Registry\\Machine\\System\\CurrentControlSet"
#define PNP_ENUM_PATH     PNP_CCS_PATH "\\Enum"
#define PNP_SERVICES_PATH PNP_CCS_PATH "\\Services"
#define PNP_CLASS_PATH    PNP_CCS_PATH "\\Control\\Class"
#define PNP_CONFIGFLAG_DISABLED 0x00000001u   /* CONFIGFLAG_DISABLED (regstr.h) */

struct pnp_service;

/*
 * A device node. instance_id, pdo, root_enumerated never change after the
 * node is linked. Links, hash_next and the status fields (dn_flags,
 * problem, problem_status, veto_*) are written by the worker under
 * pnp_lock; everything else is the worker's alone.
 */
struct pnp_node {
    char instance_id[PNP_MAX_INSTANCE_ID + 1];
    struct pnp_node *parent, *first_child, *last_child;   /* pnp_lock */
    struct pnp_node *next_sibling, *prev_sibling;         /* pnp_lock */
    struct pnp_node *hash_next;                           /* pnp_lock */
    PDEVICE_OBJECT pdo;          /* referenced by the node */
    char *hwids, *compat;        /* multi-strings or NULL */
    char *service;               /* function driver or NULL */
    char *description;           /* IRP_MN_QUERY_DEVICE_TEXT */
    ULONG dn_flags;              /* pnp_lock */
    ULONG problem;               /* pnp_lock */
    NTSTATUS problem_status;     /* pnp_lock */
    PNP_VETO_TYPE veto_type;     /* pnp_lock */
    char veto_name[PNP_MAX_INSTANCE_ID + 1];   /* pnp_lock */
    bool root_enumerated;        /* the PDO is ours */
    bool stack_built;            /* drivers were added over the PDO */
    bool disabled;               /* ConfigFlags & CONFIGFLAG_DISABLED */
    bool present;                /* enumeration mark */
    bool removable, surprise_ok;
    ULONG address;
    struct pnp_service **svcs;   /* drivers of the stack, bottom up */
    ULONG n_svcs;
};

extern pthread_mutex_t pnp_lock;
extern const struct reg_caller pnp_caller;
extern struct pnp_node pnp_root;

NTSTATUS pnp_run(void (*fn)(void *), void *arg);
NTSTATUS pnp_run_async(void (*fn)(void *), void *arg);
bool pnp_on_worker(void);
struct pnp_node *pnp_find(const char *id);
struct pnp_node *pnp_find_locked(const char *id);
struct pnp_node *pnp_find_pdo(PDEVICE_OBJECT pdo);
NTSTATUS pnp_enum_key(const struct pnp_node *n, bool create, struct reg_key **k);
NTSTATUS pnp_send(PDEVICE_OBJECT pdo, UCHAR minor, const IO_STACK_LOCATION *params,
                  ULONG_PTR *info);
size_t pnp_multi_len(const char *m);
char *pnp_multi_dup(const char *m);
char *pnp_multi_from_wide(const WCHAR *w);

/* Target device notifications (pnpnotify.c). */
enum pnp_target_event {
    PNP_TARGET_QUERY_REMOVE,
    PNP_TARGET_REMOVE_COMPLETE,
    PNP_TARGET_REMOVE_CANCELLED,
};
void pnp_notify_target(struct pnp_node *n, enum pnp_target_event ev);
void pnp_notify_shutdown(void);

#endif /* DDK_PNP_PNP_INT_H */
