// The heap watch (heaps.ts) in this process, and the probe (heap-probe.ts)
// loaded into another the way the bench loads it into a server.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { runToExit } from "testkit/process";
import { afterAll, describe, expect, it } from "vitest";
import { serverHeaps, watchHeaps, type HeapPeaks } from "../src/heaps.ts";

/** A worker thread that holds about `mb` MB of heap until it is told to end. */
function holder(mb: number): Worker {
  const code = `
    const { parentPort } = require("node:worker_threads");
    const held = Array.from({ length: ${mb} }, () => new Array(2 ** 17).fill(1.5));
    parentPort.postMessage("ready");
    parentPort.once("message", () => { held.length = 0; parentPort.close(); });`;
  return new Worker(code, { eval: true });
}
const ready = (worker: Worker): Promise<unknown> => new Promise((resolve) => worker.once("message", resolve));
const ended = (worker: Worker): Promise<unknown> => new Promise((resolve) => worker.once("exit", resolve));

describe("watchHeaps", () => {
  it("takes the main thread's heap and each worker thread's, by group, and skips a worker that has ended", async () => {
    const small = new Set<Worker>();
    const watch = watchHeaps({ everyMs: 60_000, groupOf: (worker) => (small.has(worker) ? "small" : "large") });
    try {
      const large = holder(16);
      const little = holder(1);
      small.add(little);
      await Promise.all([ready(large), ready(little)]);
      const peaks = await watch.sample();
      expect(peaks.samples).toBe(1);
      expect(peaks.mainBytes).toBeGreaterThan(0);
      expect(peaks.groups.large?.threads).toBe(1);
      expect(peaks.groups.small?.threads).toBe(1);
      // 16 MB of doubles held by one, next to nothing by the other.
      expect(peaks.groups.large?.maxBytes).toBeGreaterThan(16 * 2 ** 20);
      expect(peaks.groups.large?.maxBytes).toBeGreaterThan(peaks.groups.small?.maxBytes ?? Number.POSITIVE_INFINITY);
      expect(peaks.groups.large?.sumBytes).toBe(peaks.groups.large?.maxBytes);

      for (const worker of [large, little]) worker.postMessage("end");
      await Promise.all([ended(large), ended(little)]);
      const after = await watch.sample();
      expect(after.samples).toBe(2);
      expect(after.groups.large).toEqual(peaks.groups.large); // peaks are kept
      expect(serverHeaps(after).workers.threads).toBe(0); // no group `workers` here
    } finally {
      watch.stop();
    }
  });

  it("adds up the threads of a group sampled together", async () => {
    const watch = watchHeaps({ everyMs: 60_000 });
    try {
      const workers = [holder(4), holder(4)];
      await Promise.all(workers.map(ready));
      const { groups } = await watch.sample();
      expect(groups.workers?.threads).toBe(2);
      expect(groups.workers?.sumBytes).toBeGreaterThan(groups.workers?.maxBytes ?? Number.POSITIVE_INFINITY);
      for (const worker of workers) worker.postMessage("end");
      await Promise.all(workers.map(ended));
    } finally {
      watch.stop();
    }
  });
});

describe("the heap probe, loaded with NODE_OPTIONS=--import", () => {
  const probe = new URL("../src/heap-probe.ts", import.meta.url).href;
  const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
  const folder = mkdtempSync(join(tmpdir(), "bench-probe-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const runWithProbe = async (name: string, env: Record<string, string>): Promise<HeapPeaks> => {
    const file = join(folder, `${name}.json`);
    const run = await runToExit(
      fixtures,
      "heap-target.ts",
      { NODE_OPTIONS: `--import=${probe}`, BENCH_HEAP_FILE: file, ...env },
      30_000,
    );
    // It ended on its own (the probe keeps nothing alive) and printed nothing (the bench reads a server's stdout).
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
    return JSON.parse(readFileSync(file, "utf8")) as HeapPeaks;
  };

  it("leaves the peaks of the main thread and of a worker thread in BENCH_HEAP_FILE", async () => {
    const peaks = await runWithProbe("worker", { WORKER: "1" });
    const heaps = serverHeaps(peaks);
    expect(heaps.mainMb).toBeGreaterThan(0);
    expect(heaps.workers.threads).toBe(1);
    expect(heaps.workers.maxMb).toBeGreaterThan(0);
  });

  it("reports a main thread alone in a program without worker threads", async () => {
    const heaps = serverHeaps(await runWithProbe("alone", {}));
    expect(heaps.mainMb).toBeGreaterThan(0);
    expect(heaps.workers).toEqual({ threads: 0, sumMb: 0, maxMb: 0 });
  });
});
