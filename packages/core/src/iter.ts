/**
 * The first `limit` items of `source`, like Rust's `.take(n)` on an
 * iterator (Node.js has no async iterator helpers yet). The source is closed
 * (its `return()` called) as soon as the limit is reached, before it is
 * asked for another item. `Infinity` means no limit.
 */
export async function* take<T>(source: AsyncIterable<T>, limit: number): AsyncGenerator<T, void, undefined> {
  if (limit <= 0) return;
  let taken = 0;
  for await (const item of source) {
    yield item;
    taken += 1;
    if (taken >= limit) return;
  }
}
