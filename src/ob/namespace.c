/*
 * ob/namespace.c - the object namespace: directories, symbolic links,
 * names and lookups.
 *
 * Design: a tree of directory objects rooted at an unnamed root, guarded
 * by one reader/writer lock (lookups share it, inserts and removals take
 * it exclusively). A directory is a 37-bucket hash of its entries' headers
 * (hash of the upcased name); names compare case-insensitively. An entry
 * holds one reference on the object and the object holds one on its
 * directory, so a directory with entries never dies. References are never
 * dropped with the lock held (a delete procedure may come back into ob):
 * they are collected and dropped after unlocking.
 *
 * Symbolic links are substituted textually: the target replaces the path
 * up to the link and the walk starts again at the root (at most
 * OB_MAX_REPARSE times, so loops end with STATUS_OBJECT_PATH_NOT_FOUND).
 * An empty target means the root (\GLOBAL??\GLOBALROOT).
 */
#include "ob/obp.h"
#include "krnl/krnl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define OB_MAX_REPARSE 32

static pthread_rwlock_t ob_ns_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct ob_header *ob_root;          /* set once by ob_namespace_init */
static pthread_once_t ob_ns_once = PTHREAD_ONCE_INIT;

/* ---- strings ---------------------------------------------------------------- */

static size_t ob_wlen(const WCHAR *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

WCHAR ob_upcase(WCHAR c)
{
    if (c >= 'a' && c <= 'z')
        return c - ('a' - 'A');
    if (c < 0xe0)
        return c;
    if (c <= 0xfe && c != 0xf7)
        return c - 0x20;                    /* Latin-1 */
    if (c == 0xff)
        return 0x178;
    if (c >= 0x100 && c <= 0x17f)           /* Latin Extended-A pairs */
        return ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
            ? ((c & 1) ? c : c - 1) : ((c & 1) ? c - 1 : c);
    if (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2)
        return c - 0x20;                    /* Greek */
    if (c >= 0x430 && c <= 0x44f)
        return c - 0x20;                    /* Cyrillic */
    if (c >= 0x450 && c <= 0x45f)
        return c - 0x50;
    return c;
}

BOOLEAN ob_name_equal(const WCHAR *a, USHORT a_bytes, const WCHAR *b, USHORT b_bytes)
{
    USHORT i;

    if (a_bytes != b_bytes)
        return FALSE;
    for (i = 0; i < a_bytes / sizeof(WCHAR); i++)
        if (a[i] != b[i] && ob_upcase(a[i]) != ob_upcase(b[i]))
            return FALSE;
    return TRUE;
}

NTSTATUS ob_string_dup(const WCHAR *s, USHORT bytes, UNICODE_STRING *out)
{
    out->Length = out->MaximumLength = 0;
    out->Buffer = NULL;
    if (bytes == 0)
        return STATUS_SUCCESS;
    if (bytes > UNICODE_STRING_MAX_BYTES - sizeof(WCHAR))
        return STATUS_NAME_TOO_LONG;
    out->Buffer = malloc(bytes + sizeof(WCHAR));
    if (!out->Buffer)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(out->Buffer, s, bytes);
    out->Buffer[bytes / sizeof(WCHAR)] = 0;
    out->Length = bytes;
    out->MaximumLength = bytes + sizeof(WCHAR);
    return STATUS_SUCCESS;
}

void ob_free_string(UNICODE_STRING *s)
{
    if (!s)
        return;
    free(s->Buffer);
    s->Buffer = NULL;
    s->Length = s->MaximumLength = 0;
}

NTSTATUS ob_string_from_ascii(const char *s, UNICODE_STRING *out)
{
    size_t n = strlen(s), i;

    out->Length = out->MaximumLength = 0;
    out->Buffer = NULL;
    if (n > UNICODE_STRING_MAX_CHARS - 1)
        return STATUS_NAME_TOO_LONG;
    out->Buffer = malloc((n + 1) * sizeof(WCHAR));
    if (!out->Buffer)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (i = 0; i < n; i++)
        out->Buffer[i] = (unsigned char)s[i];
    out->Buffer[n] = 0;
    out->Length = (USHORT)(n * sizeof(WCHAR));
    out->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

static ULONG ob_hash(const WCHAR *s, USHORT chars)
{
    ULONG h = 0;
    USHORT i;

    for (i = 0; i < chars; i++)
        h = h * 31 + ob_upcase(s[i]);
    return h % OB_DIR_BUCKETS;
}

/* ---- directories ---------------------------------------------------------- */

static BOOLEAN ob_is_directory(struct ob_header *h)
{
    return h->type == ob_directory_type();
}

static BOOLEAN ob_is_symlink(struct ob_header *h)
{
    return h->type == ob_symlink_type();
}

static struct ob_header *ob_dir_find_locked(struct ob_header *dir, const WCHAR *name,
                                            USHORT chars)
{
    struct ob_directory *d = (struct ob_directory *)dir->body;
    struct ob_header *e;

    for (e = d->buckets[ob_hash(name, chars)]; e; e = e->next_in_bucket)
        if (ob_name_equal(e->name.Buffer, e->name.Length, name, chars * sizeof(WCHAR)))
            return e;
    return NULL;
}

static void ob_dir_unlink_locked(struct ob_header *h)
{
    struct ob_header *dir = h->parent;
    struct ob_directory *d = (struct ob_directory *)dir->body;
    struct ob_header **pp = &d->buckets[ob_hash(h->name.Buffer, h->name.Length / sizeof(WCHAR))];

    while (*pp && *pp != h)
        pp = &(*pp)->next_in_bucket;
    if (*pp)
        *pp = h->next_in_bucket;
    h->next_in_bucket = NULL;
    d->count--;
}

static void ob_symlink_delete(void *body)
{
    struct ob_symlink *l = body;

    ob_free_string(&l->target);
}

/* ---- walking ------------------------------------------------------------------ */

/* The result of a walk, with the lock held. path is owned by the walk
 * (it may have been rebuilt by link substitution). */
struct ob_walk {
    UNICODE_STRING path;        /* malloc'ed working copy */
    struct ob_header *found;    /* the object reached */
    USHORT rest;                /* chars of path consumed to reach it */
};

static NTSTATUS ob_walk_locked(struct ob_walk *w, ULONG attributes)
{
    unsigned reparse = 0;

restart:
    {
        const WCHAR *p = w->path.Buffer;
        USHORT len = w->path.Length / sizeof(WCHAR), pos = 0;
        struct ob_header *cur = ob_root;

        if (len == 0 || p[0] != '\\')
            return STATUS_OBJECT_PATH_SYNTAX_BAD;
        if (len == 1) {
            w->found = cur;
            w->rest = len;
            return STATUS_SUCCESS;
        }
        for (;;) {
            USHORT start, end;
            struct ob_header *child;

            if (pos == len || !ob_is_directory(cur)) {
                w->found = cur;
                w->rest = pos;
                return STATUS_SUCCESS;
            }
            start = pos + 1;
            for (end = start; end < len && p[end] != '\\'; end++)
                ;
            if (end == start)
                return STATUS_OBJECT_NAME_INVALID;
            child = ob_dir_find_locked(cur, p + start, end - start);
            if (!child)
                return end == len ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_OBJECT_PATH_NOT_FOUND;
            if (ob_is_symlink(child) && (end < len || !(attributes & OBJ_OPENLINK))) {
                struct ob_symlink *l = (struct ob_symlink *)child->body;
                size_t tl = l->target.Length / sizeof(WCHAR), rl = len - end;
                UNICODE_STRING np;

                if (++reparse > OB_MAX_REPARSE) {
                    krnl_log(KRNL_LOG_WARN, "ob: too many symbolic links in a path (a loop?)");
                    return STATUS_OBJECT_PATH_NOT_FOUND;
                }
                if ((tl + rl) * sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES - sizeof(WCHAR))
                    return STATUS_NAME_TOO_LONG;
                if (tl + rl == 0) {
                    /* An empty target with nothing after it: the root. */
                    w->found = ob_root;
                    w->rest = len;
                    return STATUS_SUCCESS;
                }
                np.Buffer = malloc((tl + rl + 1) * sizeof(WCHAR));
                if (!np.Buffer)
                    return STATUS_INSUFFICIENT_RESOURCES;
                if (tl)
                    memcpy(np.Buffer, l->target.Buffer, tl * sizeof(WCHAR));
                memcpy(np.Buffer + tl, p + end, rl * sizeof(WCHAR));
                np.Buffer[tl + rl] = 0;
                np.Length = (USHORT)((tl + rl) * sizeof(WCHAR));
                np.MaximumLength = np.Length + sizeof(WCHAR);
                ob_free_string(&w->path);
                w->path = np;
                goto restart;
            }
            cur = child;
            pos = end;
        }
    }
}

static NTSTATUS ob_walk_begin(struct ob_walk *w, PCUNICODE_STRING path)
{
    memset(w, 0, sizeof(*w));
    if (!path || (path->Length && !path->Buffer) || (path->Length & 1))
        return STATUS_OBJECT_NAME_INVALID;
    if (path->Length == 0)
        return STATUS_OBJECT_NAME_INVALID;
    return ob_string_dup(path->Buffer, path->Length, &w->path);
}

NTSTATUS ob_lookup(PCUNICODE_STRING path, ULONG attributes, POBJECT_TYPE type,
                   void **body, UNICODE_STRING *remainder)
{
    struct ob_walk w;
    NTSTATUS status;
    USHORT left;

    if (!body)
        return STATUS_INVALID_PARAMETER;
    *body = NULL;
    if (remainder)
        remainder->Length = remainder->MaximumLength = 0, remainder->Buffer = NULL;
    ob_namespace_init();
    status = ob_walk_begin(&w, path);
    if (!NT_SUCCESS(status))
        return status;
    pthread_rwlock_rdlock(&ob_ns_lock);
    status = ob_walk_locked(&w, attributes);
    if (NT_SUCCESS(status))
        __atomic_add_fetch(&w.found->pointer_count, 1, __ATOMIC_ACQ_REL);
    pthread_rwlock_unlock(&ob_ns_lock);
    if (!NT_SUCCESS(status))
        goto out;
    left = (USHORT)(w.path.Length / sizeof(WCHAR) - w.rest);
    if (left == 0) {
        if (type && w.found->type != type) {
            ob_dereference(w.found->body);
            status = STATUS_OBJECT_TYPE_MISMATCH;
            goto out;
        }
    } else if (!remainder) {
        ob_dereference(w.found->body);
        status = STATUS_OBJECT_NAME_NOT_FOUND;
        goto out;
    } else {
        status = ob_string_dup(w.path.Buffer + w.rest, left * sizeof(WCHAR), remainder);
        if (!NT_SUCCESS(status)) {
            ob_dereference(w.found->body);
            goto out;
        }
    }
    *body = w.found->body;
out:
    ob_free_string(&w.path);
    return status;
}

/* ---- names ---------------------------------------------------------------------- */

static NTSTATUS ob_insert_common(struct ob_header *h, PCUNICODE_STRING path, ULONG attributes,
                                 BOOLEAN need_init)
{
    struct ob_walk w;
    NTSTATUS status;
    USHORT len, slash;
    UNICODE_STRING leaf = { 0 }, parent_path;
    struct ob_header *parent;

    if (need_init)
        ob_namespace_init();
    if (!path || !path->Buffer || path->Length < 2 * sizeof(WCHAR) || (path->Length & 1) ||
        path->Buffer[0] != '\\')
        return STATUS_OBJECT_NAME_INVALID;
    len = path->Length / sizeof(WCHAR);
    for (slash = len - 1; path->Buffer[slash] != '\\'; slash--)
        ;
    if (slash == len - 1)
        return STATUS_OBJECT_NAME_INVALID;
    status = ob_string_dup(path->Buffer + slash + 1, (len - slash - 1) * sizeof(WCHAR), &leaf);
    if (!NT_SUCCESS(status))
        return status;
    parent_path.Buffer = path->Buffer;
    parent_path.Length = parent_path.MaximumLength = (USHORT)((slash ? slash : 1) * sizeof(WCHAR));
    status = ob_walk_begin(&w, &parent_path);
    if (!NT_SUCCESS(status)) {
        ob_free_string(&leaf);
        return status;
    }
    pthread_rwlock_wrlock(&ob_ns_lock);
    status = ob_walk_locked(&w, 0);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND)
        status = STATUS_OBJECT_PATH_NOT_FOUND;
    if (NT_SUCCESS(status) &&
        (w.rest != w.path.Length / sizeof(WCHAR) || !ob_is_directory(w.found)))
        status = STATUS_OBJECT_PATH_NOT_FOUND;
    if (NT_SUCCESS(status) && (h->flags & OB_FLAG_NAMED))
        status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status) &&
        ob_dir_find_locked(w.found, leaf.Buffer, leaf.Length / sizeof(WCHAR)))
        status = STATUS_OBJECT_NAME_COLLISION;
    if (NT_SUCCESS(status)) {
        struct ob_directory *d;
        ULONG b = ob_hash(leaf.Buffer, leaf.Length / sizeof(WCHAR));

        parent = w.found;
        d = (struct ob_directory *)parent->body;
        __atomic_add_fetch(&parent->pointer_count, 1, __ATOMIC_ACQ_REL);
        __atomic_add_fetch(&h->pointer_count, 1, __ATOMIC_ACQ_REL);
        h->name = leaf;
        leaf.Buffer = NULL;
        h->parent = parent;
        h->next_in_bucket = d->buckets[b];
        d->buckets[b] = h;
        d->count++;
        h->flags |= OB_FLAG_NAMED;
        if (attributes & OBJ_PERMANENT)
            h->flags |= OB_FLAG_PERMANENT;
    }
    pthread_rwlock_unlock(&ob_ns_lock);
    ob_free_string(&w.path);
    ob_free_string(&leaf);
    return status;
}

