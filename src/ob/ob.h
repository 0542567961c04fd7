/*
 * ob/ob.h - the object manager's internal interface (io, ke, registry and
 * se build their objects on it).
 *
 * An object is a body of body_size bytes with a hidden header in front
 * (magic, type, pointer count, handle count, optional name, optional
 * security descriptor). Lifetime is by pointer references: ob_create_object
 * returns the body with one reference; every handle, every namespace entry
 * and every ob_reference holds one more. When the last reference goes, the
 * type's delete procedure runs (always at PASSIVE_LEVEL: a last dereference
 * at DISPATCH_LEVEL defers it to a worker), then ob frees the memory.
 *
 * Handles live in one table for the whole process. A handle value is a
 * multiple of 4 carrying an index and a generation, so a stale (closed,
 * slot reused) or forged value is recognized and refused with
 * STATUS_INVALID_HANDLE; OBJ_KERNEL_HANDLE handles carry a kernel bit (they
 * look negative, as on Windows) and are refused to UserMode callers.
 *
 * The namespace is a tree of directory objects with symbolic links,
 * compared case-insensitively: \Device, \Driver, \GLOBAL?? (with \?? and
 * \DosDevices as links to it), \Callback, \KernelObjects, \ObjectTypes.
 *
 * Lock order: namespace lock, then handle table lock, then the quarantine
 * lock. No type procedure is ever called with an ob lock held.
 */
#ifndef DDK_OB_INTERNAL_H
#define DDK_OB_INTERNAL_H

#include <wdm.h>

/* Bug check codes ob raises (Windows values). */
#define OB_BUGCHECK_REFERENCE_BY_POINTER 0x18
#define OB_BUGCHECK_BAD_OBJECT_HEADER    0x189

/* ---- types --------------------------------------------------------------- */

/* What the layer owning a type does at the edges of an object's life.
 * Every hook is optional; none runs with an ob lock held. */
struct ob_type_procs {
    /* The last reference is gone. Release what the body owns (the body
     * memory itself is freed by ob afterwards). PASSIVE_LEVEL. The object
     * has no name and no handle any more. */
    void (*delete_proc)(void *body);
    /* A handle to the object was closed. handle_count is the number of
     * handles that remain (0: that was the last one, e.g. io sends
     * IRP_MJ_CLEANUP for a file object). mode is the closer's mode. The
     * caller still holds the handle's reference during the call. */
    void (*close_proc)(void *body, ULONG handle_count, KPROCESSOR_MODE mode);
    /* The name ObQueryNameString reports for an object that is not in
     * the namespace (a file object: its device's name followed by its
     * file name). Fills *name with a string from ob_string_dup() (ob
     * frees it with ob_free_string). PASSIVE_LEVEL, no ob lock held. */
    NTSTATUS (*query_name_proc)(void *body, UNICODE_STRING *name);
};

/* Creates an object type. name is ASCII ("Device"); mapping maps the
 * generic rights of this type (NULL: everything maps to valid_access).
 * Types are never deleted. Returns NULL without memory. */
POBJECT_TYPE ob_create_type(const char *name, const GENERIC_MAPPING *mapping,
                            ACCESS_MASK valid_access);
/* The owner of a type attaches its procedures (copied). Call before the
 * first object of the type is created (at init or first use). */
void ob_type_set_procedures(POBJECT_TYPE type, const struct ob_type_procs *procs);
const char *ob_type_name(POBJECT_TYPE type);
const GENERIC_MAPPING *ob_type_mapping(POBJECT_TYPE type);
/* Live objects of this type (tests use it to find leaks). */
LONG ob_type_object_count(POBJECT_TYPE type);

/* The standard types (the same objects the exported IoFileObjectType ...
 * variables point at), plus the namespace's own. */
POBJECT_TYPE ob_directory_type(void);
POBJECT_TYPE ob_symlink_type(void);

/* ---- objects --------------------------------------------------------------- */

/* Allocates a zeroed body of body_size bytes (16-byte aligned) of the
 * given type with one pointer reference and no handle and no name.
 * attributes: OBJ_PERMANENT (kept in the namespace until
 * ObMakeTemporaryObject). sd: optional security descriptor, absolute or
 * self-relative, copied. */
NTSTATUS ob_create_object(POBJECT_TYPE type, ULONG body_size, ULONG attributes,
                          PSECURITY_DESCRIPTOR sd, void **body);

/* References. ob_reference returns its argument; ob_dereference accepts
 * NULL. Dereferencing an object that has no reference left, or touching a
 * freed object, is bug check REFERENCE_BY_POINTER (0x18). */
void *ob_reference(void *body);
void ob_dereference(void *body);
/* Like ob_dereference but the delete procedure always runs on a worker. */
void ob_dereference_defer_delete(void *body);
/* Takes a reference unless the object is already being deleted (count
 * reached 0); returns FALSE then. For lookups in owner-side caches. */
BOOLEAN ob_reference_if_alive(void *body);

POBJECT_TYPE ob_object_type(void *body);
LONG_PTR ob_pointer_count(void *body);
LONG ob_handle_count(void *body);
/* TRUE if body is a live object (magic check, no crash on a freed one). */
BOOLEAN ob_is_object(void *body);

/* The object's security descriptor (self-relative) or NULL. Valid while
 * the caller holds a reference and does not call ob_set_security. */
PSECURITY_DESCRIPTOR ob_object_security(void *body);
/* Replaces the security descriptor (copied; NULL removes it). */
NTSTATUS ob_set_security(void *body, PSECURITY_DESCRIPTOR sd);

