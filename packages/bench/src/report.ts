// What a run found: the raw results (JSON), the targets of issue 4 checked
// against them, and the Markdown tables for docs/bench and the README.
import type { Dispatch } from "./dispatch.ts";
import type { HeadOfLineRow } from "./head-of-line.ts";
import { NOT_MEASURED, NO_SAMPLE, mb, ms, times, us, whole } from "./format.ts";
import type { ServerHeaps, WorkerHeaps } from "./heaps.ts";
import type { Settings } from "./settings.ts";
import type { ThreadCost } from "./threads.ts";
import { BASELINE, type ThroughputRow } from "./throughput.ts";

interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
}

export interface Results {
  readonly date: string;
  readonly machine: Machine;
  readonly settings: Settings;
  readonly throughput: readonly ThroughputRow[];
  readonly headOfLine: readonly HeadOfLineRow[];
  readonly threads: ThreadCost;
  readonly dispatch: Dispatch;
}

export interface TargetCheck {
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

/** Stage 10's pool against Piscina: at least this many times its jobs per second. */
const DISPATCH_GOAL = 1.3;
/** Stage 10's peak RSS under load: at most this many times node:http's peak in the same run. */
const RSS_GOAL = 1.5;

export function checkTargets(results: Results): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const label of ["10-graceful-shutdown", "09-thread-pool"]) {
    const row = results.throughput.find((entry) => entry.label === label);
    if (row) {
      checks.push({
        target: `${label} GET / throughput, one connection per request`,
        goal: `≥ ${times(1)} ${BASELINE}`,
        measured: times(row.ratio),
        met: row.ratio >= 1,
      });
    }
  }
  for (const row of results.headOfLine) {
    if (row.stage === "07-slow-request") {
      const sleep = results.settings.sleepMs;
      checks.push({
        target: `${row.stage} GET / p99 during /sleep load`,
        goal: `≥ the sleep, ${ms(sleep)}`,
        measured: ms(row.busy.p99Ms),
        met: row.busy.p99Ms >= sleep,
      });
    } else if (row.stage === "09-thread-pool" || row.stage === "10-graceful-shutdown") {
      checks.push({
        target: `${row.stage} GET / p99 during /sleep load`,
        goal: `≤ ${times(2)} its idle p99`,
        measured: `${times(row.p99Ratio)} (${ms(row.busy.p99Ms)} vs ${ms(row.idle.p99Ms)})`,
        met: row.p99Ratio <= 2,
      });
    }
  }
  checks.push({
    target: "ThreadPool dispatch of no-op jobs",
    goal: `≥ ${times(DISPATCH_GOAL)} Piscina`,
    measured: times(results.dispatch.ratio),
    met: results.dispatch.ratio >= DISPATCH_GOAL,
  });
  // Memory is read from /proc; where there is none (not Linux), this target is not measured.
  const stage10 = results.throughput.find((entry) => entry.label === "10-graceful-shutdown");
  const baseline = results.throughput.find((entry) => entry.label === BASELINE);
  if (stage10?.peakRssMb != null && baseline?.peakRssMb != null) {
    const ratio = stage10.peakRssMb / baseline.peakRssMb;
    checks.push({
      target: "10-graceful-shutdown peak RSS under load, 4 workers",
      goal: `≤ ${times(RSS_GOAL)} ${BASELINE}'s peak`,
      measured: `${times(ratio)} (${mb(stage10.peakRssMb)} vs ${mb(baseline.peakRssMb)})`,
      met: ratio <= RSS_GOAL,
    });
  }
  return checks;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function machineLine(results: Results): string {
  const { machine } = results;
  return `${results.date.slice(0, 10)} on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node.js ${machine.node}, ${machine.platform}`;
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ["target", "goal", "measured", "met"],
    checks.map((check) => [check.target, check.goal, check.measured, check.met ? "yes" : "**no**"]),
  );
}

export function throughputTable(results: Results): string {
  return table(
    ["server", "req/s", `× ${BASELINE}`, "CPU/request", `CPU × ${BASELINE}`, "p50", "p99", "peak RSS"],
    results.throughput.map((row) => [
      row.keepAlive ? `${row.label} (reference)` : row.label,
      whole(row.perSecond),
      times(row.ratio),
      us(row.cpuUsPerRequest),
      row.cpuRatio !== null ? times(row.cpuRatio) : row.cpuUsPerRequest === null ? NOT_MEASURED : "n/a",
      ms(row.p50Ms),
      ms(row.p99Ms),
      mb(row.peakRssMb),
    ]),
  );
}

function headOfLineTable(results: Results): string {
  return table(
    [
      "stage",
      "p50 alone",
      "p99 alone",
      "p50 during /sleep",
      "p99 during /sleep",
      "p99 ratio",
      "GET / answered",
      "/sleep answered",
    ],
    results.headOfLine.map((row) => [
      row.stage,
      ms(row.idle.p50Ms),
      ms(row.idle.p99Ms),
      ms(row.busy.p50Ms),
      ms(row.busy.p99Ms),
      times(row.p99Ratio),
      whole(row.busy.requests),
      whole(row.sleeps.requests),
    ]),
  );
}

