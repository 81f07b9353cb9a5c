// What a thread per connection costs, measured on this machine:
// pnpm --filter 08-thread-per-request cost
// The time to start one thread (as main.ts does for every connection), and
// the memory that idle threads hold, which nothing in main.ts bounds.
import { Worker } from "node:worker_threads";
import { wholeNumberSetting } from "core";

const RUNS = wholeNumberSetting("RUNS", 20, { min: 1, max: 1_000 });
const THREADS = wholeNumberSetting("THREADS", 100, { min: 1, max: 1_000 });
// Like thread.ts, each thread loads handle-connection.ts (and core) before it
// can read a request, then waits; it tells us when it is ready.
const handler = JSON.stringify(new URL("./handle-connection.ts", import.meta.url).href);
const code = `const { parentPort } = require("node:worker_threads");
import(${handler}).then(() => { parentPort.on("message", () => {}); parentPort.postMessage("ready"); });`;
const spawn = (): Worker => new Worker(code, { eval: true });
const ready = (worker: Worker): Promise<void> => new Promise((resolve) => worker.once("message", () => resolve()));
const rssMb = (): number => process.memoryUsage.rss() / 2 ** 20;

const startTimes: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const worker = spawn();
  await ready(worker);
  startTimes.push(performance.now() - started);
  await worker.terminate();
}
startTimes.sort((a, b) => a - b);
const median = startTimes[Math.floor(startTimes.length / 2)] ?? Number.NaN;
console.log(`Starting one thread, ready to handle a connection, took ${median.toFixed(1)} ms (median of ${RUNS}).`);

const before = rssMb();
const idle = Array.from({ length: THREADS }, spawn);
await Promise.all(idle.map(ready));
const added = rssMb() - before;
console.log(
  `${THREADS} idle threads added ${added.toFixed(0)} MB of memory (${(added / THREADS).toFixed(1)} MB each).`,
);
await Promise.all(idle.map((worker) => worker.terminate()));
