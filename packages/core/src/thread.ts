// What Rust's `std::thread` gives the book and Node.js lacks.

const cell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Block the calling thread for `ms` milliseconds, like `thread::sleep`.
 * Nothing else runs on this thread meanwhile: no other connection, no timer,
 * no I/O callback. (`await setTimeout(ms)` would only pause one async
 * function and let the event loop carry on; that is not what the book shows.)
 */
export function sleep(ms: number): void {
  // Nobody ever notifies `cell`, so this waits for the whole timeout.
  Atomics.wait(cell, 0, 0, ms);
}
