// The bench's arithmetic and its verdicts, on fixed numbers.
import { EventEmitter } from "node:events";
import type autocannon from "autocannon";
import { describe, expect, it } from "vitest";
import { HAS_PROC } from "testkit/process";
import {
  DEFAULT_TICKS_PER_SECOND,
  clockTicksPerSecond,
  cpuTicks,
  expectNodeProcess,
  parseTickRate,
  statTicks,
  ticksToMs,
} from "../src/cpu.ts";
import { reconnectWithEmptyQueue, type LoadResult } from "../src/load.ts";
import { checkTargets, markdown, memoryTable, throughputTable, type Results } from "../src/report.ts";
import { benchSettings } from "../src/settings.ts";
import { median, percentile } from "../src/stats.ts";

describe("cpu", () => {
  it("reads utime + stime from a /proc/<pid>/stat line, whatever the command name holds", () => {
    const tail = "S 1 2 3 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 11 0 42 1000000 5000 18446744073709551615";
    expect(statTicks(`4242 (node) ${tail}`)).toBe(1234 + 567);
    expect(statTicks(`4242 (a b) c) ${tail}`)).toBe(1234 + 567);
    expect(() => statTicks("not a stat line")).toThrow(/stat/);
  });

  it("takes getconf's tick rate, or 100 when it has none", () => {
    expect(parseTickRate("100\n")).toBe(100);
    expect(parseTickRate("1000")).toBe(1000);
    expect(parseTickRate(undefined)).toBe(DEFAULT_TICKS_PER_SECOND);
    expect(parseTickRate("undefined\n")).toBe(100);
  });

  it.runIf(HAS_PROC)("reads this process's own CPU time, in clock ticks (Linux: from /proc)", () => {
    const ticks = cpuTicks(process.pid);
    expect(Number.isInteger(ticks)).toBe(true);
    expect(ticks).toBeGreaterThan(0);
    const { user, system } = process.cpuUsage();
    expect(ticksToMs(ticks)).toBeLessThanOrEqual((user + system) / 1000 + 1000 / clockTicksPerSecond());
    expect(ticksToMs(3)).toBe((3 * 1000) / clockTicksPerSecond());
    expect(() => expectNodeProcess(process.pid, "this test")).not.toThrow();
  });
});

