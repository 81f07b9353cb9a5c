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
  const text = `${line}\n`;
  // The string goes to the write as it is, with no Buffer made for it: a
  // pool thread prints a line for every job. Only a write cut short leaves bytes.
  let rest: Buffer | undefined;
  for (;;) {
    try {
      if (rest === undefined) {
        const written = writeSync(STDOUT, text);
        if (written === Buffer.byteLength(text)) return;
        rest = Buffer.from(text).subarray(written);
      } else {
        rest = rest.subarray(writeSync(STDOUT, rest));
        if (rest.length === 0) return;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EAGAIN")
        Atomics.wait(cell, 0, 0, 1); // full: wait a millisecond, as a blocking write would
      else if (code === "EPIPE") return;
      else throw error;
    }
  }
}
