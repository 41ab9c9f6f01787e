// Typed arrays whose memory was given back (`jit.free`): whatever runs a call refuses them by name.
// jit's memory module retires them; the pool, which copies ordinary arrays into its own memory, would
// otherwise copy such an array in and its results back into the block's new owner.
const retired = new WeakSet<object>();

/** Marks `view` as given back. @internal */
export function retire(view: ArrayBufferView): void {
  retired.add(view);
}

/** Whether `view` was given back (by `jit.free`). @internal */
export function isRetired(view: ArrayBufferView): boolean {
  return retired.has(view);
}
