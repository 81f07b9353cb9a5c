// Loaded into a server by the bench, before the server's own code, with
// NODE_OPTIONS=--import=<this file's URL> (servers.ts): it watches the V8
// heap of the main thread and of every worker thread the server creates
// (heaps.ts), and keeps the peaks in the file that BENCH_HEAP_FILE names,
// replaced whole after each sample (written beside it, then renamed), so
// that the bench never reads half a file. It prints nothing, its timers
// never keep the server alive, and a server without worker threads only
// has a main thread to report. Node.js loads it into every worker thread
// as well, where it does nothing.
import { isMainThread } from "node:worker_threads";

const file = process.env.BENCH_HEAP_FILE;
if (isMainThread && file) {
  const { renameSync, writeFileSync } = await import("node:fs");
  const { watchHeaps } = await import("./heaps.ts");
  const temporary = `${file}.${process.pid}.tmp`;
  const watch = watchHeaps({
    everyMs: 100,
    onSample: (peaks) => {
      try {
        writeFileSync(temporary, JSON.stringify(peaks));
        renameSync(temporary, file);
      } catch {
        watch.stop(); // the folder is gone: the bench no longer reads it
      }
    },
  });
}