NTSTATUS ob_insert_object(void *body, PCUNICODE_STRING path, ULONG attributes)
{
    return ob_insert_common(ob_header_of(body, "ob_insert_object"), path, attributes, TRUE);
}

/* Unlinks h if named and (when only_if_unused) temporary with no handle.
 * Drops the references outside the lock. */
static void ob_unname(struct ob_header *h, BOOLEAN only_if_unused)
{
    struct ob_header *parent = NULL;
    UNICODE_STRING name = { 0 };

    pthread_rwlock_wrlock(&ob_ns_lock);
    if ((h->flags & OB_FLAG_NAMED) &&
        (!only_if_unused || (!(h->flags & OB_FLAG_PERMANENT) &&
                             __atomic_load_n(&h->handle_count, __ATOMIC_ACQUIRE) == 0))) {
        ob_dir_unlink_locked(h);
        parent = h->parent;
        name = h->name;
        h->parent = NULL;
        h->name.Buffer = NULL;
        h->name.Length = h->name.MaximumLength = 0;
        h->flags &= ~OB_FLAG_NAMED;
    }
    pthread_rwlock_unlock(&ob_ns_lock);
    if (parent) {
        ob_free_string(&name);
        ob_dereference(parent->body);
        ob_dereference(h->body);
    }
}

