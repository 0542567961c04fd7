/*
 * pool.c - the executive pool: ExAllocatePool2 and its older forms, with
 * per-driver tag accounting.
 *
 * Design. A pool block is a malloc() block with a 32-byte header in front
 * of the caller's memory (struct pool_header): a magic that mixes in the
 * header's own address (so a copied or stale header does not pass), the
 * tag, the size and the owner. The owner is a struct pool_stat, one per
 * (module, tag) pair, where "module" is the base address of the loaded
 * object (dladdr's dli_fbase) that called the DDI: a driver module, the
 * test program, or the executive itself. The stat counts outstanding
 * blocks and bytes with relaxed atomics, so freeing is a header check, two
 * atomic subtractions and free().
 *
 * The hot path takes no lock: each thread keeps a small direct-mapped cache
 * from (return address, tag) to its stat. Only a miss calls dladdr() and
 * takes pool_stats_lock to find or create the stat. Stats are never freed
 * (blocks point at them); when a module unloads, krnl_pool_module_unloaded()
 * retires its stats and bumps pool_generation, which invalidates every
 * thread's cache, so a module loaded later at the same address starts
 * from zero.
 *
 * Misuse is a bug check, as on Windows: freeing with the wrong tag
 * (BAD_POOL_CALLER 0x0A), freeing twice (0x07), freeing something that is
 * not a pool block (0x99, or 0x46 for NULL/misaligned pointers), pool use
 * above its IRQL (0x08 allocating, 0x09 freeing), must-succeed pool
 * (0x9A), a zero tag in the POOL_TYPE forms (0x9B); writing past the end
 * of a block is found at free by a guard word after it (0xC1, 0x24).
 * Double frees are caught deterministically because a freed block first
 * sits in a small per-thread quarantine with its header marked freed
 * (and ASan never sees us read freed memory); small blocks leaving the
 * quarantine go to a per-thread size-class cache and are reused without
 * calling malloc, still marked freed.
 *
 * Sanitizer builds (DDK_SANITIZE) drop the guard word and the class cache
 * (ASan must see the true bounds and every free) and keep each live block
 * on its owner's list, so that blocks the leak report names are not
 * reported a second time by LeakSanitizer.
 *
 * Cost (ddk-bench, thread CPU time): alloc+free of 256 bytes about 16-24
 * ns against 11 for malloc+free; most of the difference is the two pairs
 * of atomic counter updates and the IRQL checks.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define POOL_MAGIC_LIVE  0x4C4F4F50u   /* "POOL" */
#define POOL_MAGIC_FREED 0x45455246u   /* "FREE" */
#define POOL_ALIGN       16
#define POOL_CACHE_ALIGN 64
/* Far beyond any real pool; also below ASan's allocation limit so that a
 * huge request fails like on Windows instead of aborting. */
#define POOL_MAX_SIZE    ((SIZE_T)1 << 40)
#define POOL_NONE_TAG    'enoN'        /* "None": ExAllocatePool's tag */

#define POOL_HDR_PAGED        0x1u
#define POOL_HDR_CACHE_ALIGNED 0x2u
#define POOL_HDR_QUOTA        0x4u
#define POOL_HDR_CLASS_SHIFT  8        /* bits 8..15: size class + 1, 0 = none */

/* One per (module, tag). Never freed. next/module/tag are written once
 * under pool_stats_lock before the stat is published; the counters are
 * atomics touched without a lock. */
struct pool_stat {
    struct pool_stat *next;          /* hash chain (pool_stats_lock) */
    const void *module;
    ULONG tag;
    int retired;                     /* module unloaded (pool_stats_lock) */
    long allocs;                     /* outstanding blocks, atomic */
    long bytes;                      /* outstanding bytes, atomic */
#if defined(DDK_SANITIZE)
    struct pool_header *live;        /* its live blocks (pool_live_lock) */
#endif
};

struct pool_header {
    uint32_t magic;                  /* POOL_MAGIC_* ^ pool_mix(header) */
    ULONG tag;
    uint32_t flags;                  /* POOL_HDR_* */
    uint32_t offset;                 /* header - start of the malloc block */
    SIZE_T size;                     /* bytes the caller asked for */
    struct pool_stat *owner;
#if defined(DDK_SANITIZE)
    /* Sanitizer builds keep every live block on its stat's list, so that
     * blocks the leak report has named are not reported again by LSan
     * when the process exits. (pool_live_lock) */
    struct pool_header *live_prev, *live_next;
#endif
};
_Static_assert(sizeof(struct pool_header) % 16 == 0, "pool header keeps 16-byte alignment");

