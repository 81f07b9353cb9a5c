// Scenario 1: throughput and latency of `GET /` with one connection per
// request, as the book's server has it, for stages 06, 08, 09 and 10 and
// for node:http in the same run; node:http with keep-alive as a reference.
// The servers are measured in turn, round after round (A B C … A B C …),
// so that a machine growing slower or faster affects them all alike; each
// figure is the median over the rounds. Each server's CPU time is read at
// the start and the end of each measured window (Linux: /proc), for the
// CPU it spent per response, a cost that the load generator sharing the
// machine does not skew as much as it does the rate.
import { HAS_PROC } from "testkit/process";
import { cpuTicks, expectNodeProcess, ticksToMs } from "./cpu.ts";
import { us } from "./format.ts";
import type { ServerHeaps } from "./heaps.ts";
import { failures, load, type LoadResult } from "./load.ts";
import { describe, memoryLine, progress } from "./progress.ts";
import { startNodeHttp, startServer, stopAll, type Server } from "./servers.ts";
import type { Settings, Span } from "./settings.ts";
import { median, megabytes } from "./stats.ts";

/** One measured window, with the server's CPU time over it; null where there is no /proc to read it from. */
export interface ThroughputRound extends LoadResult {
  /** CPU time (user + system, all threads) the server process used during the window, in ms. */
  readonly cpuMs: number | null;
  /** `cpuMs` per response of the window, in µs. */
  readonly cpuUsPerRequest: number | null;
}

export interface ThroughputRow {
  readonly label: string;
  readonly keepAlive: boolean;
  readonly rounds: readonly ThroughputRound[];
  /** Medians over the rounds. */
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** `perSecond` over node:http's (one connection per request), both medians over the same interleaved rounds. */
  readonly ratio: number;
  /** CPU time of the server per response, in µs: the median over the rounds; null without /proc. */
  readonly cpuUsPerRequest: number | null;
  /** `cpuUsPerRequest` over node:http's (one connection per request), both medians; null without /proc. */
  readonly cpuRatio: number | null;
  /** Peak resident memory of the server process over the whole run, in MB; null where there is no /proc to read it from. */
  readonly peakRssMb: number | null;
  /** Peak V8 heaps in use of the server's main thread and worker threads over the whole run (heap-probe.ts); null if the probe left none. */
  readonly heaps: ServerHeaps | null;
  readonly errors: number;
}

export const BASELINE = "node:http";

interface Target {
  readonly label: string;
  readonly start: () => Promise<Server>;
  readonly keepAlive?: boolean;
}

const TARGETS: readonly Target[] = [
  { label: "06-refactor", start: () => startServer("06-refactor") },
  { label: "08-thread-per-request", start: () => startServer("08-thread-per-request") },
  { label: "09-thread-pool", start: () => startServer("09-thread-pool") },
  { label: "10-graceful-shutdown", start: () => startServer("10-graceful-shutdown", { TAKE: "0" }) },
  { label: BASELINE, start: startNodeHttp },
  { label: `${BASELINE} keep-alive`, start: startNodeHttp, keepAlive: true },
];

export async function throughput(settings: Settings): Promise<ThroughputRow[]> {
  const servers = new Map<string, Server>();
  try {
    for (const target of TARGETS) {
      servers.set(target.label, await target.start());
    }
    const serverOf = (target: Target): Server => servers.get(target.label) as Server;
    if (HAS_PROC) for (const [label, server] of servers) expectNodeProcess(server.pid, label);
    const measure = (target: Target, span: Span): Promise<LoadResult> =>
      load({
        port: serverOf(target).port,
        connections: settings.connections,
        span,
        keepAlive: target.keepAlive ?? false,
      });
    /** A measured window: the load, between two readings of the server's CPU time. */
    const measureRound = async (target: Target): Promise<ThroughputRound> => {
      const cpu = (): number | null => (HAS_PROC ? cpuTicks(serverOf(target).pid) : null);
      const before = cpu();
      const result = await measure(target, settings.spans.throughput);
      const after = cpu();
      const cpuMs = before === null || after === null ? null : ticksToMs(after - before);
      return {
        ...result,
        cpuMs,
        cpuUsPerRequest: cpuMs === null || result.requests === 0 ? null : (cpuMs * 1000) / result.requests,
      };
    };

    for (const target of TARGETS) {
      progress(`throughput · warming up ${target.label}`);
      await measure(target, settings.spans.warmup);
    }
    const results = new Map<string, ThroughputRound[]>(TARGETS.map((target) => [target.label, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const target of TARGETS) {
        const result = await measureRound(target);
        results.get(target.label)?.push(result);
        const cpu = HAS_PROC ? `, ${us(result.cpuUsPerRequest, "n/a")} CPU/request` : "";
        progress(`throughput · round ${round}/${settings.rounds} · ${target.label}: ${describe(result)}${cpu}`);
      }
    }

    // Memory: each server's peaks over the whole run (warm-up included), read once its rounds are over.
    const memory = new Map<string, { peakRssMb: number | null; heaps: ServerHeaps | null }>();
    const heaps = await Promise.all([...servers.values()].map((server) => server.heaps()));
    [...servers].forEach(([label, server], index) => {
      const peaks = { peakRssMb: HAS_PROC ? megabytes(server.peakMemory()) : null, heaps: heaps[index] ?? null };
      memory.set(label, peaks);
      progress(`throughput · memory · ${label}: ${memoryLine(peaks.peakRssMb, peaks.heaps)}`);
    });

    const baselineRounds = results.get(BASELINE) ?? [];
    const baseline = median(baselineRounds.map((result) => result.perSecond));
    const baselineCpu = cpuMedian(baselineRounds);
    return TARGETS.map((target) => {
      const rounds = results.get(target.label) ?? [];
      const perSecond = rounds.map((result) => result.perSecond);
      const cpuUsPerRequest = cpuMedian(rounds);
      return {
        label: target.label,
        keepAlive: target.keepAlive ?? false,
        rounds,
        perSecond: median(perSecond),
        p50Ms: median(rounds.map((result) => result.p50Ms)),
        p99Ms: median(rounds.map((result) => result.p99Ms)),
        ratio: median(perSecond) / baseline,
        cpuUsPerRequest,
        cpuRatio:
          cpuUsPerRequest === null || baselineCpu === null || baselineCpu <= 0 ? null : cpuUsPerRequest / baselineCpu,
        peakRssMb: memory.get(target.label)?.peakRssMb ?? null,
        heaps: memory.get(target.label)?.heaps ?? null,
        errors: rounds.reduce((sum, result) => sum + failures(result), 0),
      };
    });
  } finally {
    await stopAll(servers.values());
  }
}

/** The median CPU per request over the rounds; null when a round has none (no /proc, or no response). */
function cpuMedian(rounds: readonly ThroughputRound[]): number | null {
  const values = rounds.map((round) => round.cpuUsPerRequest);
  return values.length > 0 && values.every((value) => value !== null) ? median(values as number[]) : null;
}