void ob_remove_name(void *body)
{
    ob_unname(ob_header_of(body, "ob_remove_name"), FALSE);
}

void ob_name_check(struct ob_header *h)
{
    ob_unname(h, TRUE);
}

/* ObMakeTemporaryObject: the name goes with the last handle. */
void ob_make_temporary(void *body);
void ob_make_temporary(void *body)
{
    struct ob_header *h = ob_header_of(body, "ObMakeTemporaryObject");

    pthread_rwlock_wrlock(&ob_ns_lock);
    h->flags &= ~OB_FLAG_PERMANENT;
    pthread_rwlock_unlock(&ob_ns_lock);
    ob_unname(h, TRUE);
}

NTSTATUS ob_query_name(void *body, UNICODE_STRING *name)
{
    struct ob_header *h = ob_header_of(body, "ob_query_name"), *p;
    size_t bytes = 0;
    WCHAR *buf, *end;

    name->Length = name->MaximumLength = 0;
    name->Buffer = NULL;
    pthread_rwlock_rdlock(&ob_ns_lock);
    if (h == ob_root) {
        pthread_rwlock_unlock(&ob_ns_lock);
        return ob_string_dup(L"\\", sizeof(WCHAR), name);
    }
    if (!(h->flags & OB_FLAG_NAMED)) {
        pthread_rwlock_unlock(&ob_ns_lock);
        if (h->type->procs.query_name_proc)
            return h->type->procs.query_name_proc(h->body, name);
        return STATUS_SUCCESS;
    }
    for (p = h; p && p != ob_root; p = p->parent)
        bytes += sizeof(WCHAR) + p->name.Length;
    if (bytes > UNICODE_STRING_MAX_BYTES - sizeof(WCHAR)) {
        pthread_rwlock_unlock(&ob_ns_lock);
        return STATUS_NAME_TOO_LONG;
    }
    buf = malloc(bytes + sizeof(WCHAR));
    if (!buf) {
        pthread_rwlock_unlock(&ob_ns_lock);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    end = buf + bytes / sizeof(WCHAR);
    *end = 0;
    for (p = h; p && p != ob_root; p = p->parent) {
        end -= p->name.Length / sizeof(WCHAR);
        memcpy(end, p->name.Buffer, p->name.Length);
        *--end = '\\';
    }
    pthread_rwlock_unlock(&ob_ns_lock);
    name->Buffer = buf;
    name->Length = (USHORT)bytes;
    name->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
    return STATUS_SUCCESS;
}

/* ---- directory and link objects --------------------------------------------------- */

static NTSTATUS ob_create_directory_common(PCUNICODE_STRING path, void **dir, BOOLEAN init)
{
    void *body;
    NTSTATUS status;

    if (dir)
        *dir = NULL;
    status = ob_create_object(ob_directory_type(), sizeof(struct ob_directory), OBJ_PERMANENT,
                              NULL, &body);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_insert_common(ob_header_of(body, "ob_create_directory"), path, OBJ_PERMANENT,
                              init);
    if (NT_SUCCESS(status) && dir)
        *dir = body;
    else
        ob_dereference(body);
    return status;
}

NTSTATUS ob_create_directory(PCUNICODE_STRING path, void **dir)
{
    return ob_create_directory_common(path, dir, TRUE);
}

static NTSTATUS ob_create_symlink_common(PCUNICODE_STRING link_name, PCUNICODE_STRING target,
                                         ULONG attributes, void **link, BOOLEAN init)
{
    struct ob_symlink *l;
    void *body;
    NTSTATUS status;

    if (link)
        *link = NULL;
    if (!target || (target->Length && !target->Buffer) || (target->Length & 1) ||
        (target->Length && target->Buffer[0] != '\\'))
        return STATUS_INVALID_PARAMETER;
    status = ob_create_object(ob_symlink_type(), sizeof(*l), attributes, NULL, &body);
    if (!NT_SUCCESS(status))
        return status;
    l = body;
    status = ob_string_dup(target->Buffer, target->Length, &l->target);
    if (NT_SUCCESS(status))
        status = ob_insert_common(ob_header_of(body, "ob_create_symlink"), link_name,
                                  attributes, init);
    if (NT_SUCCESS(status) && link)
        *link = body;
    else
        ob_dereference(body);
    return status;
}

NTSTATUS ob_create_symlink(PCUNICODE_STRING link_name, PCUNICODE_STRING target,
                           ULONG attributes, void **link)
{
    return ob_create_symlink_common(link_name, target, attributes | OBJ_PERMANENT, link, TRUE);
}

/* A temporary link (ZwCreateSymbolicLinkObject without OBJ_PERMANENT). */
NTSTATUS ob_create_symlink_ex(PCUNICODE_STRING link_name, PCUNICODE_STRING target,
                              ULONG attributes, void **link);
NTSTATUS ob_create_symlink_ex(PCUNICODE_STRING link_name, PCUNICODE_STRING target,
                              ULONG attributes, void **link)
{
    return ob_create_symlink_common(link_name, target, attributes, link, TRUE);
}

NTSTATUS ob_delete_symlink(PCUNICODE_STRING link_name)
{
    void *link;
    NTSTATUS status = ob_lookup(link_name, OBJ_OPENLINK, NULL, &link, NULL);

    if (!NT_SUCCESS(status))
        return status;
    if (ob_object_type(link) != ob_symlink_type()) {
        ob_dereference(link);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    ob_make_temporary(link);
    ob_dereference(link);
    return STATUS_SUCCESS;
}

NTSTATUS ob_symlink_target(void *link, UNICODE_STRING *target)
{
    struct ob_symlink *l = link;

    if (ob_object_type(link) != ob_symlink_type())
        return STATUS_OBJECT_TYPE_MISMATCH;
    return ob_string_dup(l->target.Buffer, l->target.Length, target);
}

/* ---- init ------------------------------------------------------------------------ */

static void ob_ns_make_dir(const WCHAR *path)
{
    UNICODE_STRING s = { (USHORT)(ob_wlen(path) * sizeof(WCHAR)), 0, (PWCH)path };

    s.MaximumLength = s.Length;
    (void)ob_create_directory_common(&s, NULL, FALSE);
}

static void ob_ns_make_link(const WCHAR *path, const WCHAR *target)
{
    UNICODE_STRING s = { (USHORT)(ob_wlen(path) * sizeof(WCHAR)), 0, (PWCH)path };
    UNICODE_STRING t = { (USHORT)(ob_wlen(target) * sizeof(WCHAR)), 0, (PWCH)target };

    s.MaximumLength = s.Length;
    t.MaximumLength = t.Length;
    (void)ob_create_symlink_common(&s, &t, OBJ_PERMANENT, NULL, FALSE);
}

static void ob_namespace_init_once(void)
{
    static const struct ob_type_procs link_procs = { .delete_proc = ob_symlink_delete };
    void *root;

    ob_type_set_procedures(ob_symlink_type(), &link_procs);
    if (!NT_SUCCESS(ob_create_object(ob_directory_type(), sizeof(struct ob_directory),
                                     OBJ_PERMANENT, NULL, &root)))
        krnl_bugcheck(0x7B /* INACCESSIBLE_BOOT_DEVICE */, 0, 0, 0, 0, NULL,
                      "ob: no memory for the namespace root");
    ob_root = ob_header_of(root, "ob_namespace_init");
    ob_ns_make_dir(L"\\Device");
    ob_ns_make_dir(L"\\Driver");
    ob_ns_make_dir(L"\\FileSystem");
    ob_ns_make_dir(L"\\GLOBAL??");
    ob_ns_make_dir(L"\\Callback");
    ob_ns_make_dir(L"\\KernelObjects");
    ob_ns_make_dir(L"\\ObjectTypes");
    ob_ns_make_dir(L"\\BaseNamedObjects");
    ob_ns_make_link(L"\\??", L"\\GLOBAL??");
    ob_ns_make_link(L"\\DosDevices", L"\\??");
    ob_ns_make_link(L"\\GLOBAL??\\GLOBALROOT", L"");
    ob_ns_make_link(L"\\GLOBAL??\\Global", L"\\GLOBAL??");
}

void ob_namespace_init(void)
{
    pthread_once(&ob_ns_once, ob_namespace_init_once);
}
