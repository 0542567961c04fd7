/*
 * ob/callbacks.c - ObRegisterCallbacks: drivers watch (and may narrow)
 * handle creation and duplication for process and thread objects.
 *
 * Design: registrations sit in one list sorted by altitude, guarded by
 * ob_cb_lock. A callback never runs with the lock held: the caller marks
 * the registration busy (active++), unlocks, calls, relocks. Unregistering
 * unlinks nothing until the registration is idle, so a driver's callback
 * is never running once ObUnRegisterCallbacks has returned (the driver may
 * unload then). Only the process and thread types support callbacks, as on
 * Windows; a pre-operation callback may only take rights away.
 */
#include "ob/obp.h"
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifndef STATUS_FLT_INSTANCE_ALTITUDE_COLLISION
#define STATUS_FLT_INSTANCE_ALTITUDE_COLLISION ((NTSTATUS)0xC01C0011L)
#endif

#define OB_CB_MAGIC 0x4243424fu   /* "OBCB" */

struct ob_cb_registration {
    ULONG magic;
    struct ob_cb_registration *next;     /* ob_cb_lock */
    ULONG active;                        /* ob_cb_lock: callbacks running */
    BOOLEAN removing;                    /* ob_cb_lock */
    UNICODE_STRING altitude;             /* immutable */
    PVOID context;                       /* immutable */
    USHORT count;                        /* immutable */
    OB_OPERATION_REGISTRATION ops[];     /* immutable */
};

static pthread_mutex_t ob_cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ob_cb_idle = PTHREAD_COND_INITIALIZER;
static struct ob_cb_registration *ob_cb_list;     /* ob_cb_lock */
static volatile LONG ob_cb_count;                  /* registrations (fast path) */

static BOOLEAN ob_cb_type_supported(POBJECT_TYPE type)
{
    return type == *PsProcessType || type == *PsThreadType;
}

static int ob_cb_altitude_cmp(const UNICODE_STRING *a, const UNICODE_STRING *b)
{
    USHORT n = min(a->Length, b->Length) / sizeof(WCHAR), i;

    for (i = 0; i < n; i++)
        if (a->Buffer[i] != b->Buffer[i])
            return a->Buffer[i] < b->Buffer[i] ? -1 : 1;
    return a->Length == b->Length ? 0 : (a->Length < b->Length ? -1 : 1);
}

NTKERNELAPI USHORT NTAPI ObGetFilterVersion(void)
{
    return OB_FLT_REGISTRATION_VERSION;
}

