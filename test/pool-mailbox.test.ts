// The shared-mode mailbox on one thread: a job written by the pool's side is read back field for field
// by the worker's side, and its answer (a value, a Collatz best, or an error's name and message) comes back.
import { describe, expect, it } from "vitest";
import { Mailbox, isMailable, messageArrived, serveMailbox } from "../src/pool/mailbox.ts";
import type { Job } from "../src/pool/protocol.ts";

/** Posts `job`, serves it here (the run callback announces a message, so the loop returns after it), and resolves with the answer. */
function roundTrip(job: Job, run: (job: Job) => unknown): Promise<{ value?: unknown; error?: { name: string; message: string } }> {
  const mailbox = new Mailbox();
  return new Promise((resolve) => {
    mailbox.post(job, resolve);
    serveMailbox(mailbox.buffer, (received) => {
      mailbox.announceMessage();
      return run(received);
    });
    messageArrived(mailbox.buffer);
  });
}

describe("shared-mode mailbox", () => {
  it("carries only built-in kernels whose data is in the shared memory", () => {
    expect(isMailable({ kind: "sumRange", lo: 0n, hi: 5n })).toBe(true);
    expect(isMailable({ kind: "dot", aPtr: 16, bPtr: 32, n: 2 })).toBe(true);
    expect(isMailable({ kind: "dot", a: new Float64Array(2), b: new Float64Array(2), n: 2 })).toBe(false);
    expect(isMailable({ kind: "countPrimes", lo: 0n, hi: 5n })).toBe(false);
    // hashMany in shared mode: a table of (pointer, length) pairs in memory, not lists in the job.
    expect(isMailable({ kind: "hashAt", xxhash: 1, seed: 0n, tablePtr: 64, count: 3, outPtr: 96 })).toBe(true);
    expect(isMailable({ kind: "hash", algorithm: "xxhash64", seed: 0n, lens: new Uint32Array(1), packed: new Uint8Array(1) })).toBe(false);
    expect(isMailable({ kind: "call", fn: { type: "module", url: "file:///x.mjs", export: "f" }, args: [] })).toBe(false);
  });

  it("round-trips every field and the answer's type", async () => {
    const job: Job = { kind: "monteCarlo", seed: 2n ** 64n - 1n, firstChunk: 3n, endChunk: 2n ** 40n, total: 12345n };
    let seen: Job | undefined;
    expect(await roundTrip(job, (j) => ((seen = j), 2n ** 64n - 2n))).toEqual({ value: 2n ** 64n - 2n });
    expect(seen).toEqual(job);
    const view: Job = {
      kind: "mandelbrot",
      outPtr: 64,
      width: 7,
      height: 5,
      rowStart: 1,
      rowEnd: 4,
      x0: -2,
      y0: -1.5,
      x1: 0.25,
      y1: 1.5,
      maxIter: 99,
    };
    expect(await roundTrip(view, (j) => ((seen = j), undefined))).toEqual({ value: undefined });
    expect(seen).toEqual(view);
    const hashes: Job = { kind: "hashAt", xxhash: 0, seed: 2n ** 63n + 5n, tablePtr: 4096, count: 64, outPtr: 8192 };
    expect(await roundTrip(hashes, (j) => ((seen = j), undefined))).toEqual({ value: undefined });
    expect(seen).toEqual(hashes);
    expect(await roundTrip({ kind: "dot", aPtr: 16, bPtr: 32, n: 2 }, () => 0.125)).toEqual({ value: 0.125 });
    expect(await roundTrip({ kind: "collatz", lo: 1n, hi: 10n }, () => ({ start: 9n, steps: 19 }))).toEqual({
      value: { start: 9n, steps: 19 },
    });
  });

  it("reads quiet answers when the last posted job ends, or at once with collect()", async () => {
    const jobs: Job[] = [1, 2, 3].map((n) => ({ kind: "dot", aPtr: 16 * n, bPtr: 32 * n, n }));
    const serve = (mailbox: Mailbox) => {
      let ran = 0;
      serveMailbox(mailbox.buffer, (job) => {
        // After the last job the loop returns (a message is announced), as a worker leaves it for a message.
        if (++ran === jobs.length) mailbox.announceMessage();
        return (job as { n: number }).n / 8;
      });
      messageArrived(mailbox.buffer);
    };
    // Woken once, by the last job (the only one with nothing posted after it): every answer arrives, in order.
    const woken = new Mailbox();
    const answers = Promise.all(jobs.map((job) => new Promise((resolve) => woken.post(job, resolve, true))));
    serve(woken);
    expect(await answers).toEqual([{ value: 0.125 }, { value: 0.25 }, { value: 0.375 }]);
    // collect() reads what was answered without waiting to be woken (a worker that died after quiet answers).
    const read = new Mailbox();
    const got: unknown[] = [];
    for (const job of jobs) read.post(job, (answer) => got.push(answer), true);
    serve(read);
    read.collect();
    expect(got).toEqual([{ value: 0.125 }, { value: 0.25 }, { value: 0.375 }]);
  });

  it("brings an error back by name and message", async () => {
    const answer = await roundTrip({ kind: "sumRange", lo: 0n, hi: 1n }, () => {
      const error = new Error("Kernel `sumRange` trapped: unreachable");
      error.name = "KernelError";
      throw error;
    });
    expect(answer).toEqual({ error: { name: "KernelError", message: "Kernel `sumRange` trapped: unreachable" } });
  });
});