function threadsTable(results: Results): string {
  return table(
    ["stage", "clients", "conn/s", "threads at most", "peak RSS"],
    results.threads.rows.map((row) => [
      row.stage,
      whole(row.connections),
      whole(row.perSecond),
      row.maxThreads === null ? NOT_MEASURED : whole(row.maxThreads),
      mb(row.peakRssMb),
    ]),
  );
}

function dispatchTable(results: Results): string {
  const { dispatch } = results;
  return table(
    ["pool", "threads", "jobs", "jobs/s", "× Piscina"],
    [
      [
        "ThreadPool (stage 10)",
        whole(dispatch.threads),
        whole(dispatch.threadPool.jobs),
        whole(dispatch.threadPool.perSecond),
        times(dispatch.ratio),
      ],
      ["Piscina", whole(dispatch.threads), whole(dispatch.piscina.jobs), whole(dispatch.piscina.perSecond), times(1)],
    ],
  );
}

/** A group of worker threads' heaps: how many were sampled, together at the peak, the largest. */
const workerCells = (workers: WorkerHeaps): string[] =>
  workers.threads === 0 ? ["none", "–", "–"] : [whole(workers.threads), mb(workers.sumMb), mb(workers.maxMb)];
const heapCells = (heaps: ServerHeaps | null): string[] =>
  heaps === null ? Array<string>(4).fill(NO_SAMPLE) : [mb(heaps.mainMb), ...workerCells(heaps.workers)];

/** Each server's peak RSS beside the peak V8 heaps of its threads, for scenarios 1, 3 and 4. */
export function memoryTable(results: Results): string {
  const { settings, dispatch } = results;
  const shared = (heap: number): string => `${mb(heap)} (both pools)`;
  return table(
    [
      "server",
      "load",
      "peak RSS",
      "main thread heap",
      "worker threads sampled",
      "worker heaps together",
      "largest worker heap",
    ],
    [
      ...results.throughput
        .filter((row) => !row.keepAlive) // the keep-alive reference is node:http's server again
        .map((row) => [
          row.label,
          `1. GET /, ${whole(settings.connections)} clients`,
          mb(row.peakRssMb),
          ...heapCells(row.heaps),
        ]),
      ...results.threads.rows.map((row) => [
        row.stage,
        `3. ${whole(row.connections)} clients`,
        mb(row.peakRssMb),
        ...heapCells(row.heaps),
      ]),
      [
        "ThreadPool (stage 10)",
        `4. ${whole(dispatch.threadPool.jobs)} no-op jobs`,
        "–",
        shared(dispatch.heaps.mainMb),
        ...workerCells(dispatch.heaps.threadPool),
      ],
      [
        "Piscina",
        `4. ${whole(dispatch.piscina.jobs)} no-op jobs`,
        "–",
        shared(dispatch.heaps.mainMb),
        ...workerCells(dispatch.heaps.piscina),
      ],
    ],
  );
}

/** docs/bench/results.md: every table of the run. */
export function markdown(results: Results, checks: readonly TargetCheck[]): string {
  const { settings } = results;
  return `# pnpm bench

${machineLine(results)}. ${settings.smoke ? "A smoke run: each load is a fixed number of requests, not a time window, and too short to mean much" : `Windows of ${settings.seconds} s, ${settings.rounds} rounds`}.

## Targets

${targetsTable(checks)}

## 1. \`GET /\`, one connection per request (${settings.connections} clients)

${throughputTable(results)}

CPU/request: the server process's CPU time (user + system, all its threads) over each measured window, divided by the responses of that window; like req/s, the median over the rounds.

## 2. Head-of-line blocking: \`GET /\` alone, then while ${settings.sleepers} clients keep requesting \`/sleep\` (SLEEP_MS=${settings.sleepMs})

${headOfLineTable(results)}

## 3. The cost of a thread

Starting one worker thread, ready to handle a connection: ${ms(results.threads.startMs)} (median). Each idle thread holds ${mb(results.threads.mbPerThread)}.

${threadsTable(results)}

## 4. Pool dispatch: no-op jobs (a connection moved to a thread, closed at once)

${dispatchTable(results)}

## Memory: peak RSS, and the V8 heap of each thread

${memoryTable(results)}

Peak RSS is the server process's, over its scenario (Linux: \`VmHWM\`). The heaps are V8's \`used_heap_size\` at its peak, for the main thread and for each worker thread, sampled every 100 ms by a module that the bench loads into each server (\`src/heap-probe.ts\`); "together" is the largest total of the worker threads' heaps in one sample, and a thread that lives less than 100 ms may not be sampled at all (stage 08's, one per connection). Scenario 4's pools run in one process, whose main thread serves both.
`;
}