NTKERNELAPI NTSTATUS NTAPI ObRegisterCallbacks(POB_CALLBACK_REGISTRATION CallbackRegistration,
                                               PVOID *RegistrationHandle)
{
    POB_CALLBACK_REGISTRATION r = CallbackRegistration;
    struct ob_cb_registration *reg, **pp;
    NTSTATUS status;
    USHORT i;

    ke_check_irql_max(APC_LEVEL, "ObRegisterCallbacks");
    if (!r || !RegistrationHandle || r->Version != OB_FLT_REGISTRATION_VERSION ||
        r->OperationRegistrationCount == 0 || !r->OperationRegistration ||
        !r->Altitude.Buffer || r->Altitude.Length == 0 || (r->Altitude.Length & 1))
        return STATUS_INVALID_PARAMETER;
    for (i = 0; i < r->OperationRegistrationCount; i++) {
        const OB_OPERATION_REGISTRATION *op = &r->OperationRegistration[i];

        if (!op->ObjectType || !ob_cb_type_supported(*op->ObjectType) ||
            !(op->Operations & (OB_OPERATION_HANDLE_CREATE | OB_OPERATION_HANDLE_DUPLICATE)) ||
            (op->Operations & ~(OB_OPERATION_HANDLE_CREATE | OB_OPERATION_HANDLE_DUPLICATE)) ||
            (!op->PreOperation && !op->PostOperation))
            return STATUS_INVALID_PARAMETER;
    }
    reg = calloc(1, sizeof(*reg) + r->OperationRegistrationCount * sizeof(reg->ops[0]));
    if (!reg)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = ob_string_dup(r->Altitude.Buffer, r->Altitude.Length, &reg->altitude);
    if (!NT_SUCCESS(status)) {
        free(reg);
        return status;
    }
    reg->magic = OB_CB_MAGIC;
    reg->context = r->RegistrationContext;
    reg->count = r->OperationRegistrationCount;
    memcpy(reg->ops, r->OperationRegistration, reg->count * sizeof(reg->ops[0]));

    pthread_mutex_lock(&ob_cb_lock);
    for (pp = &ob_cb_list; *pp; pp = &(*pp)->next) {
        int c = ob_cb_altitude_cmp(&(*pp)->altitude, &reg->altitude);

        if (c == 0 && !(*pp)->removing) {
            pthread_mutex_unlock(&ob_cb_lock);
            ob_free_string(&reg->altitude);
            free(reg);
            return STATUS_FLT_INSTANCE_ALTITUDE_COLLISION;
        }
        if (c < 0)
            break;          /* higher altitudes first */
    }
    reg->next = *pp;
    *pp = reg;
    __atomic_add_fetch(&ob_cb_count, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&ob_cb_lock);
    *RegistrationHandle = reg;
    return STATUS_SUCCESS;
}

NTKERNELAPI VOID NTAPI ObUnRegisterCallbacks(PVOID RegistrationHandle)
{
    struct ob_cb_registration *reg = RegistrationHandle, **pp;

    ke_check_irql_max(APC_LEVEL, "ObUnRegisterCallbacks");
    pthread_mutex_lock(&ob_cb_lock);
    for (pp = &ob_cb_list; *pp && *pp != reg; pp = &(*pp)->next)
        ;
    if (!*pp || reg->removing) {
        pthread_mutex_unlock(&ob_cb_lock);
        krnl_bugcheck(0xC4 /* DRIVER_VERIFIER_DETECTED_VIOLATION */, 0x1000,
                      (ULONG_PTR)RegistrationHandle, 0, 0, NULL,
                      "ObUnRegisterCallbacks: %p is not a registration (or was unregistered)",
                      RegistrationHandle);
    }
    reg->removing = TRUE;
    while (reg->active)
        pthread_cond_wait(&ob_cb_idle, &ob_cb_lock);
    for (pp = &ob_cb_list; *pp != reg; pp = &(*pp)->next)
        ;
    *pp = reg->next;
    __atomic_sub_fetch(&ob_cb_count, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&ob_cb_lock);
    reg->magic = 0;
    ob_free_string(&reg->altitude);
    free(reg);
}

/* Walks the registrations calling fn on each, without the lock held. */
static void ob_cb_walk(void (*fn)(struct ob_cb_registration *reg, void *arg), void *arg)
{
    struct ob_cb_registration *reg;

    pthread_mutex_lock(&ob_cb_lock);
    for (reg = ob_cb_list; reg; reg = reg->next) {
        if (reg->removing)
            continue;
        reg->active++;
        pthread_mutex_unlock(&ob_cb_lock);
        fn(reg, arg);
        pthread_mutex_lock(&ob_cb_lock);
        if (--reg->active == 0 && reg->removing)
            pthread_cond_broadcast(&ob_cb_idle);
    }
    pthread_mutex_unlock(&ob_cb_lock);
}

struct ob_cb_call {
    struct ob_header *h;
    OB_OPERATION op;
    BOOLEAN kernel;
    ACCESS_MASK access;              /* pre: narrowed as we go; post: granted */
    NTSTATUS status;
    struct {                         /* CallContext from pre to post */
        struct ob_cb_registration *reg;
        PVOID context;
    } contexts[16];
    unsigned n;
};