#if defined(DDK_SANITIZE)
#include <sanitizer/lsan_interface.h>
static pthread_mutex_t pool_live_lock = PTHREAD_MUTEX_INITIALIZER;

static void pool_live_insert(struct pool_header *h)
{
    struct pool_stat *s = h->owner;
    if (!s)
        return;
    pthread_mutex_lock(&pool_live_lock);
    h->live_prev = NULL;
    h->live_next = s->live;
    if (s->live)
        s->live->live_prev = h;
    s->live = h;
    pthread_mutex_unlock(&pool_live_lock);
}

static void pool_live_remove(struct pool_header *h)
{
    struct pool_stat *s = h->owner;
    if (!s)
        return;
    pthread_mutex_lock(&pool_live_lock);
    if (h->live_prev)
        h->live_prev->live_next = h->live_next;
    else
        s->live = h->live_next;
    if (h->live_next)
        h->live_next->live_prev = h->live_prev;
    pthread_mutex_unlock(&pool_live_lock);
}
#else
static inline void pool_live_insert(struct pool_header *h) { (void)h; }
static inline void pool_live_remove(struct pool_header *h) { (void)h; }
#endif

#define POOL_STAT_BUCKETS 256
static struct pool_stat *pool_stats[POOL_STAT_BUCKETS];   /* pool_stats_lock */
static pthread_mutex_t pool_stats_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned pool_generation = 1;                      /* atomic */

/* Per-thread state: the owner cache, (return address, tag) -> stat, and
 * the quarantine of freed blocks (see the design note). One malloc'ed
 * block per thread behind one initial-exec TLS pointer: the executive is
 * a shared library, and general-dynamic TLS would cost a __tls_get_addr
 * call per access on the hot path. Freed by a pthread key destructor. */
#define POOL_TLS_SLOTS 64
#define POOL_QUARANTINE 32
#define POOL_QUARANTINE_MAX_BLOCK (256u * 1024u)

struct pool_tls_slot {
    const void *ret;
    ULONG tag;
    unsigned gen;
    struct pool_stat *stat;
};

/* Small blocks leaving the quarantine are kept per thread by size class
 * (total size rounded up to POOL_CLASS_GRAIN) and reused before malloc is
 * asked: an allocate/free pair then costs no malloc call at all. Not in
 * sanitizer builds, where every block must go back to ASan's free(). */
#define POOL_CLASS_GRAIN 64
#define POOL_CLASSES     16            /* blocks up to 1 KiB */
#define POOL_CLASS_DEPTH 32
#if defined(DDK_SANITIZE)
#define POOL_USE_CLASSES 0
#else
#define POOL_USE_CLASSES 1
#endif

struct pool_thread {
    struct pool_tls_slot slots[POOL_TLS_SLOTS];
    struct pool_header *quarantine[POOL_QUARANTINE];
    unsigned quarantine_next;
    void *classes[POOL_CLASSES];       /* free class blocks, linked through owner */
    unsigned class_count[POOL_CLASSES];
};

static __thread struct pool_thread *pool_self __attribute__((tls_model("initial-exec")));
static pthread_key_t pool_thread_key;
static pthread_once_t pool_thread_once = PTHREAD_ONCE_INIT;

static inline uint32_t pool_mix(const struct pool_header *h)
{
    uintptr_t a = (uintptr_t)h;
    return (uint32_t)((a >> 4) ^ (a >> 36));
}

/* A guard word right after the caller's bytes catches the commonest
 * overrun (writing past the end) when the block is freed. Sanitizer
 * builds have none: ASan must see the true end of the block. */
#if defined(DDK_SANITIZE)
#define POOL_TAIL 0
#else
#define POOL_TAIL 8
#endif

static inline uint64_t pool_guard(const struct pool_header *h)
{
    return 0xD5D5C0DEB10C5AFEull ^ ((uint64_t)(uintptr_t)h << 3) ^ h->size;
}

static inline void *pool_block_start(struct pool_header *h)
{
    return (char *)h - h->offset;
}

/* ---------------------------------------------------------------- */
/* Owners                                                             */
/* ---------------------------------------------------------------- */

const void *krnl_module_base(const void *addr)
{
    Dl_info info;
    if (addr && dladdr(addr, &info) && info.dli_fbase)
        return info.dli_fbase;
    return NULL;
}

