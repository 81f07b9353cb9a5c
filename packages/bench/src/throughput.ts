// Scenario 1: throughput and latency of `GET /` with one connection per
// request, as the book's server has it, for stages 06, 08, 09 and 10 and
// for node:http in the same run; node:http with keep-alive as a reference.
// The servers are measured in turn, round after round (A B C … A B C …),
// so that a machine growing slower or faster affects them all alike; each
// figure is the median over the rounds.
import { HAS_PROC, type RunningStage } from "testkit/process";
import { failures, load, type LoadResult } from "./load.ts";
import { describe, progress } from "./progress.ts";
import { startNodeHttp, startServer, stopAll } from "./servers.ts";
import type { Settings, Span } from "./settings.ts";
import { median, megabytes } from "./stats.ts";

export interface ThroughputRow {
  readonly label: string;
  readonly keepAlive: boolean;
  readonly rounds: readonly LoadResult[];
  /** Medians over the rounds. */
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** `perSecond` over node:http's (one connection per request), both medians over the same interleaved rounds. */
  readonly ratio: number;
  /** Peak resident memory of the server process over the whole run, in MB; null where there is no /proc to read it from. */
  readonly peakRssMb: number | null;
  readonly errors: number;
}

export const BASELINE = "node:http";

interface Target {
  readonly label: string;
  readonly start: () => Promise<RunningStage>;
  readonly keepAlive?: boolean;
  /** Share the server of another target (node:http serves both ways). */
  readonly sameServerAs?: string;
}

const TARGETS: readonly Target[] = [
  { label: "06-refactor", start: () => startServer("06-refactor") },
  { label: "08-thread-per-request", start: () => startServer("08-thread-per-request") },
  { label: "09-thread-pool", start: () => startServer("09-thread-pool") },
  { label: "10-graceful-shutdown", start: () => startServer("10-graceful-shutdown", { TAKE: "0" }) },
  { label: BASELINE, start: startNodeHttp },
  { label: `${BASELINE} keep-alive`, start: startNodeHttp, keepAlive: true, sameServerAs: BASELINE },
];

export async function throughput(settings: Settings): Promise<ThroughputRow[]> {
  const servers = new Map<string, RunningStage>();
  try {
    for (const target of TARGETS) {
      if (target.sameServerAs) continue;
      servers.set(target.label, await target.start());
    }
    const serverOf = (target: Target): RunningStage => servers.get(target.sameServerAs ?? target.label) as RunningStage;
    const measure = (target: Target, span: Span): Promise<LoadResult> =>
      load({ port: serverOf(target).port, connections: settings.connections, span, keepAlive: target.keepAlive ?? false });

    for (const target of TARGETS) {
      progress(`throughput · warming up ${target.label}`);
      await measure(target, settings.spans.warmup);
    }
    const results = new Map<string, LoadResult[]>(TARGETS.map((target) => [target.label, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const target of TARGETS) {
        const result = await measure(target, settings.spans.throughput);
        results.get(target.label)?.push(result);
        progress(`throughput · round ${round}/${settings.rounds} · ${target.label}: ${describe(result)}`);
      }
    }

    const baseline = median((results.get(BASELINE) ?? []).map((result) => result.perSecond));
    return TARGETS.map((target) => {
      const rounds = results.get(target.label) ?? [];
      const perSecond = rounds.map((result) => result.perSecond);
      return {
        label: target.label,
        keepAlive: target.keepAlive ?? false,
        rounds,
        perSecond: median(perSecond),
        p50Ms: median(rounds.map((result) => result.p50Ms)),
        p99Ms: median(rounds.map((result) => result.p99Ms)),
        ratio: median(perSecond) / baseline,
        peakRssMb: HAS_PROC ? megabytes(serverOf(target).peakMemory()) : null,
        errors: rounds.reduce((sum, result) => sum + failures(result), 0),
      };
    });
  } finally {
    await stopAll(servers.values());
  }
}
