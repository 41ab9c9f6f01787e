/** First byte after static data: where the host may start laying out its buffers. */
export function heapBase(): usize {
  return __heap_base;
}