const void *krnl_executive_base(void)
{
    static const void *base;
    const void *b = __atomic_load_n(&base, __ATOMIC_RELAXED);
    if (!b) {
        b = krnl_module_base((const void *)&krnl_executive_base);
        __atomic_store_n(&base, b, __ATOMIC_RELAXED);
    }
    return b;
}

static inline unsigned pool_stat_bucket(const void *module, ULONG tag)
{
    uintptr_t k = ((uintptr_t)module >> 12) ^ ((uintptr_t)tag * 0x9E3779B1u);
    return (unsigned)(k ^ (k >> 8)) % POOL_STAT_BUCKETS;
}

static struct pool_stat *pool_stat_get(const void *module, ULONG tag)
{
    unsigned b = pool_stat_bucket(module, tag);
    struct pool_stat *s;

    pthread_mutex_lock(&pool_stats_lock);
    for (s = pool_stats[b]; s; s = s->next)
        if (s->module == module && s->tag == tag && !s->retired)
            break;
    if (!s) {
        s = calloc(1, sizeof(*s));
        if (s) {
            s->module = module;
            s->tag = tag;
            s->next = pool_stats[b];
            __atomic_store_n(&pool_stats[b], s, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&pool_stats_lock);
    return s;
}

static void pool_thread_exit(void *arg);

/* fork() while another thread holds a pool lock must not leave the lock
 * held forever in the child (tests fork to provoke bug checks). */
static void pool_fork_prepare(void)
{
    pthread_mutex_lock(&pool_stats_lock);
#if defined(DDK_SANITIZE)
    pthread_mutex_lock(&pool_live_lock);
#endif
}

static void pool_fork_done(void)
{
#if defined(DDK_SANITIZE)
    pthread_mutex_unlock(&pool_live_lock);
#endif
    pthread_mutex_unlock(&pool_stats_lock);
}

static void pool_thread_key_init(void)
{
    (void)pthread_key_create(&pool_thread_key, pool_thread_exit);
    (void)pthread_atfork(pool_fork_prepare, pool_fork_done, pool_fork_done);
}

/* This thread's state, made on first use; NULL if out of memory (the
 * pool then works without the cache and the quarantine). */
static struct pool_thread *pool_thread(void)
{
    struct pool_thread *t = pool_self;
    if (__builtin_expect(t != NULL, 1))
        return t;
    t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    pthread_once(&pool_thread_once, pool_thread_key_init);
    (void)pthread_setspecific(pool_thread_key, t);
    pool_self = t;
    return t;
}

static struct pool_stat *pool_owner(const void *caller, ULONG tag)
{
    unsigned gen = __atomic_load_n(&pool_generation, __ATOMIC_ACQUIRE);
    uintptr_t k = (uintptr_t)caller ^ ((uintptr_t)tag * 0x9E3779B1u);
    struct pool_thread *t = pool_thread();
    struct pool_tls_slot *slot;
    const void *module;
    struct pool_stat *stat;

    slot = t ? &t->slots[(k ^ (k >> 7)) % POOL_TLS_SLOTS] : NULL;
    if (slot && slot->ret == caller && slot->tag == tag && slot->gen == gen)
        return slot->stat;
    module = krnl_module_base(caller);
    if (!module)
        module = krnl_executive_base();
    stat = pool_stat_get(module, tag);
    if (slot) {
        slot->stat = stat;
        slot->ret = caller;
        slot->tag = tag;
        slot->gen = stat ? gen : 0;
    }
    return stat;
}

void krnl_pool_module_unloaded(const void *module_base)
{
    pthread_mutex_lock(&pool_stats_lock);
    for (unsigned b = 0; b < POOL_STAT_BUCKETS; b++)
        for (struct pool_stat *s = pool_stats[b]; s; s = s->next)
            if (s->module == module_base)
                s->retired = 1;
    __atomic_add_fetch(&pool_generation, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&pool_stats_lock);
}

size_t krnl_pool_usage(const void *module_base, krnl_pool_usage_fn fn, void *ctx)
{
    size_t total = 0;

    pthread_mutex_lock(&pool_stats_lock);
    for (unsigned b = 0; b < POOL_STAT_BUCKETS; b++) {
        for (struct pool_stat *s = pool_stats[b]; s; s = s->next) {
            long n, bytes;
            if (s->retired || (module_base && s->module != module_base))
                continue;
            n = __atomic_load_n(&s->allocs, __ATOMIC_RELAXED);
            bytes = __atomic_load_n(&s->bytes, __ATOMIC_RELAXED);
            if (n <= 0)
                continue;
            total += (size_t)n;
            if (fn)
                fn(ctx, s->module, s->tag, (size_t)n, (size_t)bytes);
        }
    }
    pthread_mutex_unlock(&pool_stats_lock);
    return total;
}

void krnl_format_tag(ULONG tag, char out[5])
{
    tag &= ~(ULONG)PROTECTED_POOL;
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)(tag >> (8 * i));
        out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : (c ? '?' : ' ');
    }
    out[4] = 0;
}

