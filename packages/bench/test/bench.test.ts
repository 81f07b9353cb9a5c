// The bench's own checks: a smoke run of `pnpm bench` end to end (short
// windows, so that it cannot rot), and its arithmetic on fixed numbers.
// Nothing here asserts a speed: the numbers vary from machine to machine.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runToExit, type Finished } from "testkit/process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Results, TargetCheck } from "../src/report.ts";

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
    for (const step of ["throughput · round 1/1 · 10-graceful-shutdown", "head-of-line · 07-slow-request", "cost of a thread · round 1/1 · 08-thread-per-request", "pool dispatch · ThreadPool"]) {
      expect(run.stdout).toContain(step);
    }
    expect(run.stdout).toContain("| target | goal | measured | met |");
  });

  it("measures every server of the throughput scenario, in the same run, without a failed request", () => {
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
      expect(row.rounds[0]?.requests).toBeGreaterThan(0);
      expect(row.errors).toBe(0);
      expect(row.peakRssMb).toBeGreaterThan(0);
    }
    expect(results.throughput.find((row) => row.label === "node:http")?.ratio).toBe(1);
  });

  it("times GET / alone and during /sleep load on stages 07-10", () => {
    expect(results.headOfLine.map((row) => row.stage)).toEqual(["07-slow-request", "08-thread-per-request", "09-thread-pool", "10-graceful-shutdown"]);
    for (const row of results.headOfLine) {
      expect(row.idle.requests).toBeGreaterThan(0);
      expect(row.busy.requests).toBeGreaterThan(0);
      expect(row.sleeps.requests).toBeGreaterThan(0);
      expect(row.busy.errors + row.sleeps.errors).toBe(0);
    }
  });

  it("counts the threads: one per connection on 08, exactly the pool's 4 on 09", () => {
    const [perConnection, pool] = results.threads.rows;
    expect(perConnection?.stage).toBe("08-thread-per-request");
    expect(perConnection?.maxThreads).toBeGreaterThanOrEqual(1);
    expect(pool?.stage).toBe("09-thread-pool");
    expect(pool?.maxThreads).toBe(4);
    expect(results.threads.startMs).toBeGreaterThan(0);
    expect(results.threads.mbPerThread).toBeGreaterThan(0);
  });

  it("sends every job through both pools", () => {
    expect(results.dispatch.threads).toBe(4);
    expect(results.dispatch.threadPool.jobs).toBe(results.settings.jobs);
    expect(results.dispatch.piscina.jobs).toBe(results.settings.jobs);
  });

  it("writes the Markdown tables and one SVG chart per scenario", () => {
    const md = readFileSync(join(out, "results.md"), "utf8");
    for (const heading of ["## Targets", "## 1.", "## 2.", "## 3.", "## 4."]) expect(md).toContain(heading);
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
