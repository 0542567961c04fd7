/*
 * reflector/ring.c - SPSC rings in a sealed memfd, their wake-up protocol
 * and the client/host exchange on top (see ring.h for the design and the
 * trust model). What must hold here: every value read from the mapping is
 * either copied to private memory before it is checked, or is an index
 * checked against the private copy of the geometry before it is used; no
 * shared value ever sizes or places a memory access unchecked.
 */
#define _GNU_SOURCE
#include "reflector/ring.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>


static inline void rfl_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static uint64_t rfl_align(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* The layout is a pure function of (slot_count, buf_size): the creator
 * writes it, the attacher recomputes it and demands equality. */
struct rfl_layout {
    uint64_t req, rsp, arena, total;
};

static bool rfl_layout_of(uint32_t slots, uint32_t buf_size, struct rfl_layout *l)
{
    if (slots == 0 || slots > RFL_MAX_SLOTS || (slots & (slots - 1)) != 0)
        return false;
    if (buf_size < 64 || buf_size > RFL_MAX_BUF_SIZE || buf_size % 64 != 0)
        return false;
    uint64_t ring = sizeof(struct rfl_ring_ctl) + (uint64_t)slots * sizeof(struct rfl_slot);
    l->req = sizeof(struct rfl_shm_header);
    l->rsp = rfl_align(l->req + ring, RFL_CACHE_LINE);
    l->arena = rfl_align(l->rsp + ring, 4096);
    l->total = rfl_align(l->arena + (uint64_t)slots * buf_size, 4096);
    return true;
}

size_t rfl_exchange_size(uint32_t slot_count, uint32_t buf_size)
{
    struct rfl_layout l;
    return rfl_layout_of(slot_count, buf_size, &l) ? (size_t)l.total : 0;
}

/* Spinning only helps if the peer can run meanwhile: with a single CPU
 * allowed to us (pinned, or a one-CPU machine) the spin ceiling is 0. */
static uint32_t rfl_effective_spin(uint32_t spin_max)
{
    cpu_set_t set;
    if (spin_max && sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) <= 1)
        return 0;
    return spin_max;
}

static void rfl_ring_view(struct rfl_ring *r, uint8_t *base, uint64_t off, uint32_t slots,
                          int wait_fd, int signal_fd, uint32_t spin_max)
{
    memset(r, 0, sizeof(*r));
    r->ctl = (struct rfl_ring_ctl *)(base + off);
    r->slots = (struct rfl_slot *)(base + off + sizeof(struct rfl_ring_ctl));
    r->size = slots;
    r->mask = slots - 1;
    r->wait_fd = wait_fd;
    r->signal_fd = signal_fd;
    r->spin_budget = spin_max / 4;
}

/* ---- the ring primitives ---- */

/* Producer: publish one slot. STATUS_DEVICE_BUSY when full. */
static NTSTATUS rfl_ring_push(struct rfl_ring *r, const struct rfl_slot *s)
{
    uint32_t tail = atomic_load_explicit(&r->ctl->tail, memory_order_acquire);
    uint32_t used = r->local - tail;
    /* The consumer may only have consumed what we published, and never
     * goes backwards past what it already released to us. */
    if (used > r->size || (uint32_t)(tail - r->peer) > (uint32_t)(r->local - r->peer))
        return STATUS_DATA_ERROR;
    r->peer = tail;
    if (used == r->size)
        return STATUS_DEVICE_BUSY;
    memcpy(&r->slots[r->local & r->mask], s, sizeof(*s));
    r->local++;
    atomic_store_explicit(&r->ctl->head, r->local, memory_order_release);
    /* Pairs with the consumer's fence between setting consumer_wake and
     * re-reading head: one of the two sides sees the other's store. */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&r->ctl->consumer_wake, memory_order_relaxed)) {
        uint64_t one = 1;
        ssize_t n = write(r->signal_fd, &one, sizeof(one));
        (void)n;   /* EAGAIN: the counter is saturated, the peer wakes anyway */
        r->signals++;
    }
    return STATUS_SUCCESS;
}

