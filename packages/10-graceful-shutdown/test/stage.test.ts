import { describe, expect, it } from "vitest";
import {
  connect,
  describeBookClaims,
  describeServing,
  expectRefusedAtStart,
  get,
  listening,
  readToClose,
  stageDirOf,
  startStage,
  useStage,
  within,
  type Response,
  type RunningStage,
} from "testkit";

const dir = stageDirOf(import.meta.url);
const SLEEP_MS = 1000;
const fast = { SLEEP_MS: String(SLEEP_MS) };

// A stage of their own: the claims take its two connections and see it stop.
describe("after two connections, as the book runs it", () => {
  describeBookClaims("10", useStage(import.meta.url, fast), SLEEP_MS);
});

const lines = (running: RunningStage): string[] => running.stdout().split("\n");
const jobLines = (running: RunningStage): string[] =>
  lines(running).filter((line) => / got a job; executing\.$/.test(line));

/** Two `/sleep` requests, checked to come back whole: status, length and page; `onAnswer` is called as each comes back. */
async function twoSleeps(running: RunningStage, onAnswer: () => void = () => {}): Promise<void> {
  const sleep = (): Promise<Response> =>
    get(running.port, "/sleep", 30_000).then((response) => {
      onAnswer();
      return response;
    });
  const responses = await Promise.all([sleep(), sleep()]);
  for (const response of responses) {
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    expect(response.body.length).toBe(Number(response.headers.get("content-length")));
    expect(response.body.toString()).toContain("Hello!");
  }
}

/**
 * The shutdown lines, checked only for what must hold (the book says the
 * interleaving varies): one `Shutting down.`, then `Shutting down worker 0…3`
 * in order, and each worker's disconnect line before the pool goes on to the
 * next worker, since the pool waits for that worker's thread to exit.
 */
function expectShutdownLines(running: RunningStage): void {
  const out = lines(running);
  const context = `stdout:\n${running.stdout()}`;
  const shuttingDown = out.indexOf("Shutting down.");
  expect(
    out.filter((line) => line === "Shutting down."),
    context,
  ).toHaveLength(1);
  let previous = shuttingDown;
  for (const id of [0, 1, 2, 3]) {
    const shutdown = out.indexOf(`Shutting down worker ${id}`);
    const disconnected = out.indexOf(`Worker ${id} disconnected; shutting down.`);
    expect(shutdown, context).toBeGreaterThan(previous); // after "Shutting down.", in the order 0…3
    expect(disconnected, context).toBeGreaterThan(-1);
    const next = id < 3 ? out.indexOf(`Shutting down worker ${id + 1}`) : out.length;
    expect(disconnected, context).toBeLessThan(next);
    previous = shutdown;
  }
}

describe("as in the book: two connections, then a clean shutdown", () => {
  it("answers both /sleep requests in full, prints the shutdown lines in the order that must hold, exits 0", async () => {
    const running = await startStage(dir, fast);
    await twoSleeps(running);
    expect(await within(running.exited, 10_000, "exiting")).toEqual({ code: 0, signal: null });

    expect(jobLines(running)).toHaveLength(2);
    expectShutdownLines(running);
    expect(running.stderr()).toBe("");
  });
});

describe("SIGINT and SIGTERM", () => {
  // Here /sleep lasts 3 s, so that the requests are surely still in flight
  // when the signal is sent and the port is checked: those steps take
  // milliseconds at rest, and far less than 3 s on a loaded machine. The two
  // signals run side by side, so the longer sleep costs the suite 2 s, not 4.
  it.concurrent.each(["SIGTERM", "SIGINT"] as const)(
    "on %s, the port closes at once, while both /sleep requests are in flight; they then get their full 200, the process exits 0",
    async (signal) => {
      const running = await startStage(dir, { SLEEP_MS: "3000", TAKE: "0" });
      let answered = 0;
      const sleeps = twoSleeps(running, () => answered++);
      await running.waitUntil(() => jobLines(running).length === 2);
      process.kill(running.pid, signal);
      await running.waitForStdout(/^Shutting down\.$/m);
      expect(await listening(running.port)).toBe(false);
      expect(answered).toBe(0); // the port closed while both requests were still running
      await sleeps;
      expect(await within(running.exited, 10_000, "exiting")).toEqual({ code: 0, signal: null });
      expectShutdownLines(running);
    },
  );

  it("with no thread able to start, a signal still ends it: the waiting connection gets a 503, exit 0", async () => {
    const noThreads = new URL("./fixtures/no-threads.ts", import.meta.url).href;
    const running = await startStage(dir, { TAKE: "0", NODE_OPTIONS: `--import=${noThreads}` });
    const client = await connect(running.port);
    const reply = readToClose(client, 30_000);
    client.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await running.waitUntil(() => /starting a new thread$/m.test(running.stderr()));
    process.kill(running.pid, "SIGTERM");
    expect(await within(running.exited, 10_000, "exiting")).toEqual({ code: 0, signal: null });
    expect((await reply).bytes.toString()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
  });

  it("a second signal exits at once, without waiting for the requests in flight", async () => {
    const running = await startStage(dir, { SLEEP_MS: "20000", TAKE: "0" });
    const client = await connect(running.port);
    const reply = readToClose(client, 30_000);
    client.write(`GET /sleep HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await running.waitUntil(() => jobLines(running).length === 1);
    process.kill(running.pid, "SIGTERM");
    await running.waitForStdout(/^Shutting down\.$/m);
    await new Promise((resolve) => setTimeout(resolve, 600)); // a repeat within 0.5 s is the same stop (core's REPEAT_MS)
    process.kill(running.pid, "SIGTERM");
    // "At once" against a request that has 20 s to go; the bound leaves room for a loaded machine.
    expect(await within(running.exited, 10_000, "exiting")).toEqual({ code: 143, signal: null });
    expect((await reply).bytes.length).toBe(0); // cut off: that is what the second signal is for
    expect(running.stderr()).toMatch(/^SIGTERM again: exiting now$/m);
  });
});

it.each([
  ["TAKE", "two", 'error: TAKE must be a whole number from 0 to 9007199254740991, got "two"'],
  ["POOL_SIZE", "0", "error: a thread pool needs at least one thread, got 0 (set POOL_SIZE to 1 or more)"],
])("a bad %s=%j stops it at start with one line, before it listens", async (name, value, message) => {
  await expectRefusedAtStart(dir, { [name]: value }, message);
});

describe("with no limit on connections (TAKE=0)", () => {
  const stage = useStage(import.meta.url, { ...fast, TAKE: "0" });
  describeServing(stage, dir, { sleep: true, typing: true });
});