static void ob_cb_pre_one(struct ob_cb_registration *reg, void *arg)
{
    struct ob_cb_call *c = arg;
    USHORT i;

    for (i = 0; i < reg->count; i++) {
        const OB_OPERATION_REGISTRATION *op = &reg->ops[i];
        OB_PRE_OPERATION_PARAMETERS params;
        OB_PRE_OPERATION_INFORMATION info;

        if (*op->ObjectType != c->h->type || !(op->Operations & c->op) || !op->PreOperation)
            continue;
        memset(&params, 0, sizeof(params));
        memset(&info, 0, sizeof(info));
        if (c->op == OB_OPERATION_HANDLE_CREATE) {
            params.CreateHandleInformation.DesiredAccess = c->access;
            params.CreateHandleInformation.OriginalDesiredAccess = c->access;
        } else {
            params.DuplicateHandleInformation.DesiredAccess = c->access;
            params.DuplicateHandleInformation.OriginalDesiredAccess = c->access;
            params.DuplicateHandleInformation.SourceProcess = PsGetCurrentProcess();
            params.DuplicateHandleInformation.TargetProcess = PsGetCurrentProcess();
        }
        info.Operation = c->op;
        info.KernelHandle = c->kernel;
        info.Object = c->h->body;
        info.ObjectType = c->h->type;
        info.Parameters = &params;
        (void)op->PreOperation(reg->context, &info);
        /* Rights may only be taken away. */
        c->access &= c->op == OB_OPERATION_HANDLE_CREATE
            ? params.CreateHandleInformation.DesiredAccess
            : params.DuplicateHandleInformation.DesiredAccess;
        if (info.CallContext && c->n < ARRAYSIZE(c->contexts)) {
            c->contexts[c->n].reg = reg;
            c->contexts[c->n++].context = info.CallContext;
        }
    }
}

static void ob_cb_post_one(struct ob_cb_registration *reg, void *arg)
{
    struct ob_cb_call *c = arg;
    USHORT i;

    for (i = 0; i < reg->count; i++) {
        const OB_OPERATION_REGISTRATION *op = &reg->ops[i];
        OB_POST_OPERATION_PARAMETERS params;
        OB_POST_OPERATION_INFORMATION info;

        if (*op->ObjectType != c->h->type || !(op->Operations & c->op) || !op->PostOperation)
            continue;
        memset(&info, 0, sizeof(info));
        params.CreateHandleInformation.GrantedAccess = c->access;
        info.Operation = c->op;
        info.KernelHandle = c->kernel;
        info.Object = c->h->body;
        info.ObjectType = c->h->type;
        for (unsigned k = 0; k < c->n; k++)
            if (c->contexts[k].reg == reg)
                info.CallContext = c->contexts[k].context;
        info.ReturnStatus = c->status;
        info.Parameters = &params;
        op->PostOperation(reg->context, &info);
    }
}

/* Called by the handle code around the creation of a handle. */
ACCESS_MASK ob_callbacks_pre(struct ob_header *h, OB_OPERATION op, BOOLEAN kernel,
                             ACCESS_MASK access, void **state)
{
    struct ob_cb_call *c;

    *state = NULL;
    if (!__atomic_load_n(&ob_cb_count, __ATOMIC_ACQUIRE) || !ob_cb_type_supported(h->type))
        return access;
    c = calloc(1, sizeof(*c));
    if (!c)
        return access;
    c->h = h;
    c->op = op;
    c->kernel = kernel;
    c->access = access;
    ob_cb_walk(ob_cb_pre_one, c);
    *state = c;
    return c->access;
}

void ob_callbacks_post(void *state, ACCESS_MASK granted, NTSTATUS status)
{
    struct ob_cb_call *c = state;

    if (!c)
        return;
    c->access = granted;
    c->status = status;
    ob_cb_walk(ob_cb_post_one, c);
    free(c);
}
