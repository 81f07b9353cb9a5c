// The launcher and pnpm, as real processes: what a reader sees, and that a
// signal sent to the PID they started (Ctrl+C, an IDE's stop button, `kill`,
// `timeout`) stops the stage, its port and every process it had.
import { setTimeout as sleep } from "node:timers/promises";
import { get } from "testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  accepts,
  killMarked,
  launcher,
  listeningPort,
  pnpm,
  processesMarked,
  start,
  startPnpm,
  within,
  type Started,
} from "./run.ts";

const LONG = 120_000; // per test: several processes on a busy machine
const BOUND = 60_000; // for any one wait

const running: Started[] = [];
afterEach(() => {
  // Whatever a failed test left behind, ended by PID (Linux).
  for (const started of running.splice(0)) killMarked(started.mark);
});
const track = (started: Started): Started => {
  running.push(started);
  return started;
};

/** Nothing answers on `port`, still 1 s later, and no process of `started` is left (Linux). */
async function expectAllGone(started: Started, port: number): Promise<void> {
  const context = `stdout:\n${started.stdout()}\nstderr:\n${started.stderr()}`;
  expect(await accepts(port), `port ${port} right after the exit; ${context}`).toBe(false);
  await sleep(1_000);
  expect(await accepts(port), `port ${port} 1 s after the exit; ${context}`).toBe(false);
  expect(processesMarked(started.mark), `processes left; ${context}`).toEqual([]);
}

describe("the launcher, run directly", () => {
  it.each(["5", "05", "05-validate-request"])(
    "%s starts 05-validate-request in its folder",
    async (arg) => {
      const started = track(start(process.execPath, [launcher, arg]));
      const port = await listeningPort(started);
      expect(started.stdout()).toMatch(/^> 05-validate-request: node src\/main\.ts\nListening on /);
      // hello.html found, so the stage runs from its own folder, as with --filter
      expect((await get(port, "/", BOUND)).statusLine).toBe("HTTP/1.1 200 OK");
      expect((await get(port, "/nope", BOUND)).statusLine).toBe("HTTP/1.1 404 NOT FOUND");
      process.kill(started.pid, "SIGTERM");
      await within(started.exited, BOUND, "exit after SIGTERM");
      await expectAllGone(started, port);
    },
    LONG,
  );

  it.each([
    [[], "no stage given;"],
    [["11"], 'no stage "11";'],
    [["foo"], 'no stage "foo";'],
    [["5", "6"], '2 stages given ("5" "6"), but one is needed;'],
  ])(
    "%j: one error line naming it and listing the stages, exit 1",
    async (args, says) => {
      const started = track(start(process.execPath, [launcher, ...args]));
      const { code } = await within(started.exited, BOUND, "exit");
      expect(code).toBe(1);
      expect(started.stdout()).toBe("");
      expect(started.stderr()).toMatch(/^error: .*01-listen, 02-read-request, .*, 10-graceful-shutdown\n$/);
      expect(started.stderr()).toContain(says);
    },
    LONG,
  );
});

describe.skipIf(!pnpm)("through pnpm (needs npm_execpath, which pnpm sets when it runs this test script)", () => {
  it(
    "pnpm start 11: the launcher's one error line, exit 1, no stack trace",
    async () => {
      const started = track(startPnpm(["start", "11"]));
      const { code } = await within(started.exited, BOUND, "exit");
      expect(code).toBe(1);
      expect(started.stderr()).toMatch(/^error: no stage "11"; .* 10-graceful-shutdown$/m);
      expect(started.stderr()).not.toMatch(/^\s+at /m);
      expect(started.stdout()).not.toContain("Listening");
    },
    LONG,
  );

  it(
    "pnpm --filter 05 start: no package is named 05, so pnpm fails (failIfNoMatch)",
    async () => {
      const started = track(startPnpm(["--filter", "05", "start"]));
      const { code } = await within(started.exited, BOUND, "exit");
      expect(code, `stdout:\n${started.stdout()}\nstderr:\n${started.stderr()}`).toBe(1);
      expect(started.stdout() + started.stderr()).toContain("No projects matched the filters");
    },
    LONG,
  );

  // Fails with pnpm's shim of node_modules/.bin/node as pnpm writes it: the
  // SIGTERM ends the sh between pnpm and node, and the stage keeps serving.
  it.each([
    ["pnpm --filter 06-refactor start", ["--filter", "06-refactor", "start"]],
    ["pnpm start 6", ["start", "6"]],
  ])(
    "%s, SIGTERM to pnpm's PID: it exits, the port closes, no process is left",
    async (_command, args) => {
      const started = track(startPnpm(args));
      const port = await listeningPort(started);
      expect((await get(port, "/", BOUND)).statusLine).toBe("HTTP/1.1 200 OK");
      process.kill(started.pid, "SIGTERM");
      await within(started.exited, BOUND, "pnpm's exit after SIGTERM");
      await expectAllGone(started, port);
    },
    LONG,
  );

  describe.each([
    ["pnpm --filter 10-graceful-shutdown start", ["--filter", "10-graceful-shutdown", "start"]],
    ["pnpm start 10", ["start", "10"]],
  ])("%s, with TAKE=0", (_command, args) => {
    it.each([
      ["SIGTERM to pnpm's PID", false],
      ["SIGINT to its process group, as Ctrl+C sends it", "SIGINT"],
      ["SIGTERM to its process group, as timeout and docker stop send it (the stage gets it twice)", "SIGTERM"],
    ] as const)(
      "%s: the /sleep in flight gets its 200, the shutdown lines, exit code 0, nothing left",
      async (_how, group) => {
        const started = track(startPnpm(args, { env: { TAKE: "0", SLEEP_MS: "1000" }, group: group !== false }));
        const port = await listeningPort(started);
        const sleeping = get(port, "/sleep", BOUND);
        await started.waitForStdout(/^Worker \d got a job; executing\.$/m, BOUND);
        if (group) process.kill(-started.pid, group);
        else process.kill(started.pid, "SIGTERM");
        expect((await sleeping).statusLine).toBe("HTTP/1.1 200 OK");
        const { code } = await within(started.exited, BOUND, "exit after the signal");
        const context = `stdout:\n${started.stdout()}\nstderr:\n${started.stderr()}`;
        expect(code, context).toBe(0);
        expect(started.stdout(), context).toMatch(/^Shutting down\.$/m);
        for (const id of [0, 1, 2, 3])
          expect(started.stdout(), context).toMatch(new RegExp(`^Shutting down worker ${id}$`, "m"));
        expect(started.stderr(), context).toMatch(group === "SIGINT" ? /^SIGINT: finishing/m : /^SIGTERM: finishing/m);
        expect(started.stderr(), context).not.toMatch(/again: exiting now/);
        await expectAllGone(started, port);
      },
      LONG,
    );
  });
});
