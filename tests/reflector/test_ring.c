/*
 * tests/reflector/test_ring.c - the shared-memory exchange: ring semantics
 * (full, empty, u32 wrap-around), two processes exchanging 1,000,000
 * checksummed messages, wake-ups of a consumer that always sleeps, and
 * peers that write garbage.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reflector/ring.h"

#define OP_ECHO   1u   /* respond with the payload, status = its checksum */
#define OP_QUIT   2u

static uint32_t fnv1a(const void *p, uint32_t n)
{
    const uint8_t *b = p;
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static void make_pair(struct rfl_exchange *c, struct rfl_exchange *h,
                      uint32_t slots, uint32_t buf, uint32_t start)
{
    struct rfl_params p = { .slot_count = slots, .buf_size = buf,
                            .initial_index = start, .spin_max = 64 };
    assert_int_equal(rfl_exchange_create(c, &p), STATUS_SUCCESS);
    assert_int_equal(rfl_exchange_attach(h, c->memfd, c->efd_req, c->efd_rsp, 64), STATUS_SUCCESS);
}

/* Host loop used by the process tests: echo until OP_QUIT. */
static int host_loop(int memfd, int efd_req, int efd_rsp, uint32_t spin)
{
    struct rfl_exchange h;
    if (rfl_exchange_attach(&h, memfd, efd_req, efd_rsp, spin) != STATUS_SUCCESS)
        return 10;
    for (;;) {
        struct rfl_request r;
        NTSTATUS st = rfl_host_next(&h, &r, 10000);
        if (st != STATUS_SUCCESS)
            return 11;
        if (r.opcode == OP_QUIT) {
            rfl_host_complete(&h, &r, STATUS_SUCCESS, 0);
            break;
        }
        uint32_t sum = fnv1a(r.data, r.length);
        if (rfl_host_complete(&h, &r, (NTSTATUS)sum, r.length) != STATUS_SUCCESS)
            return 12;
    }
    rfl_exchange_close(&h);
    return 0;
}

/* Full/empty and wrap-around of the u32 indices, in one process with two
 * views (two mappings) of one exchange. */
static void test_full_empty_wrap(void **state)
{
    (void)state;
    struct rfl_exchange c, h;
    make_pair(&c, &h, 8, 64, UINT32_MAX - 5);
    struct rfl_request r;
    uint64_t id;
    NTSTATUS s;
    uint32_t len;
    char out[64];

    assert_int_equal(rfl_host_next(&h, &r, 0), STATUS_TIMEOUT);     /* empty */
    assert_int_equal(rfl_client_reap(&c, &id, &s, out, sizeof out, &len, 0), STATUS_TIMEOUT);
    /* 5 rounds of fill-to-full then drain cross UINT32_MAX -> 0 */
    for (int round = 0; round < 5; round++) {
        uint64_t ids[8];
        for (uint32_t i = 0; i < 8; i++) {
            uint32_t v = round * 100 + i;
            assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, sizeof v, &ids[i]), STATUS_SUCCESS);
        }
        uint32_t v = 0;
        assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, sizeof v, &id), STATUS_DEVICE_BUSY);
        for (uint32_t i = 0; i < 8; i++) {
            assert_int_equal(rfl_host_next(&h, &r, 0), STATUS_SUCCESS);
            assert_int_equal(r.id, ids[i]);               /* FIFO */
            assert_int_equal(r.length, 4);
            uint32_t got;
            memcpy(&got, r.data, 4);
            assert_int_equal(got, round * 100 + i);
            got += 1;
            memcpy(r.data, &got, 4);
            assert_int_equal(rfl_host_complete(&h, &r, STATUS_SUCCESS, 4), STATUS_SUCCESS);
        }
        assert_int_equal(rfl_host_next(&h, &r, 0), STATUS_TIMEOUT);
        for (uint32_t i = 0; i < 8; i++) {
            uint32_t got = 0;
            assert_int_equal(rfl_client_reap(&c, &id, &s, &got, sizeof got, &len, 0), STATUS_SUCCESS);
            assert_int_equal(id, ids[i]);
            assert_int_equal(s, STATUS_SUCCESS);
            assert_int_equal(len, 4);
            assert_int_equal(got, round * 100 + i + 1);
        }
        assert_int_equal(rfl_client_reap(&c, &id, &s, out, sizeof out, &len, 0), STATUS_TIMEOUT);
    }
    /* the indices really wrapped */
    assert_true(atomic_load(&c.req.ctl->head) < 100);
    /* a response larger than the caller's buffer is consumed, not copied */
    char big[64] = { 0 };
    assert_int_equal(rfl_client_submit(&c, OP_ECHO, big, 64, &id), STATUS_SUCCESS);
    assert_int_equal(rfl_host_next(&h, &r, 0), STATUS_SUCCESS);
    assert_int_equal(rfl_host_complete(&h, &r, STATUS_SUCCESS, 64), STATUS_SUCCESS);
    assert_int_equal(rfl_client_reap(&c, &id, &s, out, 8, &len, 0), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(len, 64);
    /* own misuse is a parameter error, not a protocol break */
    assert_int_equal(rfl_client_submit(&c, OP_ECHO, big, 65, &id), STATUS_INVALID_PARAMETER);
    assert_int_equal(rfl_host_complete(&h, &r, STATUS_SUCCESS, 65), STATUS_INVALID_PARAMETER);
    rfl_exchange_close(&h);
    rfl_exchange_close(&c);
}

