// The 2018 edition's form of this stage (src/2018/): the pool sends one
// `Terminate` per worker down its channel, then joins each worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  describeBookClaims,
  get,
  listening,
  runToExit,
  stageDirOf,
  startStage,
  within,
  type Response,
  type RunningStage,
} from "testkit";

const dir = stageDirOf(import.meta.url);
const SCRIPT = "src/2018/main.ts";
const start = (env: Record<string, string>): Promise<RunningStage> => startStage(dir, env, SCRIPT);

const lines = (running: RunningStage): string[] => running.stdout().split("\n");
const jobLines = (running: RunningStage): string[] =>
  lines(running).filter((line) => / got a job; executing\.$/.test(line));

/** A request, checked to come back whole: status, length and page; `answered` is set when it does. */
function wholePage(
  running: RunningStage,
  path: string,
): { readonly answered: () => boolean; readonly done: Promise<void> } {
  let answered = false;
  const done = get(running.port, path, 30_000).then((response: Response) => {
    answered = true;
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    expect(response.body.length).toBe(Number(response.headers.get("content-length")));
    expect(response.body.toString()).toContain("Hello!");
  });
  return { answered: () => answered, done };
}

/**
 * The 2018 shutdown lines, checked only for what must hold (the book says
 * the interleaving varies): `Shutting down.`, `Sending terminate message to
 * all workers.` and `Shutting down all workers.`, once each and in that
 * order; then `Shutting down worker 0…` in order; each worker's `was told
 * to terminate.` once, after the pool began sending the terminate messages
 * and before it goes on to the next worker, since it waits for that
 * worker's thread to exit; and each worker's jobs before its terminate line.
 */
function expectShutdownLines(running: RunningStage, size = 4): void {
  const out = lines(running);
  const context = `stdout:\n${running.stdout()}`;
  const at = (line: string): number => {
    expect(
      out.filter((printed) => printed === line),
      `${line}\n${context}`,
    ).toHaveLength(1);
    return out.indexOf(line);
  };
  const sending = at("Sending terminate message to all workers.");
  expect(sending, context).toBeGreaterThan(at("Shutting down."));
  let previous = at("Shutting down all workers.");
  expect(previous, context).toBeGreaterThan(sending);
  for (let id = 0; id < size; id++) {
    const shutdown = at(`Shutting down worker ${id}`);
    const told = at(`Worker ${id} was told to terminate.`);
    expect(shutdown, context).toBeGreaterThan(previous); // after "Shutting down all workers.", in the order 0, 1, …
    expect(told, context).toBeGreaterThan(sending);
    expect(told, context).toBeLessThan(id < size - 1 ? out.indexOf(`Shutting down worker ${id + 1}`) : out.length);
    out.forEach((line, index) => {
      if (line === `Worker ${id} got a job; executing.`) expect(index, context).toBeLessThan(told);
    });
    previous = shutdown;
  }
  expect(
    out.filter((line) => line.endsWith("disconnected; shutting down.")),
    context,
  ).toEqual([]);
}

// The book's claims, in the 2018 wording of the shutdown lines, on a stage of their own.
describe("the claims `pnpm verify` checks, against the 2018 form", () => {
  let running: RunningStage | undefined;
  beforeAll(async () => {
    running = await start({ SLEEP_MS: "1000" });
  });
  afterAll(async () => {
    await running?.stop();
  });
  describeBookClaims(
    "10",
    () => {
      if (!running) throw new Error("the stage is not running");
      return running;
    },
    1000,
  );
});

describe("as in the 2018 edition: two connections, then the terminate messages", () => {
  // /sleep lasts 3 s, so that it is surely still running when `Shutting
  // down.` appears, even on a busy machine.
  it("answers a /sleep in flight in full before it exits 0, and prints the 2018 lines in the order that must hold", async () => {
    const running = await start({ SLEEP_MS: "3000" });
    const sleep = wholePage(running, "/sleep");
    const root = wholePage(running, "/");
    await running.waitForStdout(/^Shutting down\.$/m);
    expect(sleep.answered()).toBe(false); // the loop has ended, the /sleep is still running
    await Promise.all([sleep.done, root.done]);
    expect(await within(running.exited, 10_000, "exiting")).toEqual({ code: 0, signal: null });

    expect(jobLines(running)).toHaveLength(2);
    expectShutdownLines(running);
    expect(running.stderr()).toBe("");
  });

  it("with one worker, a job still in the channel runs before the terminate message queued behind it", async () => {
    const running = await start({ SLEEP_MS: "1000", POOL_SIZE: "1" });
    await Promise.all([wholePage(running, "/sleep").done, wholePage(running, "/sleep").done]);
    expect(await within(running.exited, 10_000, "exiting")).toEqual({ code: 0, signal: null });

    expect(jobLines(running)).toEqual(["Worker 0 got a job; executing.", "Worker 0 got a job; executing."]);
    expectShutdownLines(running, 1);
    expect(running.stderr()).toBe("");
  });
});

it("on SIGTERM, the port closes at once while a /sleep is in flight; it gets its full 200, the process exits 0", async () => {
  const running = await start({ SLEEP_MS: "3000", TAKE: "0" });
  const sleep = wholePage(running, "/sleep");
  await running.waitUntil(() => jobLines(running).length === 1);
  process.kill(running.pid, "SIGTERM");
  await running.waitForStdout(/^Shutting down\.$/m);
  expect(await listening(running.port)).toBe(false);
  expect(sleep.answered()).toBe(false);
  await sleep.done;
  expect(await within(running.exited, 10_000, "exiting")).toEqual({ code: 0, signal: null });
  expectShutdownLines(running);
});

it("POOL_SIZE=0 stops it at start with one line, before it listens", async () => {
  const run = await runToExit(dir, SCRIPT, { HOST: "127.0.0.1", PORT: "0", POOL_SIZE: "0" });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe("error: a thread pool needs at least one thread, got 0 (set POOL_SIZE to 1 or more)\n");
  expect(run.stdout).toBe("");
});
