/*
 * reflector/ring.h - the shared-memory exchange of the fast data path: one
 * request ring, one response ring and a data arena in a single memfd
 * mapping shared by a client and a host process that do not trust each
 * other.
 *
 * Design. The mapping is a wire format: every shared structure below uses
 * fixed-width integers, explicit padding and a _Static_assert on every
 * offset. Each ring is single-producer single-consumer with free-running
 * u32 indices: the producer alone writes `head`, the consumer alone writes
 * `tail`, on separate cache lines; a slot is published by writing it and
 * then storing head with release order, and consumed by loading head with
 * acquire order. Requests go client→host, responses host→client, matched
 * by a 64-bit id that the client issued. Payloads live out of line in the
 * arena: buffer i (buf_size bytes) belongs to the request whose id has i in
 * its low 16 bits; the host writes the response into the same buffer.
 *
 * Wake-ups: the consumer spins briefly (an adaptive time budget, halved
 * when a spin fails, doubled when one succeeds, raised when a sleep turns
 * out short; none when only one CPU is allowed), then sets its
 * "wake me" flag, issues a seq_cst fence, re-checks the ring and only then
 * sleeps on its eventfd. The producer publishes, issues a seq_cst fence and
 * writes the eventfd only if the flag is set. With both fences, either the
 * consumer's re-check sees the new head or the producer sees the flag:
 * no lost wake-up, and a busy consumer is never signalled.
 *
 * Trust: a side never re-reads geometry from the shared header after
 * attach (it keeps a private copy); it reads the peer's index once, checks
 * that it lies within what may have been published (head - tail <= slots),
 * copies a slot to private memory before checking it (so the peer cannot
 * change it after the check), and checks offsets and lengths against the
 * private geometry. A violation returns STATUS_DATA_ERROR and leaves the
 * exchange broken (every later call fails the same way); it never makes
 * this side read or write outside the mapping.
 *
 * Threads: one exchange view is used by one thread at a time (the caller
 * serialises); the two views are in different processes (or threads).
 */
#ifndef DDK_RFL_RING_H
#define DDK_RFL_RING_H

#include <ntdef.h>
#include <ntstatus.h>
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdatomic.h>

#define RFL_MAGIC          0x4b444452u   /* "RDDK" little-endian */
#define RFL_VERSION        1u
#define RFL_CACHE_LINE     64u
#define RFL_MAX_SLOTS      4096u         /* ids carry the buffer index in 16 bits */
#define RFL_MAX_BUF_SIZE   (16u << 20)
#define RFL_SPIN_DEFAULT_NS 10000u       /* spin ceiling: about one wake-up */

/* ---- wire format (shared; both sides write parts of it, see each field) ---- */

/* At offset 0. Written once by the creator (client) before the host
 * attaches; the host validates it and copies it, and never reads it again. */
struct rfl_shm_header {
    uint32_t magic;          /* RFL_MAGIC */
    uint32_t version;        /* RFL_VERSION */
    uint32_t header_size;    /* sizeof(struct rfl_shm_header) */
    uint32_t slot_count;     /* slots per ring, power of two, <= RFL_MAX_SLOTS */
    uint32_t slot_size;      /* sizeof(struct rfl_slot) */
    uint32_t buf_size;       /* bytes per arena buffer, multiple of 64 */
    uint32_t buf_count;      /* == slot_count */
    uint32_t reserved0;      /* 0 */
    uint64_t req_ring_offset;
    uint64_t rsp_ring_offset;
    uint64_t arena_offset;
    uint64_t total_size;     /* bytes of the mapping (checked against fstat) */
};
_Static_assert(offsetof(struct rfl_shm_header, magic) == 0, "wire");
_Static_assert(offsetof(struct rfl_shm_header, version) == 4, "wire");
_Static_assert(offsetof(struct rfl_shm_header, header_size) == 8, "wire");
_Static_assert(offsetof(struct rfl_shm_header, slot_count) == 12, "wire");
_Static_assert(offsetof(struct rfl_shm_header, slot_size) == 16, "wire");
_Static_assert(offsetof(struct rfl_shm_header, buf_size) == 20, "wire");
_Static_assert(offsetof(struct rfl_shm_header, buf_count) == 24, "wire");
_Static_assert(offsetof(struct rfl_shm_header, reserved0) == 28, "wire");
_Static_assert(offsetof(struct rfl_shm_header, req_ring_offset) == 32, "wire");
_Static_assert(offsetof(struct rfl_shm_header, rsp_ring_offset) == 40, "wire");
_Static_assert(offsetof(struct rfl_shm_header, arena_offset) == 48, "wire");
_Static_assert(offsetof(struct rfl_shm_header, total_size) == 56, "wire");
_Static_assert(sizeof(struct rfl_shm_header) == 64, "wire");