static void test_bad_params(void **state)
{
    (void)state;
    struct rfl_exchange c;
    struct rfl_params p = { .slot_count = 6, .buf_size = 64 };
    assert_int_equal(rfl_exchange_create(&c, &p), STATUS_INVALID_PARAMETER);
    p.slot_count = 8; p.buf_size = 100;
    assert_int_equal(rfl_exchange_create(&c, &p), STATUS_INVALID_PARAMETER);
    p.slot_count = RFL_MAX_SLOTS * 2; p.buf_size = 64;
    assert_int_equal(rfl_exchange_create(&c, &p), STATUS_INVALID_PARAMETER);
    assert_int_equal(rfl_exchange_size(8, 64) % 4096, 0);
}

/* Two processes, 1,000,000 messages, queue depth up to 16, every payload
 * and every checksum checked, every id completed exactly once. */
static void test_two_processes_million(void **state)
{
    (void)state;
    struct rfl_params p = { .slot_count = 16, .buf_size = 64,
                            .initial_index = UINT32_MAX - 1000, .spin_max = RFL_SPIN_DEFAULT_NS };
    struct rfl_exchange c;
    assert_int_equal(rfl_exchange_create(&c, &p), STATUS_SUCCESS);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(host_loop(c.memfd, c.efd_req, c.efd_rsp, RFL_SPIN_DEFAULT_NS));

    const uint64_t total = 1000000;
    uint64_t sent = 0, done = 0, bad = 0;
    uint64_t expect_sum[16] = { 0 };   /* by buffer index */
    while (done < total) {
        while (sent < total) {
            uint8_t msg[40];
            uint64_t seq = sent;
            memcpy(msg, &seq, 8);
            for (int i = 8; i < 40; i++)
                msg[i] = (uint8_t)(seq * 31 + i);
            uint32_t n = 8 + (uint32_t)(seq % 33);
            uint64_t id;
            NTSTATUS st = rfl_client_submit(&c, OP_ECHO, msg, n, &id);
            if (st == STATUS_DEVICE_BUSY)
                break;
            assert_int_equal(st, STATUS_SUCCESS);
            expect_sum[id & 0xffff] = ((uint64_t)n << 32) | fnv1a(msg, n);
            sent++;
        }
        uint8_t back[64];
        uint64_t id;
        NTSTATUS s;
        uint32_t len;
        assert_int_equal(rfl_client_reap(&c, &id, &s, back, sizeof back, &len, 10000), STATUS_SUCCESS);
        uint64_t e = expect_sum[id & 0xffff];
        if (len != (uint32_t)(e >> 32) || (uint32_t)s != (uint32_t)e || fnv1a(back, len) != (uint32_t)e)
            bad++;
        done++;
    }
    assert_int_equal(bad, 0);
    uint64_t id;
    NTSTATUS s;
    uint32_t len;
    assert_int_equal(rfl_client_submit(&c, OP_QUIT, NULL, 0, &id), STATUS_SUCCESS);
    assert_int_equal(rfl_client_reap(&c, &id, &s, NULL, 0, &len, 10000), STATUS_SUCCESS);
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
    /* nothing outstanding, nothing left in either ring */
    assert_int_equal(c.free_count, 16);
    assert_int_equal(rfl_client_reap(&c, &id, &s, NULL, 0, &len, 0), STATUS_TIMEOUT);
    rfl_exchange_close(&c);
}

