/*
 * ob/obp.h - private to the object manager: the object header, the type
 * record and the helpers the ob files share.
 */
#ifndef DDK_OBP_H
#define DDK_OBP_H

#include "ob/ob.h"

#define OB_MAGIC_LIVE  0x4a424f4cu   /* "LOBJ" */
#define OB_MAGIC_FREED 0x44454552u   /* "REED" */
#define OB_TYPE_MAGIC  0x45505954u   /* "TYPE" */

/* Header flags: guarded by the namespace lock. */
#define OB_FLAG_PERMANENT 0x1u
#define OB_FLAG_NAMED     0x2u

struct _OBJECT_TYPE {
    ULONG magic;
    char name[32];
    GENERIC_MAPPING mapping;
    ACCESS_MASK valid_access;
    struct ob_type_procs procs;      /* set by the owner before use, then read-only */
    volatile LONG object_count;      /* atomic: live objects */
};

struct ob_header {
    ULONG magic;                     /* OB_MAGIC_LIVE until freed */
    ULONG flags;                     /* OB_FLAG_*: namespace lock */
    volatile LONG_PTR pointer_count; /* atomic */
    volatile LONG handle_count;      /* atomic; changed under the handle table lock */
    ULONG body_size;
    struct _OBJECT_TYPE *type;       /* immutable */
    /* The name (namespace lock): leaf component, the directory holding
     * the entry (referenced by us), the next entry of its hash bucket. */
    UNICODE_STRING name;
    struct ob_header *parent;
    struct ob_header *next_in_bucket;
    PSECURITY_DESCRIPTOR sd;         /* self-relative copy; ob_sd_lock */
    WORK_QUEUE_ITEM defer_item;      /* deferred delete */
    DECLSPEC_ALIGN(16) UCHAR body[];
};

#define OB_DIR_BUCKETS 37
struct ob_directory {
    struct ob_header *buckets[OB_DIR_BUCKETS];   /* namespace lock */
    ULONG count;
};

struct ob_symlink {
    UNICODE_STRING target;           /* immutable after creation */
};

/* Body -> header, validating the magic: a freed object is bug check
 * 0x18, anything else that is not an object header is 0x189. */
struct ob_header *ob_header_of(void *body, const char *ddi);
static inline void *ob_body_of(struct ob_header *h) { return h->body; }

/* Maps generic rights with the type's mapping; MAXIMUM_ALLOWED becomes
 * all rights of the type. */
ACCESS_MASK ob_map_access(POBJECT_TYPE type, ACCESS_MASK desired);

/* Runs after the handle count reached 0: drops a temporary name. */
void ob_name_check(struct ob_header *h);

/* Glue to ke (weak: ob works before ke is linked in). */
KIRQL ob_current_irql(void);
BOOLEAN ob_queue_work(PWORK_QUEUE_ITEM item);

WCHAR ob_upcase(WCHAR c);

/* Object callbacks around handle creation (process and thread types). */
ACCESS_MASK ob_callbacks_pre(struct ob_header *h, OB_OPERATION op, BOOLEAN kernel,
                             ACCESS_MASK access, void **state);
void ob_callbacks_post(void *state, ACCESS_MASK granted, NTSTATUS status);
/* ob_open_handle for a given operation (create or duplicate). */
NTSTATUS ob_open_handle_op(void *body, ACCESS_MASK granted, ULONG attributes, HANDLE *handle,
                           OB_OPERATION op);

/* Namespace init (idempotent, thread-safe). */
void ob_namespace_init(void);

#endif /* DDK_OBP_H */
