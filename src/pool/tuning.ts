// The pool's timing and depth constants, in one place, a line each on why (the measurements behind
// them: docs/decisions.md). Change one, then rerun `npm run bench:pool`, `npm run bench` and the pool tests.

/**
 * Chunks posted to a worker at once. Two: while one runs, the next already waits in the worker's
 * message queue, so the worker never sits idle through a round trip between chunks.
 */
export const CHUNKS_IN_FLIGHT = 2;

/**
 * Entries of a worker's mailbox (shared mode): more than any depth below, so a post never waits for a
 * free entry.
 */
export const MAILBOX_CAPACITY = 32;

/**
 * A built-in kernel's call of one chunk (nothing to balance against siblings) may queue this deep on a
 * worker, so many small calls keep workers busy: through a mailbox between wake-ups, over messages in
 * batches (the jobs dispatched in one turn leave as one message, and their results come back together).
 */
export const SINGLE_CHUNKS_DEEP = MAILBOX_CAPACITY;

/**
 * Chunks of equal cost (ChunkSpec.even) through a mailbox: posted this deep, they need the caller only
 * when a worker runs out, not after each chunk. A call of the default 4 chunks per worker is handed
 * out at once, as bare threads take their parts; a dynamic queue has nothing to balance among them.
 */
export const EVEN_CHUNKS_DEEP = 4;

/**
 * How long a worker with an empty mailbox spins before Atomics.wait: the next job of a busy caller
 * usually comes within microseconds, and waking from Atomics.wait costs a context switch. Short, so an
 * idle worker gives its core back at once.
 */
export const SPIN_MS = 0.05;

/**
 * Message mode, where the platform can take a message without the event loop: how long a worker that
 * just answered keeps polling for the next job: waking a worker through its event loop is most of a
 * round trip, and a caller awaiting one call after another sends the next within tens of µs.
 */
export const POLL_MS = 0.1;

/** After a built-in job that took this long, its result goes out at once instead of waiting for the rest of its batch. */
export const FLUSH_AFTER_MS = 0.5;