/* Neither side spins: every wait goes through "wake me" + re-check +
 * eventfd. Requests arrive at irregular moments (sometimes before, often
 * right around the moment the consumer goes to sleep). A lost wake-up
 * shows as a 2 s timeout. */
static void test_sleeping_consumer_no_lost_wakeup(void **state)
{
    (void)state;
    struct rfl_params p = { .slot_count = 4, .buf_size = 64, .spin_max = 0 };
    struct rfl_exchange c;
    assert_int_equal(rfl_exchange_create(&c, &p), STATUS_SUCCESS);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(host_loop(c.memfd, c.efd_req, c.efd_rsp, 0));

    int timeouts = 0;
    unsigned seed = 12345;
    for (int i = 0; i < 10000; i++) {
        uint32_t v = (uint32_t)i;
        uint64_t id;
        /* a few microseconds of jitter to hit the window in both orders */
        unsigned d = (seed = seed * 1103515245 + 12345) >> 16 & 7;
        for (volatile unsigned k = 0; k < d * 200; k++)
            ;
        assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, 4, &id), STATUS_SUCCESS);
        NTSTATUS s;
        uint32_t len, back = 0;
        NTSTATUS st = rfl_client_reap(&c, &id, &s, &back, 4, &len, 2000);
        if (st == STATUS_TIMEOUT) {
            timeouts++;
            break;
        }
        assert_int_equal(st, STATUS_SUCCESS);
        assert_int_equal(back, (uint32_t)i);
    }
    assert_int_equal(timeouts, 0);
    /* the protocol really slept (no spinning) and really signalled */
    assert_true(c.rsp.sleeps > 0);
    assert_true(c.req.signals > 0);
    uint64_t id;
    NTSTATUS s;
    uint32_t len;
    assert_int_equal(rfl_client_submit(&c, OP_QUIT, NULL, 0, &id), STATUS_SUCCESS);
    assert_int_equal(rfl_client_reap(&c, &id, &s, NULL, 0, &len, 5000), STATUS_SUCCESS);
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    rfl_exchange_close(&c);
}

/* A busy consumer (one that has not announced it sleeps) is not
 * signalled. */
static void test_no_signal_when_not_wanted(void **state)
{
    (void)state;
    struct rfl_exchange c, h;
    make_pair(&c, &h, 8, 64, 0);
    uint64_t id;
    uint32_t v = 1;
    assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, 4, &id), STATUS_SUCCESS);
    assert_int_equal(c.req.signals, 0);
    uint64_t cnt;
    assert_int_equal(read(c.efd_req, &cnt, 8), -1);   /* nothing written */
    atomic_store(&c.req.ctl->consumer_wake, 1);        /* consumer says: wake me */
    assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, 4, &id), STATUS_SUCCESS);
    assert_int_equal(c.req.signals, 1);
    assert_int_equal(read(c.efd_req, &cnt, 8), 8);
    rfl_exchange_close(&h);
    rfl_exchange_close(&c);
}

/* ---- hostile peers ---- */

static struct rfl_slot *rsp_slot(struct rfl_exchange *c, uint32_t i)
{
    return &c->rsp.slots[i & c->rsp.mask];
}

/* A host that lies in the response ring: each lie is STATUS_DATA_ERROR,
 * the exchange stays broken. */
