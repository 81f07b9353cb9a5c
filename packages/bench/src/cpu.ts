// CPU time of a server process, read from /proc/<pid>/stat: user plus
// system time of all its threads (the main one, the worker threads, libuv's,
// V8's), including threads that have already ended. Sampled at the start
// and at the end of a measured window, it gives what the server spent on
// the responses of that window, whatever the load generator costs.
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";

/** The tick rate when `getconf CLK_TCK` does not say: Linux's USER_HZ on every common architecture. */
export const DEFAULT_TICKS_PER_SECOND = 100;

/** `getconf CLK_TCK`'s output as a rate, or the default when there is no usable number. */
export function parseTickRate(output: string | undefined): number {
  const rate = Number(output?.trim());
  return Number.isInteger(rate) && rate > 0 ? rate : DEFAULT_TICKS_PER_SECOND;
}

let ticksPerSecond: number | undefined;

/** The unit of the times in /proc/<pid>/stat (clock ticks per second), asked of `getconf` once. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    let output: string | undefined;
    try {
      output = execFileSync("getconf", ["CLK_TCK"], {
        encoding: "utf8",
        timeout: 5_000,
        stdio: ["ignore", "pipe", "ignore"],
      });
    } catch {
      // no getconf: the default
    }
    ticksPerSecond = parseTickRate(output);
  }
  return ticksPerSecond;
}

/**
 * utime + stime, in clock ticks, from the text of /proc/<pid>/stat: fields
 * 14 and 15. The second field is the command name in parentheses, which
 * may hold spaces and parentheses itself, so the fields are counted from
 * the last `)`.
 */
export function statTicks(stat: string): number {
  const close = stat.lastIndexOf(")");
  // After the name: field 3 (state) onwards, so field n is at n - 3.
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (close === -1 || !Number.isInteger(utime) || !Number.isInteger(stime))
    throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 120)}`);
  return utime + stime;
}

/** Clock ticks of CPU that process `pid` has used so far, all its threads together. Needs /proc. */
export function cpuTicks(pid: number): number {
  return statTicks(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** Clock ticks in ms (whole ticks are subtracted first, so that a difference carries no rounding error). */
export const ticksToMs = (ticks: number): number => (ticks * 1000) / clockTicksPerSecond();

/**
 * Refuse a pid that is not a process of the Node.js running the bench (a
 * shell or pnpm in between would be measured instead of the server, and
 * would use next to no CPU). Needs /proc.
 */
export function expectNodeProcess(pid: number, what: string): void {
  let exe: string;
  try {
    exe = realpathSync(`/proc/${pid}/exe`);
  } catch (error) {
    throw new Error(
      `cannot tell what process ${pid} (${what}) runs: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (exe !== realpathSync(process.execPath)) {
    throw new Error(
      `process ${pid} of ${what} runs ${exe}, not this Node.js (${process.execPath}): its CPU time would not be the server's`,
    );
  }
}
