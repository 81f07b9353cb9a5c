// The bench's own checks: a smoke run of `pnpm bench` end to end (a few
// requests per load, so that it cannot rot), and its arithmetic on fixed
// numbers. Nothing here asserts a speed, or how many requests fit in a time
// window: the numbers vary from machine to machine, and with what else the
// machine is doing. Each load of the smoke run is a number of requests, and
// the checks are that every one of them was answered.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HAS_PROC, runToExit, type Finished } from "testkit/process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failures, type LoadResult } from "../src/load.ts";
import type { Results, TargetCheck } from "../src/report.ts";
import type { Span } from "../src/settings.ts";

const benchDir = fileURLToPath(new URL("..", import.meta.url));

describe("pnpm bench, smoke run", () => {
  const out = mkdtempSync(join(tmpdir(), "bench-smoke-"));
  let run: Finished;
  let results: Results & { targets: TargetCheck[] };
  beforeAll(async () => {
    run = await runToExit(benchDir, "src/main.ts", { BENCH_SMOKE: "1", BENCH_OUT: out }, 170_000);
    results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as typeof results;
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("finishes, printing progress for every scenario and the summary", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const step of [
      "throughput · round 1/1 · 10-graceful-shutdown",
      "head-of-line · 07-slow-request",
      "cost of a thread · round 1/1 · 08-thread-per-request",
      "pool dispatch · ThreadPool",
    ]) {
      expect(run.stdout).toContain(step);
    }
    expect(run.stdout).toContain("| target | goal | measured | met |");
  });

  /** The number of requests of a smoke run's load. */
  const countOf = (span: Span): number => {
    if (!("requests" in span)) throw new Error("a smoke run's loads are counts of requests");
    return span.requests;
  };
  /** Every request of the load answered, and nothing failed. */
  const expectAllAnswered = (result: LoadResult | undefined, span: Span, what: string): void => {
    expect(result?.requests, what).toBe(countOf(span));
    expect(result && failures(result), `${what}: errors, timeouts, statuses other than 2xx, unanswered`).toBe(0);
  };

  it("measures every server of the throughput scenario, in the same run, every request answered", () => {
    expect(results.throughput.map((row) => row.label)).toEqual([
      "06-refactor",
      "08-thread-per-request",
      "09-thread-pool",
      "10-graceful-shutdown",
      "node:http",
      "node:http keep-alive",
    ]);
    for (const row of results.throughput) {
      expect(row.rounds).toHaveLength(1);
      expectAllAnswered(row.rounds[0], results.settings.spans.throughput, row.label);
      expect(row.errors, row.label).toBe(0);
    }
    expect(results.throughput.find((row) => row.label === "node:http")?.ratio).toBe(1);
  });

  // Linux only: memory is read from /proc (see HAS_PROC); elsewhere the bench reports it as not measured.
  it.runIf(HAS_PROC)("takes each server's peak memory (Linux: from /proc)", () => {
    for (const row of [...results.throughput, ...results.threads.rows]) expect(row.peakRssMb).toBeGreaterThan(0);
  });

  // Linux only: CPU time is read from /proc (see HAS_PROC); elsewhere the bench reports it as not measured.
  it.runIf(HAS_PROC)("takes each server's CPU time over each measured window, per response (Linux: from /proc)", () => {
    for (const row of results.throughput) {
      for (const round of row.rounds) {
        expect(round.cpuMs, row.label).toBeGreaterThanOrEqual(0);
        expect(round.cpuUsPerRequest, row.label).toBeCloseTo(((round.cpuMs ?? Number.NaN) * 1000) / round.requests, 6);
      }
      expect(row.cpuUsPerRequest, row.label).not.toBeNull();
    }
    expect(run.stdout).toMatch(/throughput · round 1\/1 · node:http: .* µs CPU\/request$/m);
    expect(run.stdout).toContain("| server | req/s | × node:http | CPU/request | CPU × node:http |");
  });

  it("takes the peak V8 heap of each server's main thread and worker threads (the probe it loads into them)", () => {
    const byLabel = new Map(results.throughput.map((row) => [row.label, row.heaps]));
    for (const [label, heaps] of [...byLabel, ...results.threads.rows.map((row) => [row.stage, row.heaps] as const)]) {
      expect(heaps?.mainMb, label).toBeGreaterThan(0);
      expect(heaps?.workers.sumMb, label).toBeGreaterThanOrEqual(heaps?.workers.maxMb ?? Number.POSITIVE_INFINITY);
    }
    // The pools' four worker threads, every one sampled; no worker threads where there are none.
    for (const label of ["09-thread-pool", "10-graceful-shutdown"]) {
      expect(byLabel.get(label)?.workers.threads, label).toBe(4);
      expect(byLabel.get(label)?.workers.maxMb, label).toBeGreaterThan(0);
    }
    for (const label of ["06-refactor", "node:http"]) expect(byLabel.get(label)?.workers.threads, label).toBe(0);
    const { heaps } = results.dispatch;
    expect(heaps.mainMb).toBeGreaterThan(0);
    expect([heaps.threadPool.threads, heaps.piscina.threads]).toEqual([4, 4]);
    expect(run.stdout).toMatch(/throughput · memory · 10-graceful-shutdown: .*main thread [\d.]+ MB, 4 worker threads/);
  });

  it("sends GET / alone and during /sleep load to stages 07-10, every request answered", () => {
    const { spans } = results.settings;
    expect(results.headOfLine.map((row) => row.stage)).toEqual([
      "07-slow-request",
      "08-thread-per-request",
      "09-thread-pool",
      "10-graceful-shutdown",
    ]);
    for (const row of results.headOfLine) {
      expectAllAnswered(row.idle, spans.get, `${row.stage} GET / alone`);
      expectAllAnswered(row.busy, spans.get, `${row.stage} GET / during /sleep load`);
      expectAllAnswered(row.sleeps, spans.sleeps, `${row.stage} /sleep`);
    }
  });

  it("puts the same burst on 08 and on 09, every request answered, and runs stage 08's cost script", () => {
    expect(results.threads.rows.map((row) => row.stage)).toEqual(["08-thread-per-request", "09-thread-pool"]);
    for (const row of results.threads.rows) {
      expect(row.rounds).toHaveLength(1);
      expectAllAnswered(row.rounds[0], results.settings.spans.burst, row.stage);
    }
    expect(results.threads.startMs).toBeGreaterThan(0);
    expect(results.threads.mbPerThread).toBeGreaterThan(0);
  });

  // Linux only: threads are counted in /proc (see HAS_PROC); elsewhere the bench reports them as not counted.
  it.runIf(HAS_PROC)(
    "counts the threads: one per connection on 08, exactly the pool's 4 on 09 (Linux: threads counted in /proc)",
    () => {
      const [perConnection, pool] = results.threads.rows;
      expect(perConnection?.maxThreads).toBeGreaterThanOrEqual(1);
      expect(pool?.maxThreads).toBe(4);
    },
  );

  it("sends every job through both pools", () => {
    expect(results.dispatch.threads).toBe(4);
    expect(results.dispatch.threadPool.jobs).toBe(results.settings.jobs);
    expect(results.dispatch.piscina.jobs).toBe(results.settings.jobs);
  });

  it("writes the Markdown tables and one SVG chart per scenario", () => {
    const md = readFileSync(join(out, "results.md"), "utf8");
    for (const heading of ["## Targets", "## 1.", "## 2.", "## 3.", "## 4.", "## Memory"])
      expect(md).toContain(heading);
    for (const check of results.targets) expect(md).toContain(`| ${check.target} |`);
    const charts: Record<string, string> = {
      "throughput.svg": "10-graceful-shutdown",
      "head-of-line.svg": "07-slow-request",
      "threads.svg": "08-thread-per-request",
      "dispatch.svg": "Piscina",
    };
    for (const [file, label] of Object.entries(charts)) {
      const svg = readFileSync(join(out, file), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toContain(label);
    }
  });
});

describe("pnpm bench settings", () => {
  it("refuses a bad setting in one line, before starting anything", async () => {
    const run = await runToExit(benchDir, "src/main.ts", { BENCH_SECONDS: "soon" });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: BENCH_SECONDS must be a whole number from 1 to 60, got "soon"\n');
    expect(run.stdout).not.toContain("throughput");
  });
});