struct pool_leak_ctx {
    const char *driver;
    size_t count;
};

static void pool_leak_one(void *ctx, const void *module, ULONG tag, size_t allocs, size_t bytes)
{
    struct pool_leak_ctx *c = ctx;
    char t[5];
    (void)module;
    krnl_format_tag(tag, t);
    krnl_log(KRNL_LOG_WARN, "driver %s leaked %zu allocation%s with tag '%s' (%zu bytes)",
             c->driver, allocs, allocs == 1 ? "" : "s", t, bytes);
    c->count += allocs;
}

size_t krnl_pool_report_leaks(const void *module_base, const char *driver_name)
{
    struct pool_leak_ctx c = { driver_name ? driver_name : "?", 0 };
    if (!module_base)
        return 0;
    krnl_pool_usage(module_base, pool_leak_one, &c);
#if defined(DDK_SANITIZE)
    /* Reported here: LSan need not report them again at exit. */
    pthread_mutex_lock(&pool_stats_lock);
    pthread_mutex_lock(&pool_live_lock);
    for (unsigned b = 0; b < POOL_STAT_BUCKETS; b++)
        for (struct pool_stat *s = pool_stats[b]; s; s = s->next)
            if (s->module == module_base && !s->retired)
                for (struct pool_header *h = s->live; h; h = h->live_next)
                    __lsan_ignore_object(pool_block_start(h));
    pthread_mutex_unlock(&pool_live_lock);
    pthread_mutex_unlock(&pool_stats_lock);
#endif
    return c.count;
}

/* ---------------------------------------------------------------- */
/* Allocation                                                         */
/* ---------------------------------------------------------------- */

/* ExRaiseStatus belongs to the SEH emulation; until it is linked in, an
 * unhandled raise is what Windows would end with: 0x1E. */
extern VOID NTAPI ExRaiseStatus(NTSTATUS Status) __attribute__((weak));

static void pool_raise(NTSTATUS status)
{
    if (ExRaiseStatus)
        ExRaiseStatus(status);
    krnl_bugcheck(0x1E, (ULONG_PTR)(ULONG)status, 0, 0, 0, NULL,
                  "pool allocation failed with POOL_FLAG_RAISE_ON_FAILURE and no "
                  "exception handler (status 0x%08X)", (unsigned)status);
}

