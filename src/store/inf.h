/*
 * store/inf.h - the INF parser: the first layer of the driver store.
 *
 * An INF is read whole, decoded to UTF-8 (UTF-16LE with BOM, UTF-8 with or
 * without BOM, else Windows-1252), and split into sections of lines; each
 * line has an optional key and a list of fields. Quoting and `""` escapes
 * are resolved at parse time; `%strkey%` and `%dirid%` substitutions are
 * resolved when a field is read (inf_field), because [Strings] may come
 * after the lines that use it and DIRIDs depend on where the package goes.
 *
 * Names of sections and keys compare case-insensitively (ASCII). Every
 * line remembers its file and line number so that the install engine and
 * the checks report `file:line`. A parse error never crashes and never
 * leaks: inf_open returns NULL and fills *err.
 *
 * Ownership: an inf_file owns everything reachable from it; pointers it
 * hands out live until inf_close. Not thread-safe; one thread at a time.
 */
#ifndef DDK_STORE_INF_H
#define DDK_STORE_INF_H

#include <stdbool.h>
#include <stddef.h>

/* Syntax error codes, as infverif numbers them. */
#define INF_ERR_SYNTAX      1001   /* malformed line */
#define INF_ERR_SECTION     1002   /* malformed or missing section */
#define INF_ERR_FILE        1003   /* unreadable, empty, bad encoding */

struct inf_error {
    char file[512];
    unsigned line;            /* 0 when not about a line */
    unsigned code;
    char message[512];
};

struct inf_line {
    char *key;                /* NULL when the line has no "key =" */
    char **fields;            /* unexpanded, unquoted; never NULL */
    bool *quoted;             /* per field: written in quotes */
    unsigned nfields;
    unsigned lineno;
    struct inf_section *section;
};

struct inf_section {
    char *name;
    unsigned lineno;          /* of the [header] (first one, if repeated) */
    struct inf_line *lines;
    unsigned nlines, cap;
    struct inf_file *file;
};

struct inf_file {
    char *path;               /* as given */
    char *dir;                /* directory of path */
    char *encoding;           /* "utf-16le", "utf-8", "utf-8-bom", "windows-1252" */
    struct inf_section *sections;
    unsigned nsections, cap;
    unsigned lcid;            /* locale used for [Strings.<lcid>], 0x0409 default */
    /* DIRID resolution for %NN%: returns a path or NULL (left unexpanded). */
    const char *(*dirid)(void *ctx, unsigned id);
    void *dirid_ctx;
};

/* Parses path. lcid chooses [Strings.<lcid>] (0: 0x0409). NULL on error. */
struct inf_file *inf_open(const char *path, unsigned lcid, struct inf_error *err);
/* Parses a buffer (name is used in messages). */
struct inf_file *inf_parse(const char *name, const void *data, size_t len, unsigned lcid,
                           struct inf_error *err);
void inf_close(struct inf_file *inf);

/* Sections and lines. NULL/0 when absent. */
const struct inf_section *inf_section(const struct inf_file *inf, const char *name);
/* The first line of section whose key is key (case-insensitive). */
const struct inf_line *inf_find_key(const struct inf_section *s, const char *key);

/*
 * Field i of a line with %strkey% (from [Strings.<lcid>], then [Strings]),
 * %NN% DIRIDs (through inf->dirid) and %% expanded, into buf. Returns
 * false when i is out of range or the result does not fit. An unknown
 * %token% is left as written and *unresolved (optional) is set.
 */
bool inf_field(const struct inf_file *inf, const struct inf_line *l, unsigned i,
               char *buf, size_t cap, bool *unresolved);
/* The key, expanded the same way (keys may be %tokens% in [Manufacturer]). */
bool inf_key(const struct inf_file *inf, const struct inf_line *l, char *buf, size_t cap,
             bool *unresolved);
/* A string-table lookup: NULL when strkey is not defined. */
const char *inf_string(const struct inf_file *inf, const char *strkey);

/*
 * TargetOSVersion decorations. OpenDDK reports itself as
 * Windows 10.0.26100, amd64. inf_decoration_applies tells whether a
 * decoration such as "NTamd64.10.0...16299" applies; inf_decoration_rank
 * orders applicable ones (higher is more specific / newer).
 */
#define INF_OS_MAJOR 10u
#define INF_OS_MINOR 0u
#define INF_OS_BUILD 26100u
#define INF_OS_SUITE 0x0100u     /* VER_SUITE_SINGLEUSERTS, as a workstation */
bool inf_decoration_applies(const char *decoration);
long inf_decoration_rank(const char *decoration);

/*
 * The install section to use for base (e.g. "Echo_Device"): the
 * best-decorated variant present among base.NTamd64[.ver], base.NT[.ver],
 * base, per the documented search order. NULL when none exists.
 */
const struct inf_section *inf_install_section(const struct inf_file *inf, const char *base);

/*
 * Decodes INF bytes to NUL-terminated UTF-8 (malloc'd) the way inf_parse
 * does; *encoding names what was found. NULL with *err on failure. The
 * stamping step uses it to rewrite an .inx in its own encoding.
 */
char *inf_decode(const char *name, const void *data, size_t len, const char **encoding,
                 size_t *out_len, struct inf_error *err);

/*
 * A decoration's TargetOSVersion fields (absent ones are 0). False when
 * the text is not a decoration. $ARCH$ (an unstamped .inx) counts as
 * amd64.
 */
bool inf_decoration_version(const char *decoration, unsigned *major, unsigned *minor,
                            unsigned *build);

/*
 * Include= and Needs= across INF files.
 *
 * An inf_set is an INF together with every INF its sections name in
 * Include= lines, transitively (each file once; a file that includes
 * itself through a chain is an error at the Include= line that closes the
 * loop). Included files are looked up by name, case-insensitively, in the
 * directory of the including INF and then in each directory of
 * search_path (':'-separated; may be NULL) — the system INF directory
 * (OpenDDK's own WUDFRD.inf) goes there.
 */
struct inf_set {
    struct inf_file **files;  /* files[0] is the INF opened */
    unsigned nfiles, cap;
};

struct inf_set *inf_set_open(const char *path, const char *search_path, unsigned lcid,
                             struct inf_error *err);
/* The same from an already parsed INF; the set takes ownership of inf
 * (closed with the set, also on failure). */
struct inf_set *inf_set_from(struct inf_file *inf, const char *search_path,
                             struct inf_error *err);
void inf_set_close(struct inf_set *set);

/*
 * The sections that processing `section` pulls in through Needs=, in
 * depth-first order, section itself excluded, each once: for every name in
 * its Needs= lines, that section in its own file or in a file of the set
 * (an included file), then what that one Needs. A missing section or a
 * Needs loop is an error naming the Needs= line. *n receives the count;
 * at most max are stored in out. Returns false on error.
 */
bool inf_set_needs(const struct inf_set *set, const struct inf_section *section,
                   const struct inf_section **out, unsigned max, unsigned *n,
                   struct inf_error *err);
/* The first section of that name in the set (the opened INF first). */
const struct inf_section *inf_set_section(const struct inf_set *set, const char *name);

#endif /* DDK_STORE_INF_H */
