// Scenario 2: head-of-line blocking, the chapter's central lesson. `GET /`
// is timed alone (idle), then again while a few clients keep requesting
// /sleep. On stage 07 every request waits behind the sleeping one; with a
// thread per request (08) or a pool (09, 10) it does not.
import { load, type LoadResult } from "./load.ts";
import { describe, progress } from "./progress.ts";
import { startServer, stopAll, type StageName } from "./servers.ts";
import type { Settings, Span } from "./settings.ts";

export interface HeadOfLineRow {
  readonly stage: StageName;
  readonly idle: LoadResult;
  readonly busy: LoadResult;
  /** The /sleep requests answered while `busy` was measured. */
  readonly sleeps: LoadResult;
  /** `GET /` p99 during /sleep load over its idle p99. */
  readonly p99Ratio: number;
}

const STAGES: readonly StageName[] = [
  "07-slow-request",
  "08-thread-per-request",
  "09-thread-pool",
  "10-graceful-shutdown",
];

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function headOfLine(settings: Settings): Promise<HeadOfLineRow[]> {
  const rows: HeadOfLineRow[] = [];
  const { spans } = settings;
  for (const stage of STAGES) {
    const server = await startServer(stage, { SLEEP_MS: String(settings.sleepMs), TAKE: "0" });
    try {
      const get = (span: Span): Promise<LoadResult> => load({ port: server.port, connections: 1, span });
      await get(spans.warmup);
      const idle = await get(spans.get);
      progress(`head-of-line · ${stage} · GET / alone: ${describe(idle)}`);
      // The sleepers start first (and in a timed run go on a little longer than the timed window).
      const sleeping = load({ port: server.port, path: "/sleep", connections: settings.sleepers, span: spans.sleeps });
      await pause(2 * settings.sleepMs);
      const busy = await get(spans.get);
      const sleeps = await sleeping;
      progress(`head-of-line · ${stage} · GET / with ${settings.sleepers} clients on /sleep: ${describe(busy)}`);
      rows.push({ stage, idle, busy, sleeps, p99Ratio: busy.p99Ms / idle.p99Ms });
    } finally {
      await stopAll([server]);
    }
  }
  return rows;
}
