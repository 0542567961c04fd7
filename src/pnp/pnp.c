/*
 * pnp/pnp.c - the PnP manager: the device tree, the root enumerator, the
 * start/stop/remove sequences and bus enumeration.
 *
 * Design. The tree is a set of device nodes (struct pnp_node) under an
 * invisible root node (HTREE\ROOT\0). Root-enumerated devices get a PDO of
 * the built-in \Driver\PnpManager, whose dispatch answers the bus side of
 * the PnP IRPs from the node; bus-enumerated children get the PDOs their
 * bus driver reports in IRP_MN_QUERY_DEVICE_RELATIONS(BusRelations). Every
 * change of the tree -- create, start, enumerate, stop, remove -- runs as an
 * action on one worker thread, so the sequences never interleave (as on
 * Windows, where one PnP worker serializes them); callers that need the
 * result queue the action and wait for it, IoInvalidateDeviceRelations
 * queues without waiting. Drivers are called only from the worker, with no
 * lock held. pnp_lock guards the links between nodes, the instance hash and
 * the status fields other threads read (dn_flags, problem, veto); the
 * worker is the only writer of all of them. The registry's Enum\<instance>
 * key records each device so that pnp_init brings it back (persistence).
 */
#define _GNU_SOURCE
#include "pnp/pnp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

pthread_mutex_t pnp_lock = PTHREAD_MUTEX_INITIALIZER;
const struct reg_caller pnp_caller = { REG_CALLER_KERNEL, "pnp" };

static pthread_cond_t pnp_cond = PTHREAD_COND_INITIALIZER;      /* queue changes */
static pthread_cond_t pnp_done_cond = PTHREAD_COND_INITIALIZER; /* actions done */
static bool pnp_running;          /* pnp_lock */
static bool pnp_stopping;         /* pnp_lock */
static pthread_t pnp_worker;
static struct pnp_action *pnp_q_head, *pnp_q_tail;   /* pnp_lock */
static ULONG pnp_busy;            /* pnp_lock: queued + running actions */

struct pnp_node pnp_root;         /* links: pnp_lock */
static PDRIVER_OBJECT pnp_root_driver;

#define PNP_HASH_SIZE 16384u
static struct pnp_node *pnp_hash[PNP_HASH_SIZE];   /* pnp_lock */
static ULONG pnp_count;                            /* pnp_lock */

/* Classes seen: the next free root instance number of each (worker only). */
struct pnp_class_ctr {
    struct pnp_class_ctr *next;
    char name[64];
    ULONG next_number;
};
static struct pnp_class_ctr *pnp_classes;

/* Drivers the PnP manager loaded (worker only). */
struct pnp_service {
    struct pnp_service *next;
    char name[IO_MAX_SERVICE_NAME + 1];
    PDRIVER_OBJECT driver;
    ULONG users;             /* nodes whose stack uses it */
};
static struct pnp_service *pnp_services;

/* ------------------------------------------------------------------ */
/* The worker                                                          */

struct pnp_action {
    struct pnp_action *next;
    void (*fn)(void *);
    void *arg;
    bool waited;             /* the caller waits and frees it */
    bool done;               /* pnp_lock */
};

static void *pnp_worker_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&pnp_lock);
    for (;;) {
        struct pnp_action *a;
        while (!pnp_q_head && !pnp_stopping)
            pthread_cond_wait(&pnp_cond, &pnp_lock);
        if (!pnp_q_head)
            break;
        a = pnp_q_head;
        pnp_q_head = a->next;
        if (!pnp_q_head)
            pnp_q_tail = NULL;
        pthread_mutex_unlock(&pnp_lock);
        a->fn(a->arg);
        pthread_mutex_lock(&pnp_lock);
        pnp_busy--;
        if (a->waited)
            a->done = true;
        else
            free(a);
        pthread_cond_broadcast(&pnp_done_cond);
    }
    pthread_mutex_unlock(&pnp_lock);
    return NULL;
}

bool pnp_on_worker(void)
{
    return pnp_running && pthread_equal(pthread_self(), pnp_worker);
}

/* Queues fn(arg); waits for it unless async. On the worker itself the
 * action runs at once (a driver calling back into us). */
static NTSTATUS pnp_queue(void (*fn)(void *), void *arg, bool async)
{
    struct pnp_action local = { 0 }, *a = &local;

    if (pnp_on_worker() && !async) {
        fn(arg);
        return STATUS_SUCCESS;
    }
    if (async) {
        a = calloc(1, sizeof(*a));
        if (!a)
            return STATUS_INSUFFICIENT_RESOURCES;
    }
    a->fn = fn;
    a->arg = arg;
    a->waited = !async;
    pthread_mutex_lock(&pnp_lock);
    if (!pnp_running) {
        pthread_mutex_unlock(&pnp_lock);
        if (async)
            free(a);
        return STATUS_DEVICE_NOT_READY;
    }
    if (pnp_q_tail)
        pnp_q_tail->next = a;
    else
        pnp_q_head = a;
    pnp_q_tail = a;
    pnp_busy++;
    pthread_cond_signal(&pnp_cond);
    if (!async)
        while (!a->done)
            pthread_cond_wait(&pnp_done_cond, &pnp_lock);
    pthread_mutex_unlock(&pnp_lock);
    return STATUS_SUCCESS;
}

NTSTATUS pnp_run(void (*fn)(void *), void *arg)
{
    NTSTATUS st = pnp_init();
    if (!NT_SUCCESS(st))
        return st;
    return pnp_queue(fn, arg, false);
}

NTSTATUS pnp_run_async(void (*fn)(void *), void *arg)
{
    return pnp_queue(fn, arg, true);
}