/* ---- handles ------------------------------------------------------------- */

/* Opens a handle to body with exactly the access given (the caller did
 * the access check; generic rights are mapped here with the type's
 * mapping). attributes: OBJ_KERNEL_HANDLE, OBJ_INHERIT. The handle holds
 * its own reference. STATUS_INSUFFICIENT_RESOURCES if the table is full. */
NTSTATUS ob_open_handle(void *body, ACCESS_MASK granted, ULONG attributes, HANDLE *handle);

/* Handle -> referenced body. type NULL accepts any type. Checks, in order:
 * the value (STATUS_INVALID_HANDLE for NULL, stale, forged, or a kernel
 * handle used from UserMode), the type (STATUS_OBJECT_TYPE_MISMATCH) and,
 * for UserMode, the access (desired, after generic mapping, must be
 * granted to the handle: STATUS_ACCESS_DENIED). info may be NULL. */
NTSTATUS ob_reference_by_handle(HANDLE handle, ACCESS_MASK desired, POBJECT_TYPE type,
                                KPROCESSOR_MODE mode, void **body,
                                POBJECT_HANDLE_INFORMATION info);

/* Closes a handle: STATUS_INVALID_HANDLE if it is not a live handle (or a
 * kernel handle closed from UserMode). Calls the type's close_proc. */
NTSTATUS ob_close_handle(HANDLE handle, KPROCESSOR_MODE mode);

/* Number of open handles in the table (tests). */
ULONG ob_handle_table_count(void);

/* ---- the namespace ----------------------------------------------------------- */

/* Gives body a name: path is absolute ("\Device\Foo"); the parent
 * directory must exist. The namespace holds one reference. A temporary
 * object loses its name when its last handle closes (or at once via
 * ObMakeTemporaryObject when it has no handle); OBJ_PERMANENT (here or at
 * create) keeps it until ObMakeTemporaryObject. Errors:
 * STATUS_OBJECT_NAME_COLLISION, STATUS_OBJECT_PATH_NOT_FOUND (no parent),
 * STATUS_OBJECT_NAME_INVALID (not absolute, empty component),
 * STATUS_INVALID_PARAMETER (already named). */
NTSTATUS ob_insert_object(void *body, PCUNICODE_STRING path, ULONG attributes);

/* Removes body's name now (if any), dropping the namespace's reference. */
void ob_remove_name(void *body);

/* Looks a path up, following symbolic links (at most 32), case
 * insensitive. Walks while the current object is a directory; stops at
 * the first other object and returns it referenced in *body with what is
 * left of the path in *remainder ("\Device\X\file" -> X, "\file"). The
 * remainder is empty (Length 0, Buffer NULL) when the whole path matched;
 * otherwise remainder->Buffer is allocated and must be released with
 * ob_free_string(). attributes: OBJ_OPENLINK returns a symbolic link that
 * is the last component instead of following it. type (may be NULL) is
 * checked only when the remainder is empty (STATUS_OBJECT_TYPE_MISMATCH).
 * STATUS_OBJECT_NAME_NOT_FOUND (last component missing),
 * STATUS_OBJECT_PATH_NOT_FOUND (a directory on the way missing),
 * STATUS_OBJECT_NAME_INVALID / STATUS_OBJECT_PATH_SYNTAX_BAD (not absolute). */
NTSTATUS ob_lookup(PCUNICODE_STRING path, ULONG attributes, POBJECT_TYPE type,
                   void **body, UNICODE_STRING *remainder);
void ob_free_string(UNICODE_STRING *s);

/* Directories: created permanent. STATUS_OBJECT_NAME_COLLISION if the
 * name exists (*dir then NULL); dir may be NULL (no reference returned). */
NTSTATUS ob_create_directory(PCUNICODE_STRING path, void **dir);

/* Symbolic links. ob_create_symlink makes a permanent link object (as
 * IoCreateSymbolicLink does); link may be NULL. ob_delete_symlink makes
 * the link named link_name temporary so it disappears with its last
 * handle (IoDeleteSymbolicLink): STATUS_OBJECT_NAME_NOT_FOUND if absent,
 * STATUS_OBJECT_TYPE_MISMATCH if the name is not a link. */
NTSTATUS ob_create_symlink(PCUNICODE_STRING link_name, PCUNICODE_STRING target,
                           ULONG attributes, void **link);
NTSTATUS ob_delete_symlink(PCUNICODE_STRING link_name);
/* Copies the link's target into a fresh string (ob_free_string). */
NTSTATUS ob_symlink_target(void *link, UNICODE_STRING *target);

/* Full name of a named object into a fresh string ("\Device\X"); for an
 * unnamed one, what its type's query_name_proc says, else an empty string. */
NTSTATUS ob_query_name(void *body, UNICODE_STRING *name);

/* Lowest-level string helpers ob shares with se and io. */
BOOLEAN ob_name_equal(const WCHAR *a, USHORT a_bytes, const WCHAR *b, USHORT b_bytes);
/* Copies bytes of s into a fresh NUL-terminated buffer (ob_free_string). */
NTSTATUS ob_string_dup(const WCHAR *s, USHORT bytes, UNICODE_STRING *out);
/* Builds a UNICODE_STRING from ASCII into a fresh buffer (ob_free_string). */
NTSTATUS ob_string_from_ascii(const char *s, UNICODE_STRING *out);

#endif /* DDK_OB_INTERNAL_H */
