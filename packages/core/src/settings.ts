// The settings of the later stages (see ../../../README.md). Each reads the
// environment when called. On the main thread, a bad value ends the program
// at start with one line that names the variable (exit code 1); on a worker
// thread it throws, since process.exit there would end only that thread.

import { isMainThread } from "node:worker_threads";
import { intSetting, type Env } from "./config.ts";
import { StartupError, exitWithError } from "./fatal.ts";

function orExit(read: () => number): number {
  try {
    return read();
  } catch (error) {
    if (error instanceof StartupError && isMainThread) exitWithError(error.message);
    throw error;
  }
}

/**
 * Any whole-number setting `name` from the environment (see `intSetting`),
 * ending the program at start with one line when it is not valid, as the
 * settings below do: for a script's own settings, such as 08's `cost`.
 */
export function wholeNumberSetting(
  name: string,
  fallback: number,
  range: { min: number; max: number },
  env: Env = process.env,
): number {
  return orExit(() => intSetting(env, name, fallback, range));
}

/** `SLEEP_MS`: how long `/sleep` takes, in milliseconds (07 on); the book's 5 s by default. */
export function sleepMs(env: Env = process.env): number {
  return orExit(() => intSetting(env, "SLEEP_MS", 5_000, { min: 0, max: 600_000 }));
}

/**
 * `POOL_SIZE`: how many workers the pool has (09 on); 4 by default. Zero is
 * let through on purpose: refusing it is the ThreadPool's own lesson.
 */
export function poolSize(env: Env = process.env): number {
  return orExit(() => intSetting(env, "POOL_SIZE", 4, { min: 0, max: 256 }));
}

/**
 * `TAKE`: how many connections stage 10 accepts before it shuts down; 2 by
 * default, as in the book. `0` means no limit and gives `Infinity`.
 */
export function connectionLimit(env: Env = process.env): number {
  const limit = orExit(() => intSetting(env, "TAKE", 2, { min: 0, max: Number.MAX_SAFE_INTEGER }));
  return limit === 0 ? Infinity : limit;
}