/* Ring control block: two cache lines. Line 0 is written only by the
 * producer, line 1 only by the consumer. */
struct rfl_ring_ctl {
    _Atomic uint32_t head;            /* producer: next slot to publish */
    _Atomic uint32_t producer_wake;   /* producer: reserved for "wake me when
                                         space frees" (unused in v1: the
                                         client never has more requests
                                         outstanding than slots) */
    uint32_t producer_pad[14];
    _Atomic uint32_t tail;            /* consumer: next slot to consume */
    _Atomic uint32_t consumer_wake;   /* consumer: 1 = sleeping or about to:
                                         signal my eventfd after publishing */
    uint32_t consumer_pad[14];
};
_Static_assert(offsetof(struct rfl_ring_ctl, head) == 0, "wire");
_Static_assert(offsetof(struct rfl_ring_ctl, producer_wake) == 4, "wire");
_Static_assert(offsetof(struct rfl_ring_ctl, producer_pad) == 8, "wire");
_Static_assert(offsetof(struct rfl_ring_ctl, tail) == 64, "wire");
_Static_assert(offsetof(struct rfl_ring_ctl, consumer_wake) == 68, "wire");
_Static_assert(offsetof(struct rfl_ring_ctl, consumer_pad) == 72, "wire");
_Static_assert(sizeof(struct rfl_ring_ctl) == 128, "wire");

/* One message header. Written by the producer of its ring before it
 * publishes head; read (copied) by the consumer. */
struct rfl_slot {
    uint64_t id;           /* issued by the client; echoed in the response */
    uint32_t opcode;       /* request: RFL_OP_* or user code; response: echoed */
    int32_t  status;       /* response: NTSTATUS; request: 0 */
    uint32_t length;       /* payload bytes at data_offset, <= buf_size */
    uint32_t flags;        /* 0 in v1 */
    uint64_t data_offset;  /* from the start of the mapping; == the arena
                              buffer of id's index */
};
_Static_assert(offsetof(struct rfl_slot, id) == 0, "wire");
_Static_assert(offsetof(struct rfl_slot, opcode) == 8, "wire");
_Static_assert(offsetof(struct rfl_slot, status) == 12, "wire");
_Static_assert(offsetof(struct rfl_slot, length) == 16, "wire");
_Static_assert(offsetof(struct rfl_slot, flags) == 20, "wire");
_Static_assert(offsetof(struct rfl_slot, data_offset) == 24, "wire");
_Static_assert(sizeof(struct rfl_slot) == 32, "wire");

/* ---- private views (never shared) ---- */

/* One side's view of one ring. `ctl` and `slots` point into the mapping;
 * everything else is private. */
struct rfl_ring {
    struct rfl_ring_ctl *ctl;
    struct rfl_slot *slots;
    uint32_t size;        /* slot count (private copy) */
    uint32_t mask;
    uint32_t local;       /* producer: our head; consumer: our tail */
    uint32_t peer;        /* last validated peer index */
    uint32_t spin_budget; /* consumer: adaptive spin time, ns */
    int wait_fd;          /* consumer: eventfd we sleep on */
    int signal_fd;        /* producer: eventfd of the consumer */
    uint64_t signals;     /* statistics: eventfd writes made / sleeps taken */
    uint64_t sleeps;
};

