/*
 * pnp/pnpnotify.c - target device notifications
 * (IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange)).
 *
 * A registration names a file object; as on Windows, its device stack is
 * asked for IRP_MN_QUERY_DEVICE_RELATIONS(TargetDeviceRelation) to find the
 * PDO it belongs to. The removal sequences (pnp.c, on the worker) call
 * pnp_notify_target at the points where Windows sends
 * GUID_TARGET_DEVICE_QUERY_REMOVE, GUID_TARGET_DEVICE_REMOVE_CANCELLED and
 * GUID_TARGET_DEVICE_REMOVE_COMPLETE. pnp_notify_lock guards the list and
 * each registration's refs/running; callbacks run without it.
 */
#include "pnp/pnp_int.h"
#include <wdmguid.h>

#include <stdlib.h>
#include <string.h>

struct pnp_target_reg {
    struct pnp_target_reg *next;     /* pnp_notify_lock */
    PDEVICE_OBJECT pdo;              /* referenced */
    PFILE_OBJECT file;
    PDRIVER_OBJECT driver;           /* referenced */
    PDRIVER_NOTIFICATION_CALLBACK_ROUTINE callback;
    PVOID context;
    ULONG running;                   /* pnp_notify_lock: callbacks in progress */
    ULONG seen;                      /* pnp_notify_lock: last notification round */
    bool unregistered;               /* pnp_notify_lock */
};

static pthread_mutex_t pnp_notify_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pnp_notify_cond = PTHREAD_COND_INITIALIZER;
static struct pnp_target_reg *pnp_target_regs;   /* pnp_notify_lock */

NTSTATUS pnp_target_register(PFILE_OBJECT file, PDRIVER_OBJECT driver,
                             PDRIVER_NOTIFICATION_CALLBACK_ROUTINE callback, PVOID context,
                             PVOID *entry)
{
    IO_STACK_LOCATION params;
    ULONG_PTR info = 0;
    PDEVICE_RELATIONS rel;
    struct pnp_target_reg *r;
    NTSTATUS st;

    if (!file || !file->DeviceObject)
        return STATUS_INVALID_PARAMETER;
    memset(&params, 0, sizeof(params));
    params.Parameters.QueryDeviceRelations.Type = TargetDeviceRelation;
    st = pnp_send(file->DeviceObject, IRP_MN_QUERY_DEVICE_RELATIONS, &params, &info);
    rel = (PDEVICE_RELATIONS)info;
    if (!NT_SUCCESS(st) || !rel || rel->Count != 1) {
        if (rel) {
            for (ULONG i = 0; i < rel->Count; i++)
                ObDereferenceObject(rel->Objects[i]);
            ExFreePool(rel);
        }
        return NT_SUCCESS(st) ? STATUS_INVALID_DEVICE_REQUEST : st;
    }
    r = calloc(1, sizeof(*r));
    if (!r) {
        ObDereferenceObject(rel->Objects[0]);
        ExFreePool(rel);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    r->pdo = rel->Objects[0];   /* the reference of the relations list */
    ExFreePool(rel);
    r->file = file;
    r->driver = driver;
    ObReferenceObject(driver);
    r->callback = callback;
    r->context = context;
    pthread_mutex_lock(&pnp_notify_lock);
    r->next = pnp_target_regs;
    pnp_target_regs = r;
    pthread_mutex_unlock(&pnp_notify_lock);
    *entry = r;
    return STATUS_SUCCESS;
}

/* STATUS_NOT_FOUND when entry is none of ours. */
NTSTATUS pnp_target_unregister(PVOID entry)
{
    struct pnp_target_reg **pp, *r = NULL;

    pthread_mutex_lock(&pnp_notify_lock);
    for (pp = &pnp_target_regs; *pp; pp = &(*pp)->next)
        if (*pp == entry) {
            r = *pp;
            *pp = r->next;
            break;
        }
    if (!r) {
        pthread_mutex_unlock(&pnp_notify_lock);
        return STATUS_NOT_FOUND;
    }
    r->unregistered = true;
    /* No callback runs once we return, except one we are called from
     * (the worker calls them; an unregistering callback runs there). */
    while (r->running && !pnp_on_worker())
        pthread_cond_wait(&pnp_notify_cond, &pnp_notify_lock);
    if (r->running) {
        pthread_mutex_unlock(&pnp_notify_lock);
        return STATUS_SUCCESS;     /* freed by pnp_notify_target after the call */
    }
    pthread_mutex_unlock(&pnp_notify_lock);
    ObDereferenceObject(r->pdo);
    ObDereferenceObject(r->driver);
    free(r);
    return STATUS_SUCCESS;
}

void pnp_notify_target(struct pnp_node *n, enum pnp_target_event ev)
{
    TARGET_DEVICE_REMOVAL_NOTIFICATION note;
    struct pnp_target_reg *r;
    const GUID *g = ev == PNP_TARGET_QUERY_REMOVE     ? &GUID_TARGET_DEVICE_QUERY_REMOVE
                    : ev == PNP_TARGET_REMOVE_COMPLETE ? &GUID_TARGET_DEVICE_REMOVE_COMPLETE
                                                       : &GUID_TARGET_DEVICE_REMOVE_CANCELLED;
    bool again = true;

    /* Calls each registration on the PDO once; the list may change during
     * a callback, so rescan after each one (seen marks this round). */
    static ULONG gen;
    ULONG my;
    pthread_mutex_lock(&pnp_notify_lock);
    my = ++gen;
    while (again) {
        again = false;
        for (r = pnp_target_regs; r; r = r->next) {
            if (r->pdo != n->pdo || r->unregistered || r->seen == my)
                continue;
            r->seen = my;
            r->running++;
            pthread_mutex_unlock(&pnp_notify_lock);
            note.Version = 1;
            note.Size = sizeof(note);
            note.Event = *g;
            note.FileObject = r->file;
            r->callback(&note, r->context);
            pthread_mutex_lock(&pnp_notify_lock);
            r->running--;
            pthread_cond_broadcast(&pnp_notify_cond);
            if (r->unregistered) {
                /* Unregistered from its own callback: free it now. */
                ObDereferenceObject(r->pdo);
                ObDereferenceObject(r->driver);
                free(r);
            }
            again = true;
            break;
        }
    }
    pthread_mutex_unlock(&pnp_notify_lock);
}

void pnp_notify_shutdown(void)
{
}