void pnp_wait_idle(void)
{
    pthread_mutex_lock(&pnp_lock);
    while (pnp_running && pnp_busy && !pnp_on_worker())
        pthread_cond_wait(&pnp_done_cond, &pnp_lock);
    pthread_mutex_unlock(&pnp_lock);
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */

size_t pnp_multi_len(const char *m)
{
    const char *p = m;
    if (!m)
        return 0;
    while (*p)
        p += strlen(p) + 1;
    return (size_t)(p - m) + 1;      /* with the final empty string */
}

char *pnp_multi_dup(const char *m)
{
    size_t n;
    char *r;
    if (!m)
        return NULL;
    n = pnp_multi_len(m);
    r = malloc(n + 1);
    if (r) {
        memcpy(r, m, n);
        r[n] = 0;
    }
    return r;
}

/* A wide multi-string (from a driver) to a malloc'd UTF-8 one. */
char *pnp_multi_from_wide(const WCHAR *w)
{
    size_t n = 0, out = 0;
    char *r;
    if (!w)
        return NULL;
    while (w[n])
        n += rtl_wcslen(w + n) + 1;
    n++;
    if (!NT_SUCCESS(rtl_utf16_to_utf8(NULL, 0, &out, w, n)))
        return NULL;
    r = malloc(out + 2);
    if (!r)
        return NULL;
    rtl_utf16_to_utf8(r, out + 2, &out, w, n);
    r[out] = 0;
    r[out + 1] = 0;
    return r;
}

/* UTF-8 (multi-)string of len bytes to a REG_SZ/REG_MULTI_SZ value. */
static NTSTATUS pnp_set_wide(struct reg_key *k, const char *name, ULONG type, const char *s,
                             size_t len)
{
    size_t cch = 0;
    WCHAR *w;
    NTSTATUS st;

    rtl_utf8_to_utf16(NULL, 0, &cch, s, len);
    w = calloc(cch + 1, sizeof(WCHAR));
    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    rtl_utf8_to_utf16(w, cch + 1, &cch, s, len);
    st = reg_value_set(&pnp_caller, k, name, type, w, (ULONG)(cch * sizeof(WCHAR)));
    free(w);
    return st;
}

NTSTATUS pnp_enum_key(const struct pnp_node *n, bool create, struct reg_key **k)
{
    char path[PNP_MAX_INSTANCE_ID + 80];
    snprintf(path, sizeof(path), "%s\\%s", PNP_ENUM_PATH, n->instance_id);
    if (create)
        return reg_key_create(&pnp_caller, NULL, path, KEY_ALL_ACCESS, REG_CREATE_PARENTS,
                              NULL, k);
    return reg_key_open(&pnp_caller, NULL, path, KEY_ALL_ACCESS, k);
}

/* A multi-string value of the hardware key as UTF-8 (malloc'd) or NULL. */
static char *pnp_reg_multi(struct reg_key *k, const char *name)
{
    char buf[4096];
    if (!NT_SUCCESS(reg_value_query_string(&pnp_caller, k, name, 0, buf, sizeof(buf) - 2)))
        return NULL;
    buf[sizeof(buf) - 2] = 0;
    buf[sizeof(buf) - 1] = 0;
    return pnp_multi_dup(buf);
}

/* ------------------------------------------------------------------ */
/* Nodes                                                               */

static unsigned pnp_hash_of(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 32);
        h = (h ^ c) * 16777619u;
    }
    return h % PNP_HASH_SIZE;
}

/* pnp_lock held. */
struct pnp_node *pnp_find_locked(const char *id)
{
    struct pnp_node *n;
    if (!id)
        return NULL;
    for (n = pnp_hash[pnp_hash_of(id)]; n; n = n->hash_next)
        if (!strcasecmp(n->instance_id, id))
            return n;
    return NULL;
}

struct pnp_node *pnp_find(const char *id)
{
    struct pnp_node *n;
    pthread_mutex_lock(&pnp_lock);
    n = pnp_find_locked(id);
    pthread_mutex_unlock(&pnp_lock);
    return n;
}

/* The node of a PDO (by the instance ID io keeps on it), or NULL. */
struct pnp_node *pnp_find_pdo(PDEVICE_OBJECT pdo)
{
    struct io_device *d = io_dev(pdo);
    struct pnp_node *n = NULL;
    char *id;

    if (!pdo)
        return NULL;
    io_db_acquire();
    id = d->instance_id ? rtl_wstr_to_utf8(d->instance_id, (size_t)-1) : NULL;
    io_db_release();
    if (!id)
        return NULL;
    pthread_mutex_lock(&pnp_lock);
    n = pnp_find_locked(id);
    if (n && n->pdo != pdo)
        n = NULL;
    pthread_mutex_unlock(&pnp_lock);
    free(id);
    return n;
}

static void pnp_link(struct pnp_node *parent, struct pnp_node *n)
{
    unsigned h = pnp_hash_of(n->instance_id);
    pthread_mutex_lock(&pnp_lock);
    n->parent = parent;
    n->next_sibling = NULL;
    if (parent->last_child)
        parent->last_child->next_sibling = n;
    else
        parent->first_child = n;
    n->prev_sibling = parent->last_child;
    parent->last_child = n;
    n->hash_next = pnp_hash[h];
    pnp_hash[h] = n;
    pnp_count++;
    pthread_mutex_unlock(&pnp_lock);
}

static void pnp_unlink(struct pnp_node *n)
{
    struct pnp_node **pp;
    struct pnp_node *p = n->parent;
    pthread_mutex_lock(&pnp_lock);
    if (n->prev_sibling)
        n->prev_sibling->next_sibling = n->next_sibling;
    else
        p->first_child = n->next_sibling;
    if (n->next_sibling)
        n->next_sibling->prev_sibling = n->prev_sibling;
    else
        p->last_child = n->prev_sibling;
    for (pp = &pnp_hash[pnp_hash_of(n->instance_id)]; *pp; pp = &(*pp)->hash_next)
        if (*pp == n) {
            *pp = n->hash_next;
            break;
        }
    pnp_count--;
    pthread_mutex_unlock(&pnp_lock);
}

static void pnp_set_problem(struct pnp_node *n, ULONG problem, NTSTATUS why)
{
    pthread_mutex_lock(&pnp_lock);
    n->problem = problem;
    n->problem_status = why;
    if (problem)
        n->dn_flags |= DN_HAS_PROBLEM;
    else
        n->dn_flags &= ~(ULONG)DN_HAS_PROBLEM;
    pthread_mutex_unlock(&pnp_lock);
}

static void pnp_set_flags(struct pnp_node *n, ULONG set, ULONG clear)
{
    pthread_mutex_lock(&pnp_lock);
    n->dn_flags = (n->dn_flags & ~clear) | set;
    pthread_mutex_unlock(&pnp_lock);
}

static void pnp_node_free(struct pnp_node *n)
{
    free(n->svcs);
    free(n->hwids);
    free(n->compat);
    free(n->service);
    free(n->description);
    free(n);
}

/* ------------------------------------------------------------------ */
/* PnP IRPs                                                            */

/* Sends IRP_MJ_PNP/minor to the top of the node's stack and waits.
 * Status starts as STATUS_NOT_SUPPORTED, as Windows initializes PnP IRPs. */
