// Loaded into a server by the bench, before the server's own code, with
// NODE_OPTIONS=--import=<this file's URL> (servers.ts): it watches the V8
// heap of the main thread and of every worker thread the server creates
// (heaps.ts), and keeps the peaks in the file that BENCH_HEAP_FILE names,
// replaced whole (written beside it, then renamed), so that the bench
// never reads half a file. It writes after a sample that raised a peak,
// and at least once a second so that the bench can tell a fresh file from
// a stale one (`at`); writing after every sample cost the server about as
// much CPU as sampling. It prints nothing, its timers never keep the server
// alive, and a server without worker threads only has a main thread to
// report. Node.js loads it into every worker thread as well, where it
// does nothing.
import { isMainThread } from "node:worker_threads";

const file = process.env.BENCH_HEAP_FILE;
if (isMainThread && file) {
  const { renameSync, writeFileSync } = await import("node:fs");
  const { HEARTBEAT_MS, watchHeaps } = await import("./heaps.ts");
  const temporary = `${file}.${process.pid}.tmp`;
  let written = "";
  let writtenAt = Number.NEGATIVE_INFINITY;
  const watch = watchHeaps({
    everyMs: 100,
    onSample: (peaks) => {
      const figures = JSON.stringify({ mainBytes: peaks.mainBytes, groups: peaks.groups });
      if (figures === written && peaks.at - writtenAt < HEARTBEAT_MS) return;
      try {
        writeFileSync(temporary, JSON.stringify(peaks));
        renameSync(temporary, file);
        written = figures;
        writtenAt = peaks.at;
      } catch {
        watch.stop(); // the folder is gone: the bench no longer reads it
      }
    },
  });
}