describe("stats", () => {
  it("takes medians and nearest-rank percentiles", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

const loadResult = (p99Ms: number): LoadResult => ({
  requests: 10,
  perSecond: 10,
  p50Ms: p99Ms / 2,
  p99Ms,
  maxMs: p99Ms,
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  unanswered: 0,
});

function fixture(over: {
  ratio10: number;
  ratio09: number;
  busy07: number;
  busy09: number;
  dispatchRatio: number;
  rss10: number;
}): Results {
  const settings = { ...benchSettings({}), sleepMs: 250 };
  const row = (label: string, ratio: number, peakRssMb = 100) => ({
    label,
    keepAlive: false,
    rounds: [{ ...loadResult(2), cpuMs: 4, cpuUsPerRequest: 400 / ratio }],
    perSecond: 1000 * ratio,
    p50Ms: 1,
    p99Ms: 2,
    ratio,
    cpuUsPerRequest: 400 / ratio,
    cpuRatio: 1 / ratio,
    peakRssMb,
    heaps:
      label === "node:http"
        ? { mainMb: 5.2, workers: { threads: 0, sumMb: 0, maxMb: 0 } }
        : { mainMb: 12.3, workers: { threads: 4, sumMb: 41.6, maxMb: 10.9 } },
    errors: 0,
  });
  const hol = (stage: "07-slow-request" | "09-thread-pool", busy: number) => ({
    stage,
    idle: loadResult(2),
    busy: loadResult(busy),
    sleeps: loadResult(250),
    p99Ratio: busy / 2,
  });
  return {
    date: "2026-11-24T00:00:00.000Z",
    machine: { cores: 2, cpu: "test CPU", memoryGb: 24, node: "v24.21.0", platform: "linux x64" },
    settings,
    throughput: [
      row("09-thread-pool", over.ratio09),
      row("10-graceful-shutdown", over.ratio10, over.rss10),
      row("node:http", 1),
    ],
    headOfLine: [hol("07-slow-request", over.busy07), hol("09-thread-pool", over.busy09)],
    threads: { startMs: 60, mbPerThread: 21, rows: [] },
    dispatch: {
      threads: 4,
      threadPool: { jobs: 10, seconds: 1, perSecond: 10 },
      piscina: { jobs: 10, seconds: 1, perSecond: 10 },
      ratio: over.dispatchRatio,
      heaps: {
        mainMb: 8.4,
        threadPool: { threads: 4, sumMb: 30, maxMb: 7.6 },
        piscina: { threads: 4, sumMb: 28.1, maxMb: 7.1 },
      },
    },
  };
}

describe("checkTargets", () => {
  it("meets a target exactly at its bound", () => {
    const checks = checkTargets(
      fixture({ ratio10: 1, ratio09: 1, busy07: 250, busy09: 4, dispatchRatio: 1.3, rss10: 150 }),
    );
    expect(checks.map((check) => check.met)).toEqual([true, true, true, true, true, true]);
  });

  it("misses each target just past its bound", () => {
    const checks = checkTargets(
      fixture({ ratio10: 0.99, ratio09: 0.5, busy07: 249, busy09: 4.2, dispatchRatio: 1.29, rss10: 151 }),
    );
    expect(checks.map((check) => [check.target, check.met])).toEqual([
      ["10-graceful-shutdown GET / throughput, one connection per request", false],
      ["09-thread-pool GET / throughput, one connection per request", false],
      ["07-slow-request GET / p99 during /sleep load", false],
      ["09-thread-pool GET / p99 during /sleep load", false],
      ["ThreadPool dispatch of no-op jobs", false],
      ["10-graceful-shutdown peak RSS under load, 4 workers", false],
    ]);
    expect(checks[0]?.measured).toBe("0.99×");
    expect(checks[4]?.measured).toBe("1.29×");
    expect(checks[5]?.measured).toBe("1.51× (151 MB vs 100 MB)");
  });

  it("puts every target, met or not, in the Markdown", () => {
    const results = fixture({ ratio10: 0.5, ratio09: 1.2, busy07: 300, busy09: 3, dispatchRatio: 1.1, rss10: 200 });
    const md = markdown(results, checkTargets(results));
    expect(md).toContain(
      "| 10-graceful-shutdown GET / throughput, one connection per request | ≥ 1.00× node:http | 0.50× | **no** |",
    );
    expect(md).toContain(
      "| 09-thread-pool GET / throughput, one connection per request | ≥ 1.00× node:http | 1.20× | yes |",
    );
    expect(md).toContain("2026-11-24 on 2 cores (test CPU), 24 GB, Node.js v24.21.0, linux x64");
  });

  it("puts each server's CPU per request and its ratio to node:http's beside its req/s", () => {
    const results = fixture({ ratio10: 0.5, ratio09: 1.25, busy07: 300, busy09: 3, dispatchRatio: 1.1, rss10: 200 });
    const table = throughputTable(results);
    expect(table).toContain("| server | req/s | × node:http | CPU/request | CPU × node:http | p50 | p99 | peak RSS |");
    expect(table).toContain("| 10-graceful-shutdown | 500 | 0.50× | 800 µs | 2.00× | 1.00 ms | 2.00 ms | 200 MB |");
    expect(table).toContain("| 09-thread-pool | 1,250 | 1.25× | 320 µs | 0.80× |");
    expect(table).toContain("| node:http | 1,000 | 1.00× | 400 µs | 1.00× |");
  });

  it("puts each server's peak RSS beside its threads' peak heaps in a memory table", () => {
    const results = fixture({ ratio10: 0.5, ratio09: 1, busy07: 300, busy09: 3, dispatchRatio: 1, rss10: 200 });
    const table = memoryTable(results);
    expect(table).toContain(
      "| server | load | peak RSS | main thread heap | worker threads sampled | worker heaps together | largest worker heap |",
    );
    expect(table).toContain(
      "| 10-graceful-shutdown | 1. GET /, 10 clients | 200 MB | 12.3 MB | 4 | 41.6 MB | 10.9 MB |",
    );
    expect(table).toContain("| node:http | 1. GET /, 10 clients | 100 MB | 5.2 MB | none | – | – |");
    expect(table).toContain(
      "| ThreadPool (stage 10) | 4. 10 no-op jobs | – | 8.4 MB (both pools) | 4 | 30 MB | 7.6 MB |",
    );
    expect(table).toContain("| Piscina | 4. 10 no-op jobs | – | 8.4 MB (both pools) | 4 | 28.1 MB | 7.1 MB |");
    expect(markdown(results, checkTargets(results))).toContain(
      `## Memory: peak RSS, and the V8 heap of each thread\n\n${table}`,
    );
    const withoutSample = { ...results, throughput: results.throughput.map((row) => ({ ...row, heaps: null })) };
    expect(memoryTable(withoutSample)).toContain(
      "| node:http | 1. GET /, 10 clients | 100 MB | n/a (no sample) | n/a (no sample) | n/a (no sample) | n/a (no sample) |",
    );
  });

  it("writes n/a where there is no /proc to read CPU time from", () => {
    const results = fixture({ ratio10: 0.5, ratio09: 1, busy07: 300, busy09: 3, dispatchRatio: 1, rss10: 200 });
    const withoutProc = {
      ...results,
      throughput: results.throughput.map((row) => ({ ...row, cpuUsPerRequest: null, cpuRatio: null, peakRssMb: null })),
    };
    expect(throughputTable(withoutProc)).toContain(
      "| 10-graceful-shutdown | 500 | 0.50× | n/a (no /proc) | n/a (no /proc) | 1.00 ms | 2.00 ms | n/a (no /proc) |",
    );
  });
});

describe("reconnectWithEmptyQueue", () => {
  /** The internals of autocannon's client that the workaround touches, on a real EventEmitter. */
  class FakeClient extends EventEmitter {
    readonly calls: string[] = [];
    queued = 0;
    reqsMade = 0;
    conn: object | undefined;
    readonly pipelinedRequests = {
      size: (): number => this.queued,
      clear: (): void => {
        this.calls.push("clear");
        this.queued = 0;
      },
    };
    _connect(): void {
      this.calls.push("connect");
      this.conn = {};
    }
    /** What autocannon does for one request on the current connection. */
    send(): void {
      this.queued += 1;
      this.reqsMade += 1;
    }
  }
  const setUp = (): { client: FakeClient; unanswered: () => number } => {
    const client = new FakeClient();
    let unanswered = 0;
    reconnectWithEmptyQueue(client as unknown as autocannon.Client, () => unanswered++);
    return { client, unanswered: () => unanswered };
  };

  it("empties the client's request queue each time it connects again, and does not count the dropped request as made", () => {
    const { client, unanswered } = setUp();
    client._connect(); // the first connection
    client.send();
    client.emit("response"); // answered; autocannon writes its next request at once
    client.queued -= 1;
    client.send();
    client._connect(); // the server closed the connection
    expect(client.calls).toEqual(["clear", "connect", "clear", "connect"]);
    expect(client.reqsMade).toBe(1); // so that `amount` counts answered requests
    expect(unanswered()).toBe(0);
  });

  it("reports a connection that the server closed without answering, unless it failed with an error", () => {
    const { client, unanswered } = setUp();
    client._connect();
    client.send();
    client._connect(); // closed with no response
    expect(unanswered()).toBe(1);
    client.send();
    client.emit("connError", new Error("reset")); // autocannon counts this one as an error
    client._connect();
    expect(unanswered()).toBe(1);
  });

  it("refuses a client without the internals it relies on", () => {
    expect(() => reconnectWithEmptyQueue({} as autocannon.Client)).toThrow(/autocannon/);
  });
});