static void *pool_alloc(SIZE_T size, ULONG tag, uint32_t hflags, int zero, int raise,
                        const void *caller)
{
    struct pool_header *h;
    struct pool_stat *owner;
    char *raw;
    size_t align = (hflags & POOL_HDR_CACHE_ALIGNED) ? POOL_CACHE_ALIGN : POOL_ALIGN;
    size_t lead = (align == POOL_ALIGN) ? sizeof(*h) : POOL_CACHE_ALIGN;

    /* Paged pool only up to APC_LEVEL, any pool up to DISPATCH_LEVEL. */
    KIRQL irql = KeGetCurrentIrql();
    if (__builtin_expect(irql > ((hflags & POOL_HDR_PAGED) ? APC_LEVEL : DISPATCH_LEVEL), 0))
        krnl_bugcheck(0xC2, 0x08, irql, (hflags & POOL_HDR_PAGED) ? PagedPool : NonPagedPool,
                      size, NULL, "%s pool allocation at IRQL %u",
                      (hflags & POOL_HDR_PAGED) ? "paged" : "non-paged", (unsigned)irql);
    if (size > POOL_MAX_SIZE)
        goto fail;
    if (POOL_USE_CLASSES && align == POOL_ALIGN &&
        lead + size + POOL_TAIL <= POOL_CLASSES * POOL_CLASS_GRAIN) {
        unsigned c = (unsigned)((lead + size + POOL_TAIL - 1) / POOL_CLASS_GRAIN);
        struct pool_thread *t = pool_thread();
        if (t && t->classes[c]) {
            raw = t->classes[c];
            t->classes[c] = ((struct pool_header *)raw)->owner;
            t->class_count[c]--;
        } else {
            raw = malloc((size_t)(c + 1) * POOL_CLASS_GRAIN);
        }
        hflags |= (c + 1) << POOL_HDR_CLASS_SHIFT;
    } else if (align == POOL_ALIGN) {
        raw = malloc(lead + size + POOL_TAIL);
    } else {
        size_t total = (lead + size + POOL_TAIL + POOL_CACHE_ALIGN - 1) &
                       ~(size_t)(POOL_CACHE_ALIGN - 1);
        raw = aligned_alloc(POOL_CACHE_ALIGN, total);
    }
    if (!raw)
        goto fail;
    owner = pool_owner(caller, tag);
    h = (struct pool_header *)(raw + lead - sizeof(*h));
    h->tag = tag;
    h->flags = hflags;
    h->offset = (uint32_t)(lead - sizeof(*h));
    h->size = size;
    h->owner = owner;
    pool_live_insert(h);
    h->magic = POOL_MAGIC_LIVE ^ pool_mix(h);
    if (owner) {
        __atomic_add_fetch(&owner->allocs, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&owner->bytes, (long)size, __ATOMIC_RELAXED);
    }
    if (zero)
        memset(h + 1, 0, size);
    if (POOL_TAIL) {
        uint64_t guard = pool_guard(h);
        memcpy((char *)(h + 1) + size, &guard, POOL_TAIL);
    }
    return h + 1;

fail:
    if (raise)
        pool_raise(STATUS_INSUFFICIENT_RESOURCES);
    return NULL;
}

#define POOL_FLAGS_KNOWN_REQUIRED (POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | \
    POOL_FLAG_SESSION | POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_RAISE_ON_FAILURE |     \
    POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)
#define POOL_FLAGS_TYPE (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)

static void *pool_alloc2(POOL_FLAGS flags, SIZE_T size, ULONG tag, const void *caller)
{
    POOL_FLAGS required = flags & 0xFFFFFFFFull;
    POOL_FLAGS type = flags & POOL_FLAGS_TYPE;
    int raise = (flags & POOL_FLAG_RAISE_ON_FAILURE) != 0;
    uint32_t hflags = 0;

    /* Documented failures: tag 0, an unknown required flag, and not
     * exactly one pool type. */
    if (tag == 0 || (required & ~POOL_FLAGS_KNOWN_REQUIRED) ||
        type == 0 || (type & (type - 1))) {
        if (raise)
            pool_raise(STATUS_INVALID_PARAMETER);
        return NULL;
    }
    if (type == POOL_FLAG_PAGED)
        hflags |= POOL_HDR_PAGED;
    if (flags & POOL_FLAG_CACHE_ALIGNED)
        hflags |= POOL_HDR_CACHE_ALIGNED;
    if (flags & POOL_FLAG_USE_QUOTA)
        hflags |= POOL_HDR_QUOTA;
    return pool_alloc(size, tag, hflags, !(flags & POOL_FLAG_UNINITIALIZED), raise, caller);
}

void *krnl_pool_alloc_caller(ULONG64 flags, SIZE_T size, ULONG tag, const void *caller)
{
    return pool_alloc2(flags, size, tag, caller);
}

/* The POOL_TYPE forms. quota: raise on failure unless
 * POOL_QUOTA_FAIL_INSTEAD_OF_RAISE. */
static void *pool_alloc_type(POOL_TYPE pool_type, SIZE_T size, ULONG tag, int zero,
                             int quota, const void *caller)
{
    ULONG t = (ULONG)pool_type;
    ULONG base = t & 7;
    uint32_t hflags = 0;
    int raise;

    /* Must-succeed pool no longer exists (0x9A); a zero tag cannot be
     * tracked (0x9B). */
    if (base & 2)
        krnl_bugcheck(0xC2, 0x9A, t, size, tag, NULL,
                      "allocation from must-succeed pool (type %u)", (unsigned)t);
    if (tag == 0)
        krnl_bugcheck(0xC2, 0x9B, t, size, (ULONG_PTR)caller, NULL,
                      "pool allocation with a tag of 0");
    if (base & 1)
        hflags |= POOL_HDR_PAGED;
    if (base & 4)
        hflags |= POOL_HDR_CACHE_ALIGNED;
    if (t & POOL_ZERO_ALLOCATION)
        zero = 1;
    if (quota) {
        hflags |= POOL_HDR_QUOTA;
        raise = !(t & POOL_QUOTA_FAIL_INSTEAD_OF_RAISE);
    } else {
        raise = (t & POOL_RAISE_IF_ALLOCATION_FAILURE) != 0;
    }
    return pool_alloc(size, tag, hflags, zero, raise, caller);
}