static void test_hostile_host(void **state)
{
    (void)state;
    for (int lie = 0; lie < 7; lie++) {
        struct rfl_exchange c, h;
        make_pair(&c, &h, 8, 64, UINT32_MAX - 2);
        uint64_t id;
        uint32_t v = 7;
        assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, 4, &id), STATUS_SUCCESS);
        struct rfl_request r;
        assert_int_equal(rfl_host_next(&h, &r, 0), STATUS_SUCCESS);
        assert_int_equal(rfl_host_complete(&h, &r, STATUS_SUCCESS, 4), STATUS_SUCCESS);
        uint32_t head = atomic_load(&c.rsp.ctl->head);
        struct rfl_slot *s = rsp_slot(&c, head - 1);
        switch (lie) {
        case 0: atomic_store(&c.rsp.ctl->head, head + 1000); break;   /* beyond the ring */
        case 1: s->id = id + (1 << 16); break;                         /* id never issued */
        case 2: s->length = 65; break;                                 /* longer than the buffer */
        case 3: s->data_offset = c.size - 8; break;                    /* another place */
        case 4: s->data_offset = UINT64_MAX - 3; break;
        case 5: s->id = 3; break;                                      /* index of a free buffer */
        case 6: /* a second completion of the same id */
            memcpy(&c.rsp.slots[head & c.rsp.mask], s, sizeof *s);
            atomic_store(&c.rsp.ctl->head, head + 1);
            break;
        }
        NTSTATUS st_resp;
        uint32_t len;
        uint8_t out[64];
        NTSTATUS st = rfl_client_reap(&c, &id, &st_resp, out, sizeof out, &len, 0);
        if (lie == 6) {
            assert_int_equal(st, STATUS_SUCCESS);   /* the real one */
            st = rfl_client_reap(&c, &id, &st_resp, out, sizeof out, &len, 0);
        }
        assert_int_equal(st, STATUS_DATA_ERROR);
        assert_true(c.broken);
        assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, 4, &id), STATUS_DATA_ERROR);
        rfl_exchange_close(&h);
        rfl_exchange_close(&c);
    }
}

/* A client that lies in the request ring or the header. */
static void test_hostile_client(void **state)
{
    (void)state;
    for (int lie = 0; lie < 7; lie++) {
        struct rfl_exchange c, h;
        make_pair(&c, &h, 8, 64, 5);
        uint64_t id;
        uint32_t v = 7;
        assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, 4, &id), STATUS_SUCCESS);
        uint32_t head = atomic_load(&c.req.ctl->head);
        struct rfl_slot *s = &c.req.slots[(head - 1) & c.req.mask];
        switch (lie) {
        case 0: atomic_store(&c.req.ctl->head, head + 9); break;
        case 1: atomic_store(&c.req.ctl->head, head - 2); break;        /* behind the tail */
        case 2: s->length = 1u << 31; break;
        case 3: s->data_offset = 0; break;                              /* the header */
        case 4: s->data_offset = c.arena_offset + 64 * 2; break;        /* not the id's buffer */
        case 5: s->id = 9; break;                                       /* index out of range */
        case 6: s->flags = 1; break;
        }
        struct rfl_request r;
        assert_int_equal(rfl_host_next(&h, &r, 0), STATUS_DATA_ERROR);
        assert_true(h.broken);
        assert_int_equal(rfl_host_next(&h, &r, 0), STATUS_DATA_ERROR);
        rfl_exchange_close(&h);
        rfl_exchange_close(&c);
    }
    /* a consumer that moves its tail past what was published */
    struct rfl_exchange c, h;
    make_pair(&c, &h, 8, 64, 0);
    uint64_t id;
    uint32_t v = 7;
    struct rfl_request r;
    assert_int_equal(rfl_client_submit(&c, OP_ECHO, &v, 4, &id), STATUS_SUCCESS);
    assert_int_equal(rfl_host_next(&h, &r, 0), STATUS_SUCCESS);
    atomic_store(&h.rsp.ctl->tail, 50);
    assert_int_equal(rfl_host_complete(&h, &r, STATUS_SUCCESS, 0), STATUS_DATA_ERROR);
    rfl_exchange_close(&h);
    rfl_exchange_close(&c);
}

static void test_attach_rejects_bad_header(void **state)
{
    (void)state;
    for (int lie = 0; lie < 6; lie++) {
        struct rfl_exchange c, h;
        struct rfl_params p = { .slot_count = 8, .buf_size = 64 };
        assert_int_equal(rfl_exchange_create(&c, &p), STATUS_SUCCESS);
        struct rfl_shm_header *hd = (struct rfl_shm_header *)c.base;
        NTSTATUS want = STATUS_DATA_ERROR;
        switch (lie) {
        case 0: hd->magic ^= 1; break;
        case 1: hd->version = 2; want = STATUS_REVISION_MISMATCH; break;
        case 2: hd->slot_count = 16; break;          /* larger than the file */
        case 3: hd->slot_count = 7; break;
        case 4: hd->arena_offset = 64; break;
        case 5: hd->buf_size = 4096; break;        /* arena beyond the file */
        }
        assert_int_equal(rfl_exchange_attach(&h, c.memfd, c.efd_req, c.efd_rsp, 0), want);
        assert_null(h.base);
        rfl_exchange_close(&c);
    }
    /* an unsealed file (could be shrunk under the mapping) is refused */
    int fd = memfd_create("x", MFD_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)rfl_exchange_size(8, 64)), 0);
    struct rfl_exchange h;
    assert_int_equal(rfl_exchange_attach(&h, fd, -1, -1, 0), STATUS_DATA_ERROR);
    close(fd);
}

