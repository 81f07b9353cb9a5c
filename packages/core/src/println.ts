import { writeSync } from "node:fs";

const STDOUT = 1;
const cell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write `line` and a newline to standard output from the calling thread,
 * at once and whole, like Rust's `println!`. On a worker thread,
 * `console.log` would instead post every line to the main thread, which
 * writes it when its event loop gets to it: a cost per request for a pool,
 * and lines that arrive after the thread's other effects.
 *
 * Like `println!`, it blocks while standard output is full (a pipe nobody
 * reads yet). A reader that has gone away (EPIPE) is not an error here: the
 * line is dropped, where `println!` would panic.
 */
export function println(line: string): void {
  let bytes = Buffer.from(`${line}\n`);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(STDOUT, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EAGAIN")
        Atomics.wait(cell, 0, 0, 1); // full: wait a millisecond, as a blocking write would
      else if (code === "EPIPE") return;
      else throw error;
    }
  }
}