#define CALLER __builtin_return_address(0)

NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc2(Flags, NumberOfBytes, Tag, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag,
                                        PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                                        ULONG ExtendedParametersCount)
{
    if (ExtendedParametersCount && !ExtendedParameters)
        goto invalid;
    for (ULONG i = 0; i < ExtendedParametersCount; i++) {
        const POOL_EXTENDED_PARAMETER *p = &ExtendedParameters[i];
        switch (p->Type) {
        case PoolExtendedParameterPriority:
        case PoolExtendedParameterNumaNode:
            break;           /* one priority, one node here: always met */
        case PoolExtendedParameterSecurePool:
            /* No secure pool in user space: a required one cannot be met. */
            if (!p->Optional)
                goto invalid;
            break;
        default:
            if (!p->Optional)
                goto invalid;
            break;
        }
    }
    return pool_alloc2(Flags, NumberOfBytes, Tag, CALLER);

invalid:
    if (Flags & POOL_FLAG_RAISE_ON_FAILURE)
        pool_raise(STATUS_INVALID_PARAMETER);
    return NULL;
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 0, 0, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return pool_alloc_type(PoolType, NumberOfBytes, POOL_NONE_TAG, 0, 0, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolWithQuotaTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 0, 1, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolWithQuota(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return pool_alloc_type(PoolType, NumberOfBytes, POOL_NONE_TAG, 0, 1, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolWithTagPriority(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                                      ULONG Tag, EX_POOL_PRIORITY Priority)
{
    (void)Priority;
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 0, 0, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 1, 0, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 0, 0, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolQuotaZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 1, 1, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolQuotaUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 0, 1, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolPriorityZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
                                                   EX_POOL_PRIORITY Priority)
{
    (void)Priority;
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 1, 0, CALLER);
}

NTKERNELAPI PVOID NTAPI ExAllocatePoolPriorityUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                                            ULONG Tag, EX_POOL_PRIORITY Priority)
{
    (void)Priority;
    return pool_alloc_type(PoolType, NumberOfBytes, Tag, 0, 0, CALLER);
}

/* ---------------------------------------------------------------- */
/* Free                                                               */
/* ---------------------------------------------------------------- */

static void pool_thread_exit(void *arg)
{
    struct pool_thread *t = arg;
    pool_self = NULL;
    for (unsigned i = 0; i < POOL_QUARANTINE; i++)
        if (t->quarantine[i])
            free(pool_block_start(t->quarantine[i]));
    for (unsigned c = 0; c < POOL_CLASSES; c++) {
        while (t->classes[c]) {
            struct pool_header *b = t->classes[c];
            t->classes[c] = b->owner;
            free(b);
        }
    }
    free(t);
}

/* Back to this thread's class cache, or to malloc. */
static void pool_block_release(struct pool_thread *t, struct pool_header *h)
{
    unsigned c = (h->flags >> POOL_HDR_CLASS_SHIFT) & 0xFF;
    void *raw = pool_block_start(h);

    if (c && t && t->class_count[c - 1] < POOL_CLASS_DEPTH) {
        /* Linked through the owner field: the magic stays FREED, so a
         * late double free of a cached block is still caught. Class
         * blocks have their header at the start (offset 0). */
        h->owner = (struct pool_stat *)t->classes[c - 1];
        t->classes[c - 1] = raw;
        t->class_count[c - 1]++;
        return;
    }
    free(raw);
}

static void pool_release(struct pool_header *h)
{
    struct pool_thread *t;
    struct pool_header *old;

    if (h->size > POOL_QUARANTINE_MAX_BLOCK || !(t = pool_thread())) {
        free(pool_block_start(h));
        return;
    }
    old = t->quarantine[t->quarantine_next];
    t->quarantine[t->quarantine_next] = h;
    t->quarantine_next = (t->quarantine_next + 1) % POOL_QUARANTINE;
    if (old)
        pool_block_release(t, old);
}

/* Validates P as a live pool block and returns its header, or bug checks. */
static struct pool_header *pool_check(PVOID P)
{
    struct pool_header *h;
    uint32_t mix;

    if (!P || ((uintptr_t)P & (POOL_ALIGN - 1)))
        krnl_bugcheck(0xC2, 0x46, (ULONG_PTR)P, 0, 0, NULL,
                      "free of an invalid pool address %p", P);
    h = (struct pool_header *)P - 1;
    mix = pool_mix(h);
    if (h->magic == (POOL_MAGIC_FREED ^ mix)) {
        ULONG_PTR contents;
        memcpy(&contents, h, sizeof(contents));
        krnl_bugcheck(0xC2, 0x07, 0, contents, (ULONG_PTR)P, NULL,
                      "pool block %p freed twice", P);
    }
    if (h->magic != (POOL_MAGIC_LIVE ^ mix))
        krnl_bugcheck(0xC2, 0x99, (ULONG_PTR)P, 0, 0, NULL,
                      "free of %p, which is not a pool block (or its header is corrupted)", P);
    return h;
}

static void pool_free(PVOID P, int check_tag, ULONG tag)
{
    struct pool_header *h = pool_check(P);
    struct pool_stat *owner = h->owner;
    KIRQL irql = KeGetCurrentIrql();

    if (__builtin_expect(irql > ((h->flags & POOL_HDR_PAGED) ? APC_LEVEL : DISPATCH_LEVEL), 0))
        krnl_bugcheck(0xC2, 0x09, irql, (h->flags & POOL_HDR_PAGED) ? PagedPool : NonPagedPool,
                      (ULONG_PTR)P, NULL, "%s pool block %p freed at IRQL %u",
                      (h->flags & POOL_HDR_PAGED) ? "paged" : "non-paged", P, (unsigned)irql);

    if (check_tag && h->tag != tag) {
        char a[5], b[5];
        krnl_format_tag(h->tag, a);
        krnl_format_tag(tag, b);
        krnl_bugcheck(0xC2, 0x0A, (ULONG_PTR)P, h->tag, tag, NULL,
                      "pool block %p allocated with tag '%s' freed with tag '%s'", P, a, b);
    }
    if (POOL_TAIL) {
        uint64_t guard, want = pool_guard(h);
        memcpy(&guard, (char *)P + h->size, POOL_TAIL);
        if (guard != want) {
            const unsigned char *g = (const unsigned char *)&guard, *w = (const unsigned char *)&want;
            size_t i = 0, tail = POOL_TAIL; /* a variable: no type-limits warning when 0 */
            char t[5];
            while (i < tail && g[i] == w[i])
                i++;
            krnl_format_tag(h->tag, t);
            krnl_bugcheck(0xC1, (ULONG_PTR)P, (ULONG_PTR)P + h->size + i, 0, 0x24, NULL,
                          "pool block %p (tag '%s', %zu bytes) was written past its end "
                          "(at offset %zu)", P, t, (size_t)h->size, (size_t)h->size + i);
        }
    }
    h->magic = POOL_MAGIC_FREED ^ pool_mix(h);
    pool_live_remove(h);
    if (owner) {
        __atomic_sub_fetch(&owner->allocs, 1, __ATOMIC_RELAXED);
        __atomic_sub_fetch(&owner->bytes, (long)h->size, __ATOMIC_RELAXED);
    }
    pool_release(h);
}

NTKERNELAPI VOID NTAPI ExFreePool(PVOID P)
{
    pool_free(P, 0, 0);
}

NTKERNELAPI VOID NTAPI ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    pool_free(P, 1, Tag);
}

NTKERNELAPI VOID NTAPI ExFreePool2(PVOID P, ULONG Tag, PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                                   ULONG ExtendedParametersCount)
{
    (void)ExtendedParameters;
    (void)ExtendedParametersCount;
    pool_free(P, 1, Tag);
}

NTKERNELAPI SIZE_T NTAPI ExQueryPoolBlockSize(PVOID PoolBlock, PBOOLEAN QuotaCharged)
{
    struct pool_header *h = pool_check(PoolBlock);
    if (QuotaCharged)
        *QuotaCharged = FALSE;
    return h->size;
}

ULONG krnl_pool_block_tag(const void *p)
{
    return pool_check((PVOID)p)->tag;
}