enum rfl_role { RFL_CLIENT = 1, RFL_HOST = 2 };

struct rfl_exchange {
    enum rfl_role role;
    uint8_t *base;           /* the mapping */
    size_t size;
    int memfd;               /* owned (closed by rfl_exchange_close) */
    int efd_req;             /* wakes the host (request ring consumer) */
    int efd_rsp;             /* wakes the client (response ring consumer) */
    uint32_t slot_count, buf_size;
    uint64_t arena_offset;
    struct rfl_ring req, rsp;
    bool broken;             /* a peer violation was seen: sticky */
    uint32_t spin_max;       /* spin ceiling, ns; 0: never spin (also: one CPU) */
    /* client only: per buffer, the id outstanding on it (0 = free) */
    uint64_t *outstanding;
    uint32_t *free_list;
    uint32_t free_count;
    uint64_t generation;
};

struct rfl_params {
    uint32_t slot_count;     /* power of two, 1..RFL_MAX_SLOTS */
    uint32_t buf_size;       /* multiple of 64, 64..RFL_MAX_BUF_SIZE */
    uint32_t initial_index;  /* start of both rings' indices (tests: near UINT32_MAX) */
    uint32_t spin_max;       /* adaptive spin ceiling in ns; 0 = sleep at once */
};

/* A request as the host sees it. `data` points into the shared arena (the
 * client may change it concurrently: copy what must not change). */
struct rfl_request {
    uint64_t id;
    uint32_t opcode;
    uint32_t length;
    uint8_t *data;           /* buf_size bytes writable for the response */
};

/* Create an exchange (client side): memfd, two eventfds, mapping, header. */
NTSTATUS rfl_exchange_create(struct rfl_exchange *x, const struct rfl_params *p);
/* Attach to an exchange created by a peer (host side). The fds are
 * duplicated; the caller keeps its own. */
NTSTATUS rfl_exchange_attach(struct rfl_exchange *x, int memfd, int efd_req,
                             int efd_rsp, uint32_t spin_max);
void rfl_exchange_close(struct rfl_exchange *x);

/* Client: copy `len` bytes of `in` into a free buffer and post a request.
 * STATUS_DEVICE_BUSY when slot_count requests are outstanding. */
NTSTATUS rfl_client_submit(struct rfl_exchange *x, uint32_t opcode,
                           const void *in, uint32_t len, uint64_t *id);
/* Client: wait up to timeout_ms (-1: forever, 0: poll) for one response,
 * copy at most `cap` bytes of its payload into `out`. Returns
 * STATUS_SUCCESS (the response's own status in *status), STATUS_TIMEOUT,
 * STATUS_BUFFER_TOO_SMALL (response consumed, *len = its length, nothing
 * copied) or STATUS_DATA_ERROR (the host broke the protocol). */
NTSTATUS rfl_client_reap(struct rfl_exchange *x, uint64_t *id, NTSTATUS *status,
                         void *out, uint32_t cap, uint32_t *len, int timeout_ms);

/* Host: wait for the next request. STATUS_SUCCESS, STATUS_TIMEOUT or
 * STATUS_DATA_ERROR. */
NTSTATUS rfl_host_next(struct rfl_exchange *x, struct rfl_request *r, int timeout_ms);
/* Host: complete a request; the payload (len bytes) is already in r->data. */
NTSTATUS rfl_host_complete(struct rfl_exchange *x, const struct rfl_request *r,
                           NTSTATUS status, uint32_t len);

/* Size of the mapping for given parameters (0 if they are invalid). */
size_t rfl_exchange_size(uint32_t slot_count, uint32_t buf_size);

#endif