/* A forked peer scribbles random bytes over the whole mapping while this
 * process keeps using it as client and as host (two views). Errors are
 * expected; a crash or (under ASan) an out-of-bounds access is the
 * failure. After an error the view is re-attached and the game goes on. */
static void test_scribbling_peer(void **state)
{
    (void)state;
    struct rfl_params p = { .slot_count = 8, .buf_size = 64, .spin_max = 16 };
    struct rfl_exchange c, h;
    assert_int_equal(rfl_exchange_create(&c, &p), STATUS_SUCCESS);
    assert_int_equal(rfl_exchange_attach(&h, c.memfd, c.efd_req, c.efd_rsp, 16), STATUS_SUCCESS);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint32_t *w = (uint32_t *)c.base;
        size_t n = c.size / 4;
        unsigned x = 1;
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        do {
            for (int i = 0; i < 1000; i++) {
                x ^= x << 13; x ^= x >> 17; x ^= x << 5;
                /* favour the control blocks and slots, sometimes small values */
                size_t at = (x & 1) ? (x >> 1) % (512 / 4) : (x >> 1) % n;
                w[at] = (x & 2) ? x : (x >> 20) & 15;
            }
            clock_gettime(CLOCK_MONOTONIC, &t);
        } while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
        _exit(0);
    }
    unsigned errors = 0, ok = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t id;
        uint32_t v = (uint32_t)i, len;
        NTSTATUS s;
        uint8_t out[64];
        struct rfl_request r;
        NTSTATUS st = rfl_client_submit(&c, OP_ECHO, &v, 4, &id);
        st = rfl_host_next(&h, &r, 0);
        if (st == STATUS_SUCCESS) {
            /* the host writes where the (validated) request says */
            memset(r.data, 0xab, 64);
            rfl_host_complete(&h, &r, STATUS_SUCCESS, r.length <= 64 ? r.length : 0);
        }
        st = rfl_client_reap(&c, &id, &s, out, sizeof out, &len, 0);
        if (st == STATUS_SUCCESS)
            ok++;
        if (c.broken || h.broken) {
            errors++;
            /* start over on fresh indices: re-create the views' state */
            c.broken = h.broken = false;
            uint32_t ci = atomic_load(&c.req.ctl->head);
            c.req.local = c.req.peer = h.req.local = h.req.peer = ci;
            atomic_store(&c.req.ctl->head, ci);
            atomic_store(&c.req.ctl->tail, ci);
            uint32_t ri = atomic_load(&c.rsp.ctl->head);
            c.rsp.local = c.rsp.peer = h.rsp.local = h.rsp.peer = ri;
            atomic_store(&c.rsp.ctl->head, ri);
            atomic_store(&c.rsp.ctl->tail, ri);
            for (uint32_t b = 0; b < 8; b++) {
                c.outstanding[b] = 0;
                c.free_list[b] = b;
            }
            c.free_count = 8;
        }
    }
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws));
    /* the scribbler must actually have been noticed */
    assert_true(errors > 0);
    print_message("scribbling peer: %u protocol errors detected, %u good round trips\n", errors, ok);
    rfl_exchange_close(&h);
    rfl_exchange_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_empty_wrap),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_no_signal_when_not_wanted),
        cmocka_unit_test(test_hostile_host),
        cmocka_unit_test(test_hostile_client),
        cmocka_unit_test(test_attach_rejects_bad_header),
        cmocka_unit_test(test_scribbling_peer),
        cmocka_unit_test(test_sleeping_consumer_no_lost_wakeup),
        cmocka_unit_test(test_two_processes_million),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