/* Consumer: how many slots are available (validated), or -1 on violation. */
static int64_t rfl_ring_avail(struct rfl_ring *r)
{
    uint32_t head = atomic_load_explicit(&r->ctl->head, memory_order_acquire);
    uint32_t avail = head - r->local;
    /* Never more than a ring's worth, and never less than we saw before
     * (head does not move backwards). */
    if (avail > r->size || avail < (uint32_t)(r->peer - r->local))
        return -1;
    r->peer = head;
    return avail;
}

/* Consumer: take one slot (copied out before anything looks at it). */
static NTSTATUS rfl_ring_pop(struct rfl_ring *r, struct rfl_slot *s)
{
    int64_t a = rfl_ring_avail(r);
    if (a < 0)
        return STATUS_DATA_ERROR;
    if (a == 0)
        return STATUS_NO_MORE_ENTRIES;
    memcpy(s, &r->slots[r->local & r->mask], sizeof(*s));
    r->local++;
    atomic_store_explicit(&r->ctl->tail, r->local, memory_order_release);
    return STATUS_SUCCESS;
}

static int64_t rfl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Consumer: wait until the ring is non-empty. Adaptive spin, then the
 * "wake me" flag, a fence, a re-check, and only then sleep. */
static NTSTATUS rfl_ring_wait(struct rfl_ring *r, uint32_t spin_max, int timeout_ms)
{
    int64_t a = rfl_ring_avail(r);
    if (a != 0)
        return a < 0 ? STATUS_DATA_ERROR : STATUS_SUCCESS;
    if (timeout_ms == 0)
        return STATUS_TIMEOUT;
    if (r->spin_budget) {
        int64_t until = rfl_now_ns() + r->spin_budget;
        do {
            for (int i = 0; i < 16; i++) {
                rfl_cpu_relax();
                if (atomic_load_explicit(&r->ctl->head, memory_order_relaxed) != r->local) {
                    /* spinning paid off: allow a longer spin next time */
                    r->spin_budget = r->spin_budget * 2 > spin_max ? spin_max : r->spin_budget * 2;
                    a = rfl_ring_avail(r);
                    return a < 0 ? STATUS_DATA_ERROR : STATUS_SUCCESS;
                }
            }
        } while (rfl_now_ns() < until);
    }
    /* it did not: spin less; a short sleep below earns the budget back */
    r->spin_budget /= 2;

    int64_t deadline = timeout_ms < 0 ? 0 : rfl_now_ns() + (int64_t)timeout_ms * 1000000;
    for (;;) {
        atomic_store_explicit(&r->ctl->consumer_wake, 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_seq_cst);
        a = rfl_ring_avail(r);
        if (a != 0) {
            atomic_store_explicit(&r->ctl->consumer_wake, 0, memory_order_relaxed);
            return a < 0 ? STATUS_DATA_ERROR : STATUS_SUCCESS;
        }
        int wait = -1;
        if (timeout_ms >= 0) {
            int64_t left = deadline - rfl_now_ns();
            if (left <= 0) {
                atomic_store_explicit(&r->ctl->consumer_wake, 0, memory_order_relaxed);
                return STATUS_TIMEOUT;
            }
            wait = (int)((left + 999999) / 1000000);
        }
        struct pollfd pfd = { .fd = r->wait_fd, .events = POLLIN };
        r->sleeps++;
        int64_t slept = rfl_now_ns();
        int n = poll(&pfd, 1, wait);
        slept = rfl_now_ns() - slept;
        /* Woken soon after going to sleep: the peer answers fast, a spin
         * would have caught it. (With one CPU, spin_max is 0.) */
        if (slept < 50000 && spin_max) {
            r->spin_budget += spin_max / 8;
            if (r->spin_budget > spin_max)
                r->spin_budget = spin_max;
        }
        if (n > 0) {
            uint64_t v;
            ssize_t rd = read(r->wait_fd, &v, sizeof(v));   /* drain */
            (void)rd;
        } else if (n < 0 && errno != EINTR) {
            atomic_store_explicit(&r->ctl->consumer_wake, 0, memory_order_relaxed);
            return STATUS_UNSUCCESSFUL;
        }
        atomic_store_explicit(&r->ctl->consumer_wake, 0, memory_order_relaxed);
        a = rfl_ring_avail(r);
        if (a != 0)
            return a < 0 ? STATUS_DATA_ERROR : STATUS_SUCCESS;
    }
}