NTSTATUS pnp_send(PDEVICE_OBJECT pdo, UCHAR minor, const IO_STACK_LOCATION *params,
                  ULONG_PTR *info)
{
    PDEVICE_OBJECT top = IoGetAttachedDeviceReference(pdo);
    IO_STATUS_BLOCK iosb = { 0 };
    PIO_STACK_LOCATION sl;
    NTSTATUS st;
    PIRP irp = IoAllocateIrp(top->StackSize, FALSE);

    if (!irp) {
        ObDereferenceObject(top);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    irp->IoStatus.Information = 0;
    sl = IoGetNextIrpStackLocation(irp);
    if (params)
        sl->Parameters = params->Parameters;
    sl->MajorFunction = IRP_MJ_PNP;
    sl->MinorFunction = minor;
    st = io_send_irp_sync(top, irp, &iosb);
    ObDereferenceObject(top);
    if (info)
        *info = NT_SUCCESS(st) ? iosb.Information : 0;
    return st;
}

/* ------------------------------------------------------------------ */
/* Drivers                                                             */

static NTSTATUS pnp_service_get(const char *name, struct pnp_service **out, ULONG *problem)
{
    struct pnp_service *s;
    struct reg_key *k = NULL;
    char path[512], image[1024];
    WCHAR *wname;
    NTSTATUS st;

    for (s = pnp_services; s; s = s->next)
        if (!strcasecmp(s->name, name)) {
            s->users++;
            *out = s;
            return STATUS_SUCCESS;
        }
    *problem = CM_PROB_DRIVER_SERVICE_KEY_INVALID;
    if (strlen(name) > IO_MAX_SERVICE_NAME)
        return STATUS_OBJECT_NAME_INVALID;
    snprintf(path, sizeof(path), "%s\\%s", PNP_SERVICES_PATH, name);
    st = reg_key_open(&pnp_caller, NULL, path, KEY_READ, &k);
    if (!NT_SUCCESS(st))
        return st;
    st = reg_value_query_string(&pnp_caller, k, "ImagePath", 1, image, sizeof(image));
    reg_key_close(k);
    if (!NT_SUCCESS(st))
        return st;
    s = calloc(1, sizeof(*s));
    wname = rtl_utf8_to_wstr(name, (size_t)-1);
    if (!s || !wname) {
        free(s);
        free(wname);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    snprintf(s->name, sizeof(s->name), "%s", name);
    st = io_load_driver(image, wname, &s->driver);
    free(wname);
    if (!NT_SUCCESS(st)) {
        /* The image could not be mapped (missing, not a driver): code 39;
         * DriverEntry itself failed: code 37. */
        if (st == STATUS_INVALID_IMAGE_FORMAT || st == STATUS_DRIVER_ENTRYPOINT_NOT_FOUND ||
            st == STATUS_OBJECT_NAME_NOT_FOUND || st == STATUS_OBJECT_PATH_NOT_FOUND ||
            st == STATUS_NO_SUCH_FILE || st == STATUS_OBJECT_NAME_INVALID ||
            st == STATUS_DLL_NOT_FOUND)
            *problem = CM_PROB_DRIVER_FAILED_LOAD;
        else
            *problem = CM_PROB_FAILED_DRIVER_ENTRY;
        free(s);
        return st;
    }
    s->users = 1;
    s->next = pnp_services;
    pnp_services = s;
    *out = s;
    return STATUS_SUCCESS;
}

/* Drops a node's use of a driver; the last user's release unloads it once
 * it has no device left (Windows unloads a PnP driver then). */
static void pnp_service_put(struct pnp_service *s)
{
    struct pnp_service **pp;
    if (--s->users || s->driver->DeviceObject)
        return;
    for (pp = &pnp_services; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    io_unload_driver(s->driver);
    free(s);
}

/* ------------------------------------------------------------------ */
/* Start and removal of one stack                                      */

static void pnp_release_services(struct pnp_node *n)
{
    ULONG i;
    for (i = 0; i < n->n_svcs; i++)
        pnp_service_put(n->svcs[i]);
    n->n_svcs = 0;
}

/* Sends IRP_MN_REMOVE_DEVICE to whatever is attached over the PDO (the
 * PDO's own driver sees it too) and lets drivers go. */
static void pnp_remove_stack(struct pnp_node *n)
{
    if (n->stack_built) {
        pnp_send(n->pdo, IRP_MN_REMOVE_DEVICE, NULL, NULL);
        n->stack_built = false;
    }
    pnp_set_flags(n, 0, DN_STARTED | DN_DRIVER_LOADED);
    pnp_release_services(n);
}

static void pnp_enumerate(struct pnp_node *n);

static bool pnp_add_service(struct pnp_node *n, const char *name)
{
    struct pnp_service *s;
    struct pnp_service **v;
    ULONG problem = 0;
    NTSTATUS st = pnp_service_get(name, &s, &problem);

    if (!NT_SUCCESS(st)) {
        pnp_set_problem(n, problem, st);
        return false;
    }
    v = realloc(n->svcs, (n->n_svcs + 1) * sizeof(*v));
    if (!v) {
        pnp_service_put(s);
        pnp_set_problem(n, CM_PROB_FAILED_ADD, STATUS_INSUFFICIENT_RESOURCES);
        return false;
    }
    n->svcs = v;
    n->svcs[n->n_svcs++] = s;
    return true;
}

/* Lower filters, function driver, upper filters; AddDevice in that order;
 * then IRP_MN_START_DEVICE. Worker only. */
void pnp_start_node(struct pnp_node *n)
{
    char *lower = NULL, *upper = NULL;
    struct reg_key *k = NULL;
    const char *p;
    ULONG i;
    NTSTATUS st;
    IO_STACK_LOCATION params;

    if (n->dn_flags & DN_STARTED)
        return;
    if (n->disabled) {
        pnp_set_problem(n, CM_PROB_DISABLED, STATUS_SUCCESS);
        return;
    }
    pnp_set_problem(n, 0, STATUS_SUCCESS);
    if (!n->service) {
        pnp_set_problem(n, CM_PROB_FAILED_INSTALL, STATUS_NO_SUCH_DEVICE);
        return;
    }
    if (NT_SUCCESS(pnp_enum_key(n, false, &k))) {
        lower = pnp_reg_multi(k, "LowerFilters");
        upper = pnp_reg_multi(k, "UpperFilters");
        reg_key_close(k);
    }
    for (p = lower; p && *p; p += strlen(p) + 1)
        if (!pnp_add_service(n, p))
            goto fail;
    if (!pnp_add_service(n, n->service))
        goto fail;
    for (p = upper; p && *p; p += strlen(p) + 1)
        if (!pnp_add_service(n, p))
            goto fail;
    pnp_set_flags(n, DN_DRIVER_LOADED, 0);

    for (i = 0; i < n->n_svcs; i++) {
        PDRIVER_OBJECT drv = n->svcs[i]->driver;
        PDRIVER_ADD_DEVICE add = drv->DriverExtension->AddDevice;
        st = add ? add(drv, n->pdo) : STATUS_INVALID_DEVICE_REQUEST;
        if (n->pdo->AttachedDevice)
            n->stack_built = true;
        if (!NT_SUCCESS(st)) {
            krnl_log(KRNL_LOG_WARN, "pnp: %s: AddDevice of %s failed (0x%08x)",
                     n->instance_id, n->svcs[i]->name, (unsigned)st);
            pnp_set_problem(n, CM_PROB_FAILED_ADD, st);
            goto fail;
        }
    }
    n->stack_built = true;

    memset(&params, 0, sizeof(params));
    params.Parameters.StartDevice.AllocatedResources = NULL;
    params.Parameters.StartDevice.AllocatedResourcesTranslated = NULL;
    st = pnp_send(n->pdo, IRP_MN_START_DEVICE, &params, NULL);
    if (!NT_SUCCESS(st)) {
        krnl_log(KRNL_LOG_WARN, "pnp: %s: IRP_MN_START_DEVICE failed (0x%08x)",
                 n->instance_id, (unsigned)st);
        pnp_set_problem(n, CM_PROB_FAILED_START, st);
        goto fail;
    }
    pnp_set_flags(n, DN_STARTED, 0);
    free(lower);
    free(upper);
    pnp_enumerate(n);
    return;

fail:
    free(lower);
    free(upper);
    {
        ULONG problem = n->problem;
        NTSTATUS why = n->problem_status;
        pnp_remove_stack(n);
        pnp_set_problem(n, problem, why);
    }
}

/* ------------------------------------------------------------------ */
/* Subtree removal                                                     */

/* The subtree of n (n included) in post-order: children before parents. */
static struct pnp_node **pnp_subtree(struct pnp_node *n, ULONG *count)
{
    ULONG cap = 16, cnt = 0, top = 0;
    struct pnp_node **out = malloc(cap * sizeof(*out));
    struct pnp_node **stack = malloc(cap * sizeof(*stack));
    ULONG scap = cap;

    if (!out || !stack)
        abort();
    /* Reverse post-order by a pre-order that visits children last to first,
     * then reversed. */
    stack[top++] = n;
    while (top) {
        struct pnp_node *x = stack[--top], *c;
        if (cnt == cap) {
            cap *= 2;
            out = realloc(out, cap * sizeof(*out));
            if (!out)
                abort();
        }
        out[cnt++] = x;
        for (c = x->first_child; c; c = c->next_sibling) {
            if (top == scap) {
                scap *= 2;
                stack = realloc(stack, scap * sizeof(*stack));
                if (!stack)
                    abort();
            }
            stack[top++] = c;
        }
    }
    free(stack);
    for (ULONG i = 0; i < cnt / 2; i++) {
        struct pnp_node *t = out[i];
        out[i] = out[cnt - 1 - i];
        out[cnt - 1 - i] = t;
    }
    *count = cnt;
    return out;
}

/* Query-remove over the subtree, children first; a failure is a veto:
 * cancel-remove to every stack asked, veto recorded on n. */
static NTSTATUS pnp_query_remove(struct pnp_node *n, struct pnp_node **v, ULONG cnt)
{
    ULONG i, j;
    for (i = 0; i < cnt; i++) {
        NTSTATUS st;
        if (!v[i]->stack_built)
            continue;
        pnp_notify_target(v[i], PNP_TARGET_QUERY_REMOVE);
        st = pnp_send(v[i]->pdo, IRP_MN_QUERY_REMOVE_DEVICE, NULL, NULL);
        if (!NT_SUCCESS(st)) {
            pthread_mutex_lock(&pnp_lock);
            n->veto_type = PNP_VetoDevice;
            snprintf(n->veto_name, sizeof(n->veto_name), "%s", v[i]->instance_id);
            pthread_mutex_unlock(&pnp_lock);
            krnl_log(KRNL_LOG_INFO, "pnp: removal of %s vetoed by %s (0x%08x)",
                     n->instance_id, v[i]->instance_id, (unsigned)st);
            for (j = 0; j <= i; j++)
                if (v[j]->stack_built) {
                    pnp_send(v[j]->pdo, IRP_MN_CANCEL_REMOVE_DEVICE, NULL, NULL);
                    pnp_notify_target(v[j], PNP_TARGET_REMOVE_CANCELLED);
                }
            return STATUS_PLUGPLAY_QUERY_VETOED;
        }
    }
    return STATUS_SUCCESS;
}

/* Drops a node that is no longer in the tree: removes its stack, deletes
 * a root PDO (ours), releases the reference on the PDO. */
static void pnp_drop_node(struct pnp_node *n)
{
    pnp_remove_stack(n);
    pnp_notify_target(n, PNP_TARGET_REMOVE_COMPLETE);
    pnp_unlink(n);
    if (n->root_enumerated)
        IoDeleteDevice(n->pdo);
    ObDereferenceObject(n->pdo);
    pnp_node_free(n);
}

/* Removes the stacks of the subtree (children first). Descendants leave
 * the tree (their bus driver's PDOs go with the parent's stack); n stays
 * unless drop. */
static void pnp_remove_subtree(struct pnp_node *n, struct pnp_node **v, ULONG cnt, bool drop)
{
    ULONG i;
    for (i = 0; i < cnt; i++) {
        if (v[i] == n)
            continue;
        pnp_drop_node(v[i]);
    }
    if (drop) {
        pnp_drop_node(n);
    } else {
        pnp_remove_stack(n);
        pnp_notify_target(n, PNP_TARGET_REMOVE_COMPLETE);
    }
}

static void pnp_surprise_subtree(struct pnp_node **v, ULONG cnt)
{
    ULONG i;
    for (i = 0; i < cnt; i++)
        if (v[i]->stack_built)
            pnp_send(v[i]->pdo, IRP_MN_SURPRISE_REMOVAL, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Bus enumeration                                                     */

static char *pnp_query_id(PDEVICE_OBJECT pdo, BUS_QUERY_ID_TYPE type, bool multi)
{
    IO_STACK_LOCATION params;
    ULONG_PTR info = 0;
    char *r = NULL;
    memset(&params, 0, sizeof(params));
    params.Parameters.QueryId.IdType = type;
    if (!NT_SUCCESS(pnp_send(pdo, IRP_MN_QUERY_ID, &params, &info)) || !info)
        return NULL;
    if (multi)
        r = pnp_multi_from_wide((const WCHAR *)info);
    else
        r = rtl_wstr_to_utf8((const WCHAR *)info, (size_t)-1);
    ExFreePool((PVOID)info);
    return r;
}

static char *pnp_query_text(PDEVICE_OBJECT pdo, DEVICE_TEXT_TYPE type)
{
    IO_STACK_LOCATION params;
    ULONG_PTR info = 0;
    char *r;
    memset(&params, 0, sizeof(params));
    params.Parameters.QueryDeviceText.DeviceTextType = type;
    params.Parameters.QueryDeviceText.LocaleId = 0x409;
    if (!NT_SUCCESS(pnp_send(pdo, IRP_MN_QUERY_DEVICE_TEXT, &params, &info)) || !info)
        return NULL;
    r = rtl_wstr_to_utf8((const WCHAR *)info, (size_t)-1);
    ExFreePool((PVOID)info);
    return r;
}

/* A new PDO from a bus driver: IDs, text, capabilities; a node under
 * parent, recorded under Enum\ (the Service there, if an installer put
 * one, is its function driver). Takes over the bus driver's reference. */
static struct pnp_node *pnp_new_child(struct pnp_node *parent, PDEVICE_OBJECT pdo)
{
    struct pnp_node *n;
    char *dev_id, *inst_id;
    DEVICE_CAPABILITIES caps;
    IO_STACK_LOCATION params;
    struct reg_key *k = NULL;
    char svc[IO_MAX_SERVICE_NAME + 1];
    WCHAR *wid;

    dev_id = pnp_query_id(pdo, BusQueryDeviceID, false);
    if (!dev_id) {
        krnl_log(KRNL_LOG_WARN, "pnp: a child of %s answered no device ID; ignored",
                 parent->instance_id);
        return NULL;
    }
    inst_id = pnp_query_id(pdo, BusQueryInstanceID, false);
    n = calloc(1, sizeof(*n));
    if (!n)
        abort();
    snprintf(n->instance_id, sizeof(n->instance_id), "%s\\%s", dev_id,
             inst_id && *inst_id ? inst_id : "0");
    free(dev_id);
    free(inst_id);
    if (pnp_find(n->instance_id)) {
        krnl_log(KRNL_LOG_WARN, "pnp: duplicate device instance %s; ignored", n->instance_id);
        free(n);
        return NULL;
    }
    n->pdo = pdo;
    n->hwids = pnp_query_id(pdo, BusQueryHardwareIDs, true);
    n->compat = pnp_query_id(pdo, BusQueryCompatibleIDs, true);
    n->description = pnp_query_text(pdo, DeviceTextDescription);

    memset(&caps, 0, sizeof(caps));
    caps.Size = sizeof(caps);
    caps.Version = 1;
    caps.Address = (ULONG)-1;
    caps.UINumber = (ULONG)-1;
    memset(&params, 0, sizeof(params));
    params.Parameters.DeviceCapabilities.Capabilities = &caps;
    if (NT_SUCCESS(pnp_send(pdo, IRP_MN_QUERY_CAPABILITIES, &params, NULL))) {
        n->removable = caps.Removable;
        n->surprise_ok = caps.SurpriseRemovalOK;
        n->address = caps.Address;
    }
    n->dn_flags = DN_DISABLEABLE | (n->removable ? DN_REMOVABLE : 0);

    wid = rtl_utf8_to_wstr(n->instance_id, (size_t)-1);
    if (wid)
        io_device_set_instance_id(pdo, wid);
    free(wid);

    if (NT_SUCCESS(pnp_enum_key(n, true, &k))) {
        ULONG flags = 0;
        if (n->hwids)
            pnp_set_wide(k, "HardwareID", REG_MULTI_SZ, n->hwids, pnp_multi_len(n->hwids));
        if (n->compat)
            pnp_set_wide(k, "CompatibleIDs", REG_MULTI_SZ, n->compat, pnp_multi_len(n->compat));
        if (n->description)
            reg_value_set_string(&pnp_caller, k, "DeviceDesc", REG_SZ, n->description);
        if (NT_SUCCESS(reg_value_query_string(&pnp_caller, k, "Service", 0, svc, sizeof(svc))))
            n->service = strdup(svc);
        if (NT_SUCCESS(reg_value_query_dword(&pnp_caller, k, "ConfigFlags", &flags)))
            n->disabled = (flags & PNP_CONFIGFLAG_DISABLED) != 0;
        else
            reg_value_set_dword(&pnp_caller, k, "ConfigFlags", 0);
        reg_key_close(k);
        if (NT_SUCCESS(pnp_enum_key(n, true, &k))) {
            struct reg_key *dp = NULL;
            if (NT_SUCCESS(reg_key_create(&pnp_caller, k, "Device Parameters", KEY_ALL_ACCESS,
                                          0, NULL, &dp)))
                reg_key_close(dp);
            reg_key_close(k);
        }
    }
    pnp_link(parent, n);
    return n;
}

/* IRP_MN_QUERY_DEVICE_RELATIONS(BusRelations): new PDOs become nodes and
 * start, PDOs no longer reported are surprise-removed and removed. */
static void pnp_enumerate(struct pnp_node *n)
{
    IO_STACK_LOCATION params;
    ULONG_PTR info = 0;
    PDEVICE_RELATIONS rel;
    struct pnp_node *c, *next;
    struct pnp_node **fresh = NULL;
    ULONG i, nfresh = 0;
    NTSTATUS st;

    if (!(n->dn_flags & DN_STARTED))
        return;
    memset(&params, 0, sizeof(params));
    params.Parameters.QueryDeviceRelations.Type = BusRelations;
    st = pnp_send(n->pdo, IRP_MN_QUERY_DEVICE_RELATIONS, &params, &info);
    if (!NT_SUCCESS(st))
        return;      /* not a bus (STATUS_NOT_SUPPORTED): children unchanged */
    rel = (PDEVICE_RELATIONS)info;
    for (c = n->first_child; c; c = c->next_sibling)
        c->present = false;
    if (rel) {
        fresh = calloc(rel->Count + 1, sizeof(*fresh));
        if (!fresh)
            abort();
        for (i = 0; i < rel->Count; i++) {
            PDEVICE_OBJECT pdo = rel->Objects[i];
            for (c = n->first_child; c; c = c->next_sibling)
                if (c->pdo == pdo)
                    break;
            if (c) {
                c->present = true;
                ObDereferenceObject(pdo);   /* we hold one already */
                continue;
            }
            c = pnp_new_child(n, pdo);
            if (!c) {
                ObDereferenceObject(pdo);
                continue;
            }
            c->present = true;
            fresh[nfresh++] = c;
        }
        ExFreePool(rel);
    }
    for (c = n->first_child; c; c = next) {
        next = c->next_sibling;
        if (!c->present) {
            ULONG cnt;
            struct pnp_node **v = pnp_subtree(c, &cnt);
            pnp_surprise_subtree(v, cnt);
            pnp_remove_subtree(c, v, cnt, true);
            free(v);
        }
    }
    for (i = 0; i < nfresh; i++)
        pnp_start_node(fresh[i]);
    free(fresh);
}

struct pnp_invalidate {
    PDEVICE_OBJECT pdo;
};

static void pnp_invalidate_action(void *arg)
{
    struct pnp_invalidate *a = arg;
    struct pnp_node *n = pnp_find_pdo(a->pdo);
    if (n)
        pnp_enumerate(n);
    ObDereferenceObject(a->pdo);
    free(a);
}

NTKERNELAPI VOID NTAPI IoInvalidateDeviceRelations(PDEVICE_OBJECT DeviceObject,
                                                   DEVICE_RELATION_TYPE Type)
{
    struct pnp_invalidate *a;
    ke_check_irql_max(DISPATCH_LEVEL, "IoInvalidateDeviceRelations");
    if (!DeviceObject)
        return;
    if (Type != BusRelations) {
        krnl_log_once(KRNL_LOG_INFO, "pnp: IoInvalidateDeviceRelations: only BusRelations "
                      "is acted on");
        return;
    }
    a = malloc(sizeof(*a));
    if (!a)
        return;
    ObReferenceObject(DeviceObject);
    a->pdo = DeviceObject;
    if (!NT_SUCCESS(pnp_run_async(pnp_invalidate_action, a))) {
        ObDereferenceObject(DeviceObject);
        free(a);
    }
}

/* ------------------------------------------------------------------ */
/* The root enumerator's PDOs                                          */

static NTSTATUS NTAPI pnp_root_pdo_pnp(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    struct pnp_node *n = *(struct pnp_node **)dev->DeviceExtension;
    NTSTATUS st = irp->IoStatus.Status;
    const char *src = NULL;
    size_t len = 0;
    bool multi = false;

    switch (sl->MinorFunction) {
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
        st = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_ID:
        switch (sl->Parameters.QueryId.IdType) {
        case BusQueryDeviceID:
            src = n->instance_id;
            len = (size_t)(strrchr(n->instance_id, '\\') - n->instance_id);
            break;
        case BusQueryInstanceID:
            src = strrchr(n->instance_id, '\\') + 1;
            len = strlen(src);
            break;
        case BusQueryHardwareIDs:
            src = n->hwids, multi = true;
            break;
        case BusQueryCompatibleIDs:
            src = n->compat, multi = true;
            break;
        default:
            break;
        }
        if (src) {
            WCHAR *w;
            size_t cch = 0;
            if (multi)
                len = pnp_multi_len(src);
            rtl_utf8_to_utf16(NULL, 0, &cch, src, len);
            w = ExAllocatePool2(POOL_FLAG_PAGED, (cch + 2) * sizeof(WCHAR), 'PnpI');
            if (!w) {
                st = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            rtl_utf8_to_utf16(w, cch + 2, &cch, src, len);
            w[cch] = 0;
            w[cch + 1] = 0;
            irp->IoStatus.Information = (ULONG_PTR)w;
            st = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_QUERY_CAPABILITIES: {
        PDEVICE_CAPABILITIES c = sl->Parameters.DeviceCapabilities.Capabilities;
        c->Removable = FALSE;
        c->SilentInstall = TRUE;
        c->RawDeviceOK = FALSE;
        c->DeviceState[PowerSystemWorking] = PowerDeviceD0;
        st = STATUS_SUCCESS;
        break;
    }
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (sl->Parameters.QueryDeviceRelations.Type == TargetDeviceRelation) {
            PDEVICE_RELATIONS r = ExAllocatePool2(POOL_FLAG_PAGED, sizeof(*r), 'PnpR');
            if (!r) {
                st = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            r->Count = 1;
            r->Objects[0] = dev;
            ObReferenceObject(dev);
            irp->IoStatus.Information = (ULONG_PTR)r;
            st = STATUS_SUCCESS;
        }
        break;
    default:
        break;
    }
    irp->IoStatus.Status = st;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

static NTSTATUS NTAPI pnp_root_pdo_power(PDEVICE_OBJECT dev, PIRP irp)
{
    NTSTATUS st = irp->IoStatus.Status;
    (void)dev;
    if (IoGetCurrentIrpStackLocation(irp)->MinorFunction == IRP_MN_SET_POWER ||
        IoGetCurrentIrpStackLocation(irp)->MinorFunction == IRP_MN_QUERY_POWER)
        st = STATUS_SUCCESS;
    irp->IoStatus.Status = st;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

static VOID NTAPI pnp_root_unload(PDRIVER_OBJECT drv)
{
    (void)drv;
}

static NTSTATUS NTAPI pnp_root_entry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    (void)path;
    drv->MajorFunction[IRP_MJ_PNP] = pnp_root_pdo_pnp;
    drv->MajorFunction[IRP_MJ_POWER] = pnp_root_pdo_power;
    drv->DriverUnload = pnp_root_unload;
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Root devices                                                        */

static struct pnp_class_ctr *pnp_class(const char *name)
{
    struct pnp_class_ctr *c;
    struct reg_key *k = NULL;
    char path[256], sub[64];
    ULONG i;

    for (c = pnp_classes; c; c = c->next)
        if (!strcasecmp(c->name, name))
            return c;
    c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    snprintf(c->name, sizeof(c->name), "%s", name);
    /* Once per class: past the highest number the registry knows. */
    snprintf(path, sizeof(path), "%s\\ROOT\\%s", PNP_ENUM_PATH, name);
    if (NT_SUCCESS(reg_key_open(&pnp_caller, NULL, path, KEY_READ, &k))) {
        for (i = 0; NT_SUCCESS(reg_key_enum(&pnp_caller, k, i, sub, sizeof(sub))); i++) {
            ULONG v = (ULONG)strtoul(sub, NULL, 10);
            if (v + 1 > c->next_number)
                c->next_number = v + 1;
        }
        reg_key_close(k);
    }
    c->next = pnp_classes;
    pnp_classes = c;
    return c;
}

/* A root node with a PDO of ours, linked under the root. */
static NTSTATUS pnp_make_root_node(const char *instance_id, const char *hwids,
                                   const char *compat, const char *service,
                                   struct pnp_node **out)
{
    struct pnp_node *n = calloc(1, sizeof(*n));
    PDEVICE_OBJECT pdo = NULL;
    WCHAR *wid;
    NTSTATUS st;

    if (!n)
        return STATUS_INSUFFICIENT_RESOURCES;
    snprintf(n->instance_id, sizeof(n->instance_id), "%s", instance_id);
    n->hwids = pnp_multi_dup(hwids);
    n->compat = pnp_multi_dup(compat);
    n->service = service && *service ? strdup(service) : NULL;
    n->root_enumerated = true;
    n->dn_flags = DN_ROOT_ENUMERATED | DN_DISABLEABLE;
    st = IoCreateDevice(pnp_root_driver, sizeof(struct pnp_node *), NULL, FILE_DEVICE_UNKNOWN,
                        FILE_AUTOGENERATED_DEVICE_NAME, FALSE, &pdo);
    if (!NT_SUCCESS(st)) {
        pnp_node_free(n);
        return st;
    }
    *(struct pnp_node **)pdo->DeviceExtension = n;
    pdo->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    wid = rtl_utf8_to_wstr(n->instance_id, (size_t)-1);
    st = wid ? io_device_set_instance_id(pdo, wid) : STATUS_INSUFFICIENT_RESOURCES;
    free(wid);
    if (!NT_SUCCESS(st)) {
        IoDeleteDevice(pdo);
        pnp_node_free(n);
        return st;
    }
    ObReferenceObject(pdo);
    n->pdo = pdo;
    pnp_link(&pnp_root, n);
    *out = n;
    return STATUS_SUCCESS;
}

struct pnp_create_args {
    const char *class_name, *hwids, *compat, *service;
    char *out;
    size_t size;
    NTSTATUS status;
};

static void pnp_create_action(void *arg)
{
    struct pnp_create_args *a = arg;
    struct pnp_class_ctr *c = pnp_class(a->class_name);
    struct reg_txn *txn = NULL;
    struct reg_key *k = NULL, *dp = NULL;
    struct pnp_node *n;
    char id[PNP_MAX_INSTANCE_ID + 1];
    NTSTATUS st;

    snprintf(id, sizeof(id), "ROOT\\%s\\%04u", c->name, (unsigned)c->next_number);
    if (strlen(id) + 1 > a->size) {
        a->status = STATUS_BUFFER_TOO_SMALL;
        return;
    }
    st = pnp_make_root_node(id, a->hwids, a->compat, a->service, &n);
    if (!NT_SUCCESS(st)) {
        a->status = st;
        return;
    }
    c->next_number++;
    /* The hardware key in one transaction: all of it or nothing. */
    st = reg_txn_begin(&pnp_caller, &txn);
    if (NT_SUCCESS(st)) {
        st = pnp_enum_key(n, true, &k);
        if (NT_SUCCESS(st))
            st = pnp_set_wide(k, "HardwareID", REG_MULTI_SZ, a->hwids, pnp_multi_len(a->hwids));
        if (NT_SUCCESS(st) && a->compat)
            st = pnp_set_wide(k, "CompatibleIDs", REG_MULTI_SZ, a->compat,
                              pnp_multi_len(a->compat));
        if (NT_SUCCESS(st) && n->service)
            st = reg_value_set_string(&pnp_caller, k, "Service", REG_SZ, n->service);
        if (NT_SUCCESS(st))
            st = reg_value_set_string(&pnp_caller, k, "Class", REG_SZ, c->name);
        if (NT_SUCCESS(st))
            st = reg_value_set_dword(&pnp_caller, k, "ConfigFlags", 0);
        if (NT_SUCCESS(st))
            st = reg_key_create(&pnp_caller, k, "Device Parameters", KEY_ALL_ACCESS, 0, NULL,
                                &dp);
        reg_key_close(dp);
        reg_key_close(k);
        if (NT_SUCCESS(st))
            st = reg_txn_commit(txn);
        else
            reg_txn_abort(txn);
    }
    if (!NT_SUCCESS(st)) {
        pnp_drop_node(n);
        a->status = st;
        return;
    }
    snprintf(a->out, a->size, "%s", id);
    pnp_start_node(n);
    a->status = STATUS_SUCCESS;
}

NTSTATUS pnp_device_create_root(const char *class_name, const char *hwids,
                                const char *compat_ids, const char *service,
                                char *instance_id, size_t size)
{
    struct pnp_create_args a = { class_name ? class_name : "UNKNOWN", hwids, compat_ids,
                                 service, instance_id, size, STATUS_UNSUCCESSFUL };
    NTSTATUS st;
    const char *p;

    if (!hwids || !*hwids || !instance_id || !size)
        return STATUS_INVALID_PARAMETER;
    if (strlen(a.class_name) >= 64 || strchr(a.class_name, '\\') || !*a.class_name)
        return STATUS_OBJECT_NAME_INVALID;
    for (p = a.class_name; *p; p++)
        if ((unsigned char)*p <= ' ')
            return STATUS_OBJECT_NAME_INVALID;
    st = pnp_run(pnp_create_action, &a);
    return NT_SUCCESS(st) ? a.status : st;
}

/* ------------------------------------------------------------------ */
/* Device operations                                                   */

struct pnp_op_args {
    const char *id;
    int op;
    NTSTATUS status;
};
enum { PNP_OP_REMOVE, PNP_OP_UNINSTALL, PNP_OP_DISABLE, PNP_OP_ENABLE, PNP_OP_SURPRISE,
       PNP_OP_STOP };

static void pnp_set_config_disabled(struct pnp_node *n, bool disabled)
{
    struct reg_key *k = NULL;
    ULONG flags = 0;
    if (!NT_SUCCESS(pnp_enum_key(n, true, &k)))
        return;
    reg_value_query_dword(&pnp_caller, k, "ConfigFlags", &flags);
    flags = disabled ? (flags | PNP_CONFIGFLAG_DISABLED) : (flags & ~PNP_CONFIGFLAG_DISABLED);
    reg_value_set_dword(&pnp_caller, k, "ConfigFlags", flags);
    reg_key_close(k);
}

static void pnp_op_action(void *arg)
{
    struct pnp_op_args *a = arg;
    struct pnp_node *n = pnp_find(a->id);
    struct pnp_node **v;
    ULONG cnt;
    NTSTATUS st = STATUS_SUCCESS;

    if (!n) {
        a->status = STATUS_NO_SUCH_DEVICE;
        return;
    }
    if (a->op == PNP_OP_ENABLE) {
        if (n->disabled) {
            n->disabled = false;
            pnp_set_config_disabled(n, false);
        }
        pnp_start_node(n);
        a->status = n->problem ? STATUS_PLUGPLAY_NO_DEVICE : STATUS_SUCCESS;
        return;
    }
    if (a->op == PNP_OP_STOP) {
        if (!(n->dn_flags & DN_STARTED)) {
            a->status = STATUS_INVALID_DEVICE_STATE;
            return;
        }
        st = pnp_send(n->pdo, IRP_MN_QUERY_STOP_DEVICE, NULL, NULL);
        if (!NT_SUCCESS(st)) {
            pnp_send(n->pdo, IRP_MN_CANCEL_STOP_DEVICE, NULL, NULL);
            pthread_mutex_lock(&pnp_lock);
            n->veto_type = PNP_VetoDevice;
            snprintf(n->veto_name, sizeof(n->veto_name), "%s", n->instance_id);
            pthread_mutex_unlock(&pnp_lock);
            a->status = STATUS_PLUGPLAY_QUERY_VETOED;
            return;
        }
        pnp_send(n->pdo, IRP_MN_STOP_DEVICE, NULL, NULL);
        pnp_set_flags(n, 0, DN_STARTED);
        {
            IO_STACK_LOCATION params;
            memset(&params, 0, sizeof(params));
            st = pnp_send(n->pdo, IRP_MN_START_DEVICE, &params, NULL);
        }
        if (NT_SUCCESS(st)) {
            pnp_set_flags(n, DN_STARTED, 0);
        } else {
            v = pnp_subtree(n, &cnt);
            pnp_remove_subtree(n, v, cnt, false);
            free(v);
            pnp_set_problem(n, CM_PROB_FAILED_START, st);
        }
        a->status = st;
        return;
    }
    v = pnp_subtree(n, &cnt);
    if (a->op == PNP_OP_SURPRISE) {
        pnp_surprise_subtree(v, cnt);
    } else {
        st = pnp_query_remove(n, v, cnt);
        if (!NT_SUCCESS(st)) {
            free(v);
            a->status = st;
            return;
        }
    }
    if (a->op == PNP_OP_UNINSTALL) {
        struct reg_key *k = NULL;
        if (NT_SUCCESS(pnp_enum_key(n, false, &k))) {
            reg_key_delete_tree(&pnp_caller, k);
            reg_key_close(k);
        }
        pnp_remove_subtree(n, v, cnt, true);
    } else {
        pnp_remove_subtree(n, v, cnt, false);
        if (a->op == PNP_OP_DISABLE) {
            n->disabled = true;
            pnp_set_config_disabled(n, true);
            pnp_set_problem(n, CM_PROB_DISABLED, STATUS_SUCCESS);
        } else if (a->op == PNP_OP_SURPRISE) {
            pnp_set_problem(n, CM_PROB_DEVICE_NOT_THERE, STATUS_NO_SUCH_DEVICE);
        } else {
            pnp_set_problem(n, CM_PROB_WILL_BE_REMOVED, STATUS_SUCCESS);
        }
    }
    free(v);
    a->status = STATUS_SUCCESS;
}

static NTSTATUS pnp_op(const char *id, int op)
{
    struct pnp_op_args a = { id, op, STATUS_UNSUCCESSFUL };
    NTSTATUS st;
    if (!id)
        return STATUS_INVALID_PARAMETER;
    st = pnp_run(pnp_op_action, &a);
    return NT_SUCCESS(st) ? a.status : st;
}

NTSTATUS pnp_device_remove(const char *id, BOOLEAN uninstall)
{
    return pnp_op(id, uninstall ? PNP_OP_UNINSTALL : PNP_OP_REMOVE);
}
NTSTATUS pnp_device_disable(const char *id) { return pnp_op(id, PNP_OP_DISABLE); }
NTSTATUS pnp_device_enable(const char *id) { return pnp_op(id, PNP_OP_ENABLE); }
NTSTATUS pnp_device_surprise_remove(const char *id) { return pnp_op(id, PNP_OP_SURPRISE); }
NTSTATUS pnp_device_stop_restart(const char *id) { return pnp_op(id, PNP_OP_STOP); }

NTSTATUS pnp_device_get_status(const char *id, struct pnp_device_status *st)
{
    struct pnp_node *n, *c;
    NTSTATUS r = pnp_init();
    if (!NT_SUCCESS(r))
        return r;
    if (!id || !st)
        return STATUS_INVALID_PARAMETER;
    memset(st, 0, sizeof(*st));
    pthread_mutex_lock(&pnp_lock);
    n = pnp_find_locked(id);
    if (n) {
        st->dn_flags = n->dn_flags;
        st->problem = n->problem;
        st->problem_status = n->problem_status;
        st->veto_type = n->veto_type;
        memcpy(st->veto_name, n->veto_name, sizeof(st->veto_name));
        if (n->parent && n->parent != &pnp_root)
            snprintf(st->parent, sizeof(st->parent), "%s", n->parent->instance_id);
        else
            snprintf(st->parent, sizeof(st->parent), "HTREE\\ROOT\\0");
        for (c = n->first_child; c; c = c->next_sibling)
            st->child_count++;
    }
    pthread_mutex_unlock(&pnp_lock);
    return n ? STATUS_SUCCESS : STATUS_NO_SUCH_DEVICE;
}

PDEVICE_OBJECT pnp_device_pdo(const char *id)
{
    struct pnp_node *n;
    PDEVICE_OBJECT pdo = NULL;
    pthread_mutex_lock(&pnp_lock);
    n = pnp_find_locked(id);
    if (n) {
        pdo = n->pdo;
        ObReferenceObject(pdo);
    }
    pthread_mutex_unlock(&pnp_lock);
    return pdo;
}

ULONG pnp_device_count(void)
{
    ULONG c;
    pthread_mutex_lock(&pnp_lock);
    c = pnp_count;
    pthread_mutex_unlock(&pnp_lock);
    return c;
}

/* ------------------------------------------------------------------ */
/* Init, persistence, shutdown                                         */

/* Brings back the root devices recorded under Enum\ROOT. */
static void pnp_restore_action(void *unused)
{
    struct reg_key *root = NULL, *ck = NULL, *dk = NULL;
    char cls[64], num[64], id[PNP_MAX_INSTANCE_ID + 1], svc[IO_MAX_SERVICE_NAME + 1];
    ULONG i, j;
    (void)unused;

    if (!NT_SUCCESS(reg_key_open(&pnp_caller, NULL, PNP_ENUM_PATH "\\ROOT", KEY_READ, &root)))
        return;
    for (i = 0; NT_SUCCESS(reg_key_enum(&pnp_caller, root, i, cls, sizeof(cls))); i++) {
        if (!NT_SUCCESS(reg_key_open(&pnp_caller, root, cls, KEY_READ, &ck)))
            continue;
        pnp_class(cls);
        for (j = 0; NT_SUCCESS(reg_key_enum(&pnp_caller, ck, j, num, sizeof(num))); j++) {
            char *hw, *compat;
            struct pnp_node *n;
            ULONG flags = 0;
            if (!NT_SUCCESS(reg_key_open(&pnp_caller, ck, num, KEY_READ, &dk)))
                continue;
            hw = pnp_reg_multi(dk, "HardwareID");
            compat = pnp_reg_multi(dk, "CompatibleIDs");
            if (!NT_SUCCESS(reg_value_query_string(&pnp_caller, dk, "Service", 0, svc,
                                                   sizeof(svc))))
                svc[0] = 0;
            reg_value_query_dword(&pnp_caller, dk, "ConfigFlags", &flags);
            reg_key_close(dk);
            snprintf(id, sizeof(id), "ROOT\\%s\\%s", cls, num);
            if (hw && NT_SUCCESS(pnp_make_root_node(id, hw, compat, svc, &n))) {
                n->disabled = (flags & PNP_CONFIGFLAG_DISABLED) != 0;
                pnp_start_node(n);
            }
            free(hw);
            free(compat);
        }
        reg_key_close(ck);
    }
    reg_key_close(root);
}

static pthread_mutex_t pnp_init_lock = PTHREAD_MUTEX_INITIALIZER;

NTSTATUS pnp_init(void)
{
    NTSTATUS st;
    if (__atomic_load_n(&pnp_running, __ATOMIC_ACQUIRE))
        return STATUS_SUCCESS;
    pthread_mutex_lock(&pnp_init_lock);
    if (pnp_running) {
        pthread_mutex_unlock(&pnp_init_lock);
        return STATUS_SUCCESS;
    }
    st = io_create_builtin_driver(L"PnpManager", pnp_root_entry, &pnp_root_driver);
    if (!NT_SUCCESS(st)) {
        pthread_mutex_unlock(&pnp_init_lock);
        return st;
    }
    snprintf(pnp_root.instance_id, sizeof(pnp_root.instance_id), "HTREE\\ROOT\\0");
    pnp_root.dn_flags = DN_STARTED | DN_ROOT_ENUMERATED;
    pnp_stopping = false;
    if (pthread_create(&pnp_worker, NULL, pnp_worker_main, NULL)) {
        io_unload_driver(pnp_root_driver);
        pthread_mutex_unlock(&pnp_init_lock);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    pthread_mutex_lock(&pnp_lock);
    __atomic_store_n(&pnp_running, true, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&pnp_lock);
    pthread_mutex_unlock(&pnp_init_lock);
    pnp_queue(pnp_restore_action, NULL, false);
    return STATUS_SUCCESS;
}

static void pnp_shutdown_action(void *unused)
{
    (void)unused;
    while (pnp_root.last_child) {
        struct pnp_node *n = pnp_root.last_child;
        ULONG cnt;
        struct pnp_node **v = pnp_subtree(n, &cnt);
        pnp_remove_subtree(n, v, cnt, true);
        free(v);
    }
    while (pnp_services) {
        struct pnp_service *s = pnp_services;
        s->users = 0;
        pnp_services = s->next;
        io_unload_driver(s->driver);
        free(s);
    }
    while (pnp_classes) {
        struct pnp_class_ctr *c = pnp_classes;
        pnp_classes = c->next;
        free(c);
    }
}

void pnp_shutdown(void)
{
    pthread_mutex_lock(&pnp_init_lock);
    if (!pnp_running) {
        pthread_mutex_unlock(&pnp_init_lock);
        return;
    }
    pnp_queue(pnp_shutdown_action, NULL, false);
    pthread_mutex_lock(&pnp_lock);
    pnp_stopping = true;
    pthread_cond_signal(&pnp_cond);
    pthread_mutex_unlock(&pnp_lock);
    pthread_join(pnp_worker, NULL);
    pthread_mutex_lock(&pnp_lock);
    __atomic_store_n(&pnp_running, false, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&pnp_lock);
    pnp_notify_shutdown();
    io_unload_driver(pnp_root_driver);
    pnp_root_driver = NULL;
    pthread_mutex_unlock(&pnp_init_lock);
}
