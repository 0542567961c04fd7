/*
 * wakeup.pml - the reflector ring's wake-up protocol (src/reflector/ring.c,
 * rfl_ring_push / rfl_ring_wait) as a Promela model. Shared memory is
 * sequentially consistent here: in the C code the two seq_cst fences (the
 * producer's between publishing head and reading consumer_wake, the
 * consumer's between setting consumer_wake and re-reading head) give
 * exactly that for these four accesses.
 *
 * Checked: the consumer never sleeps forever while a message is
 * published (no invalid end state), and all N messages are consumed.
 * Build with -DNO_RECHECK to drop the consumer's re-check: spin must then
 * find the lost wake-up.
 */
#define N 3

byte head = 0;      /* producer-written */
byte tail = 0;      /* consumer-written */
bit wake = 0;       /* consumer_wake */
byte efd = 0;       /* eventfd counter */
byte consumed = 0;

active proctype producer()
{
    byte i = 0;
    do
    :: i < N ->
        head++;                         /* publish (release) */
        /* fence */
        if
        :: wake == 1 -> efd++           /* signal only when asked */
        :: else -> skip
        fi;
        i++
    :: else -> break
    od
}

active proctype consumer()
{
    do
    :: consumed == N -> break
    :: else ->
        if
        :: head != tail ->              /* the spin / first check */
            tail++; consumed++
        :: else ->
            wake = 1;
            /* fence */
#ifndef NO_RECHECK
            if
            :: head != tail -> wake = 0; tail++; consumed++
            :: else ->
#endif
                efd > 0;                /* sleep until signalled (poll) */
                efd = 0;                /* drain (read) */
                wake = 0
#ifndef NO_RECHECK
            fi
#endif
        fi
    od;
    assert(consumed == N && tail == head)
}