/* ---- the exchange ---- */

static void rfl_exchange_init_fds(struct rfl_exchange *x)
{
    memset(x, 0, sizeof(*x));
    x->memfd = x->efd_req = x->efd_rsp = -1;
}

NTSTATUS rfl_exchange_create(struct rfl_exchange *x, const struct rfl_params *p)
{
    struct rfl_layout l;
    rfl_exchange_init_fds(x);
    if (!p || !rfl_layout_of(p->slot_count, p->buf_size, &l))
        return STATUS_INVALID_PARAMETER;
    x->role = RFL_CLIENT;
    x->slot_count = p->slot_count;
    x->buf_size = p->buf_size;
    x->arena_offset = l.arena;
    x->size = l.total;
    x->spin_max = rfl_effective_spin(p->spin_max);

    x->memfd = memfd_create("ddk-rfl", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (x->memfd < 0)
        goto fail;
    if (ftruncate(x->memfd, (off_t)l.total) != 0)
        goto fail;
    /* Sealed: neither side can shrink the file under the other's mapping
     * (which would turn an access into SIGBUS). */
    if (fcntl(x->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
        goto fail;
    x->efd_req = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    x->efd_rsp = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (x->efd_req < 0 || x->efd_rsp < 0)
        goto fail;
    void *m = mmap(NULL, l.total, PROT_READ | PROT_WRITE, MAP_SHARED, x->memfd, 0);
    if (m == MAP_FAILED)
        goto fail;
    x->base = m;
    x->outstanding = calloc(p->slot_count, sizeof(*x->outstanding));
    x->free_list = calloc(p->slot_count, sizeof(*x->free_list));
    if (!x->outstanding || !x->free_list)
        goto fail;
    for (uint32_t i = 0; i < p->slot_count; i++)
        x->free_list[i] = p->slot_count - 1 - i;
    x->free_count = p->slot_count;

    struct rfl_shm_header *h = (struct rfl_shm_header *)x->base;
    h->magic = RFL_MAGIC;
    h->version = RFL_VERSION;
    h->header_size = sizeof(*h);
    h->slot_count = p->slot_count;
    h->slot_size = sizeof(struct rfl_slot);
    h->buf_size = p->buf_size;
    h->buf_count = p->slot_count;
    h->req_ring_offset = l.req;
    h->rsp_ring_offset = l.rsp;
    h->arena_offset = l.arena;
    h->total_size = l.total;

    rfl_ring_view(&x->req, x->base, l.req, p->slot_count, -1, x->efd_req, x->spin_max);
    rfl_ring_view(&x->rsp, x->base, l.rsp, p->slot_count, x->efd_rsp, -1, x->spin_max);
    x->req.local = x->req.peer = p->initial_index;
    x->rsp.local = x->rsp.peer = p->initial_index;
    atomic_store(&x->req.ctl->head, p->initial_index);
    atomic_store(&x->req.ctl->tail, p->initial_index);
    atomic_store(&x->rsp.ctl->head, p->initial_index);
    atomic_store(&x->rsp.ctl->tail, p->initial_index);
    return STATUS_SUCCESS;
fail:
    rfl_exchange_close(x);
    return STATUS_INSUFFICIENT_RESOURCES;
}

NTSTATUS rfl_exchange_attach(struct rfl_exchange *x, int memfd, int efd_req,
                             int efd_rsp, uint32_t spin_max)
{
    struct rfl_shm_header h;
    struct rfl_layout l;
    struct stat st;
    NTSTATUS st_code = STATUS_DATA_ERROR;

    rfl_exchange_init_fds(x);
    x->role = RFL_HOST;
    x->spin_max = spin_max = rfl_effective_spin(spin_max);
    int seals = fcntl(memfd, F_GET_SEALS);
    if (fstat(memfd, &st) != 0 || seals < 0) {
        st_code = STATUS_INVALID_PARAMETER;
        goto fail;
    }
    /* An unsealed file could be shrunk by the peer under our mapping. */
    if ((seals & (F_SEAL_SHRINK | F_SEAL_GROW)) != (F_SEAL_SHRINK | F_SEAL_GROW))
        goto fail;
    if (st.st_size < (off_t)sizeof(h))
        goto fail;
    if (pread(memfd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
        goto fail;
    if (h.magic != RFL_MAGIC || h.header_size != sizeof(h) || h.slot_size != sizeof(struct rfl_slot)
        || h.reserved0 != 0) 
        goto fail;
    if (h.version != RFL_VERSION) {
        st_code = STATUS_REVISION_MISMATCH;
        goto fail;
    }
    if (!rfl_layout_of(h.slot_count, h.buf_size, &l) || h.buf_count != h.slot_count
        || h.req_ring_offset != l.req || h.rsp_ring_offset != l.rsp
        || h.arena_offset != l.arena || h.total_size != l.total
        || (uint64_t)st.st_size != l.total)
        goto fail;

    x->slot_count = h.slot_count;
    x->buf_size = h.buf_size;
    x->arena_offset = l.arena;
    x->size = l.total;
    x->memfd = fcntl(memfd, F_DUPFD_CLOEXEC, 0);
    x->efd_req = fcntl(efd_req, F_DUPFD_CLOEXEC, 0);
    x->efd_rsp = fcntl(efd_rsp, F_DUPFD_CLOEXEC, 0);
    if (x->memfd < 0 || x->efd_req < 0 || x->efd_rsp < 0) {
        st_code = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    void *m = mmap(NULL, l.total, PROT_READ | PROT_WRITE, MAP_SHARED, x->memfd, 0);
    if (m == MAP_FAILED) {
        st_code = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    x->base = m;
    rfl_ring_view(&x->req, x->base, l.req, h.slot_count, x->efd_req, -1, spin_max);
    rfl_ring_view(&x->rsp, x->base, l.rsp, h.slot_count, -1, x->efd_rsp, spin_max);
    /* Our starting indices: whatever the creator set; a lie only leads to
     * STATUS_DATA_ERROR later, never to an out-of-bounds access. */
    x->req.local = x->req.peer = atomic_load(&x->req.ctl->tail);
    x->rsp.local = x->rsp.peer = atomic_load(&x->rsp.ctl->head);
    return STATUS_SUCCESS;
fail:
    rfl_exchange_close(x);
    x->role = RFL_HOST;
    return st_code;
}

void rfl_exchange_close(struct rfl_exchange *x)
{
    if (x->base)
        munmap(x->base, x->size);
    if (x->memfd >= 0)
        close(x->memfd);
    if (x->efd_req >= 0)
        close(x->efd_req);
    if (x->efd_rsp >= 0)
        close(x->efd_rsp);
    free(x->outstanding);
    free(x->free_list);
    rfl_exchange_init_fds(x);
}

static NTSTATUS rfl_broken(struct rfl_exchange *x)
{
    x->broken = true;
    return STATUS_DATA_ERROR;
}

NTSTATUS rfl_client_submit(struct rfl_exchange *x, uint32_t opcode,
                           const void *in, uint32_t len, uint64_t *id)
{
    if (x->role != RFL_CLIENT || len > x->buf_size || (len && !in))
        return STATUS_INVALID_PARAMETER;
    if (x->broken)
        return STATUS_DATA_ERROR;
    if (x->free_count == 0)
        return STATUS_DEVICE_BUSY;
    uint32_t idx = x->free_list[x->free_count - 1];
    uint64_t off = x->arena_offset + (uint64_t)idx * x->buf_size;
    struct rfl_slot s = {
        .id = (++x->generation << 16) | idx,
        .opcode = opcode,
        .length = len,
        .data_offset = off,
    };
    if (len)
        memcpy(x->base + off, in, len);
    NTSTATUS st = rfl_ring_push(&x->req, &s);
    if (st == STATUS_DATA_ERROR)
        return rfl_broken(x);
    if (st != STATUS_SUCCESS)
        return st;   /* full: cannot happen while free buffers == free slots */
    x->free_count--;
    x->outstanding[idx] = s.id;
    if (id)
        *id = s.id;
    return STATUS_SUCCESS;
}

NTSTATUS rfl_client_reap(struct rfl_exchange *x, uint64_t *id, NTSTATUS *status,
                         void *out, uint32_t cap, uint32_t *len, int timeout_ms)
{
    struct rfl_slot s;
    if (x->role != RFL_CLIENT)
        return STATUS_INVALID_PARAMETER;
    if (x->broken)
        return STATUS_DATA_ERROR;
    NTSTATUS st = rfl_ring_wait(&x->rsp, x->spin_max, timeout_ms);
    if (st == STATUS_DATA_ERROR)
        return rfl_broken(x);
    if (st != STATUS_SUCCESS)
        return st;
    st = rfl_ring_pop(&x->rsp, &s);
    if (st == STATUS_DATA_ERROR)
        return rfl_broken(x);
    if (st != STATUS_SUCCESS)
        return STATUS_TIMEOUT;
    /* The id must be one we issued and that is still outstanding; its data
     * must be in that id's own buffer and fit it. */
    uint32_t idx = (uint32_t)(s.id & 0xffff);
    if (idx >= x->slot_count || x->outstanding[idx] != s.id || s.id == 0
        || s.data_offset != x->arena_offset + (uint64_t)idx * x->buf_size
        || s.length > x->buf_size || s.flags != 0)
        return rfl_broken(x);
    x->outstanding[idx] = 0;
    x->free_list[x->free_count++] = idx;
    if (id)
        *id = s.id;
    if (status)
        *status = s.status;
    if (len)
        *len = s.length;
    if (s.length > cap)
        return STATUS_BUFFER_TOO_SMALL;
    if (s.length)
        memcpy(out, x->base + s.data_offset, s.length);
    return STATUS_SUCCESS;
}

NTSTATUS rfl_host_next(struct rfl_exchange *x, struct rfl_request *r, int timeout_ms)
{
    struct rfl_slot s;
    if (x->role != RFL_HOST)
        return STATUS_INVALID_PARAMETER;
    if (x->broken)
        return STATUS_DATA_ERROR;
    NTSTATUS st = rfl_ring_wait(&x->req, x->spin_max, timeout_ms);
    if (st == STATUS_DATA_ERROR)
        return rfl_broken(x);
    if (st != STATUS_SUCCESS)
        return st;
    st = rfl_ring_pop(&x->req, &s);
    if (st == STATUS_DATA_ERROR)
        return rfl_broken(x);
    if (st != STATUS_SUCCESS)
        return STATUS_TIMEOUT;
    /* The buffer must be the one the id names (so two live requests never
     * share a buffer) and the length must fit it. */
    uint32_t idx = (uint32_t)(s.id & 0xffff);
    if (idx >= x->slot_count || s.data_offset != x->arena_offset + (uint64_t)idx * x->buf_size
        || s.length > x->buf_size || s.flags != 0 || s.status != 0)
        return rfl_broken(x);
    r->id = s.id;
    r->opcode = s.opcode;
    r->length = s.length;
    r->data = x->base + s.data_offset;
    return STATUS_SUCCESS;
}

NTSTATUS rfl_host_complete(struct rfl_exchange *x, const struct rfl_request *r,
                           NTSTATUS status, uint32_t len)
{
    if (x->role != RFL_HOST || len > x->buf_size)
        return STATUS_INVALID_PARAMETER;
    if (x->broken)
        return STATUS_DATA_ERROR;
    struct rfl_slot s = {
        .id = r->id,
        .opcode = r->opcode,
        .status = status,
        .length = len,
        .data_offset = (uint64_t)(r->data - x->base),
    };
    NTSTATUS st = rfl_ring_push(&x->rsp, &s);
    if (st == STATUS_DATA_ERROR)
        return rfl_broken(x);
    return st;   /* DEVICE_BUSY only if the client over-submitted */
}
