// `pnpm verify`: a stage fails the next stage's distinguishing claim; a
// server that crashes, never listens, or listens elsewhere gets a ✗ and
// exit 1, bounded; a server in Python passes; usage errors exit 2.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { processesMarked } from "./run.ts";
import { fixture, freePort, ownStage, packagesDir, SLEEP, verify, verifyScript } from "./verify-run.ts";

const python = ["python3", fixture];

/** Whether this machine has an IPv6 loopback (::1) to listen on; some containers have none. */
const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const server = createServer();
  server.once("error", () => resolve(false));
  server.listen(0, "::1", () => server.close(() => resolve(true)));
});
const pages = `${packagesDir}05-validate-request`;

/** verify's arguments for the Python fixture playing the book's `stage` on `port` (in 05's folder, for its pages), then its own flags. */
const asPython = (stage: string, port: number, ...flags: string[]): string[] => [
  stage,
  "--port",
  String(port),
  "--cwd",
  pages,
  "--",
  ...python,
  stage,
  String(port),
  ...flags,
];

describe("a stage checked as the next one fails on the claim that tells them apart", () => {
  it("03 checked as 05 fails on the 404", { timeout: 60_000 }, async () => {
    const run = await verify(["05", ...ownStage("03-write-response")]);
    expect(run.stdout).toMatch(/^✗ anything else \(`GET \/nope`\) is answered 404/m);
    expect(run.stdout).toContain("    sent: GET /nope HTTP/1.1");
    expect(run.stdout).toContain("does your code compare the whole request line");
    expect(run.code).toBe(1);
  });

  it("07 checked as 08 fails on concurrency", { timeout: 120_000 }, async () => {
    const run = await verify(["08", "--sleep-ms", SLEEP, ...ownStage("07-slow-request")], { SLEEP_MS: SLEEP });
    expect(run.stdout).toMatch(/^✓ `GET \/sleep` is answered 200, after the sleep$/m);
    expect(run.stdout).toMatch(/^✗ a `GET \/` sent while `\/sleep` sleeps is answered at once/m);
    expect(run.stdout).toContain("… waiting for /sleep");
    expect(run.code).toBe(1);
  });

  it("08 checked as 09 fails on the bound", { timeout: 120_000 }, async () => {
    const run = await verify(["09", "--sleep-ms", SLEEP, ...ownStage("08-thread-per-request")], { SLEEP_MS: SLEEP });
    expect(run.stdout).toMatch(/^✓ a `GET \/` sent while `\/sleep` sleeps is answered at once/m);
    expect(run.stdout).toMatch(/^✗ at most 4 `\/sleep` run at once/m);
    expect(run.stdout).toMatch(/^✗ `Worker <id> got a job; executing.` is printed/m);
    expect(run.code).toBe(1);
  });
});

describe("servers that are not TypeScript", () => {
  it("a Python server that prints no URL passes 05, found in the socket table or by retrying", {
    timeout: 60_000,
  }, async () => {
    const port = await freePort();
    const run = await verify(asPython("05", port));
    expect(run.stdout).toContain(`Listening on 127.0.0.1:${port}`);
    expect(run.stdout).toContain("2 of 2 claims hold; 2 connections opened");
    expect(run.code).toBe(0);
  });

  it("without a socket table (macOS), the first request retries while refused", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const run = await verify(asPython("05", port), {
      VERIFY_NO_SOCKET_TABLE: "1",
    });
    expect(run.stdout).toContain("the first request retries until the port accepts");
    expect(run.stdout).toContain("2 of 2 claims hold; 2 connections opened");
    expect(run.code).toBe(0);
  });

  it("the Russian print's `Соединение установлено!` passes 01", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const run = await verify(asPython("01", port, "--russian"));
    expect(run.stdout).toContain("2 of 2 claims hold; 4 connections opened");
    expect(run.code).toBe(0);
  });
});

describe("a server that does not work gets a ✗ and exit 1, never a hang", () => {
  it("a command that cannot start: a ✗ and exit 1, and nothing else in verify's process group is signalled", {
    timeout: 60_000,
  }, async () => {
    // verify runs in a group of its own with a shell after it: signalling
    // "the server's group" with no server pid once stopped that shell too.
    const script = `"${process.execPath}" "${verifyScript}" 05 -- no-such-command-here; echo "after: $?"`;
    const shell = spawn("sh", ["-c", script], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    shell.stdout.on("data", (chunk) => (out += chunk));
    const [code, signal] = (await once(shell, "exit")) as [number | null, NodeJS.Signals | null];
    expect(out).toContain("✗ the command could not start: spawn no-such-command-here ENOENT");
    expect(out).toContain("after: 1");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it.runIf(hasIpv6Loopback)(
    "one that listens on ::1 alone: not taken for 127.0.0.1, and the hint says so",
    {
      timeout: 60_000,
    },
    async () => {
      const port = await freePort();
      const v6only = `import socket, time
s = socket.socket(socket.AF_INET6)
s.bind(("::1", ${port}))
s.listen()
time.sleep(60)`;
      const run = await verify(["05", "--port", String(port), "--start-timeout", "3", "--", "python3", "-c", v6only]);
      expect(run.stdout).toContain(`✗ nothing listened on 127.0.0.1:${port} within 3 s`);
      expect(run.stdout).toContain("not where 127.0.0.1 reaches it");
      expect(run.code).toBe(1);
    },
  );

  it("one that crashes after its first connection: the checklist says it stopped", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const run = await verify(asPython("05", port, "--crash-after", "1"));
    expect(run.stdout).toMatch(/^✓ `GET \/` is answered/m);
    expect(run.stdout).toMatch(/^✗ anything else/m);
    expect(run.stdout).toMatch(/^✗ the server stopped during the checks \(exit code 101\)$/m);
    expect(run.stdout).toContain("its stderr ended: thread 'main' panicked");
    expect(run.code).toBe(1);
  });

  it("one that exits before listening", { timeout: 60_000 }, async () => {
    const run = await verify([
      "05",
      "--port",
      String(await freePort()),
      "--",
      "python3",
      "-c",
      "import sys; sys.exit(3)",
    ]);
    expect(run.stdout).toMatch(/^✗ the server exited \(code 3\) before listening/m);
    expect(run.code).toBe(1);
  });

  it("one that never listens, within --start-timeout, and its process group is stopped", {
    timeout: 60_000,
  }, async () => {
    const run = await verify([
      "05",
      "--port",
      String(await freePort()),
      "--start-timeout",
      "2",
      "--",
      "sh",
      "-c",
      "sleep 60; true",
    ]);
    expect(run.stdout).toMatch(/^✗ nothing listened on 127\.0\.0\.1:\d+ within 2 s$/m);
    expect(run.code).toBe(1);
    if (existsSync("/proc/self/environ")) expect(processesMarked(run.mark)).toEqual([]);
  });

  it.skipIf(process.platform !== "linux")(
    "one that listens on another port: the hint names it (Linux: the socket table)",
    { timeout: 60_000 },
    async () => {
      const [expected, actual] = [await freePort(), await freePort()];
      const run = await verify([
        "05",
        "--port",
        String(expected),
        "--start-timeout",
        "4",
        "--cwd",
        pages,
        "--",
        ...python,
        "05",
        String(actual),
      ]);
      expect(run.stdout).toContain(`hint: your server listens on port ${actual}: pass --port ${actual}`);
      expect(run.code).toBe(1);
    },
  );

  it("a stage run under a shell (as cargo runs its program) is stopped with its whole group", {
    timeout: 60_000,
  }, async () => {
    const run = await verify(["05", "--cwd", pages, "--", "sh", "-c", `"${process.execPath}" src/main.ts; true`]);
    expect(run.code).toBe(0);
    if (existsSync("/proc/self/environ")) expect(processesMarked(run.mark)).toEqual([]);
  });
});

describe("--strict", () => {
  it("reports what goes beyond the book as advice (!), never as a failure", { timeout: 60_000 }, async () => {
    const port = await freePort();
    // Like the book's `unwrap()`, it stops on its third connection, the empty one.
    const run = await verify(["--strict", ...asPython("05", port, "--crash-after", "3")]);
    expect(run.stdout).toContain("Beyond the book (advice, never a failure):");
    expect(run.stdout).toMatch(/^! keeps serving after a client that connects and sends nothing$/m);
    expect(run.stdout).toContain("`lines().next().unwrap()` panics on an empty request");
    expect(run.stdout).toContain("2 of 2 claims hold");
    expect(run.code).toBe(0);
  });

  it("at stage 10 it says that it gives no advice, which would use up the two connections", {
    timeout: 60_000,
  }, async () => {
    const run = await verify(["10", "--strict", ...ownStage("10-graceful-shutdown")]);
    expect(run.stdout).toContain("--strict gives no advice at stage 10");
    expect(run.stdout).not.toContain("Beyond the book");
    expect(run.stdout).toContain("5 of 5 claims hold; 2 connections opened");
    expect(run.code).toBe(0);
  });
});

describe("--url checks a server that is already running", () => {
  it("output claims are skipped and say so", { timeout: 60_000 }, async () => {
    const { start, listeningPort } = await import("./run.ts");
    const server = start(process.execPath, ["src/main.ts"], { cwd: `${packagesDir}01-listen` });
    try {
      const port = await listeningPort(server);
      const run = await verify(["01", "--url", `http://127.0.0.1:${port}`]);
      expect(run.stdout).toMatch(/^✓ a connection is accepted and closed with nothing written$/m);
      expect(run.stdout).toMatch(/^– `Connection established!` is printed once per connection \(skipped: .*--url/m);
      expect(run.stdout).toContain("1 of 1 claims hold, 1 skipped; 1 connection opened");
      expect(run.code).toBe(0);
    } finally {
      process.kill(server.pid, "SIGTERM");
      await server.exited;
    }
  });
});

describe("usage", () => {
  it.each([
    [["99", "--", "x"], /no stage "99"/],
    [["05"], /no command given/],
    [["05", "--port", "x", "--", "x"], /--port takes a whole number/],
    [["05", "--bogus", "--", "x"], /unknown option --bogus/],
  ])("%j exits 2 with a message", async (args, message) => {
    const run = await verify(args);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("usage: pnpm verify");
    expect(run.code).toBe(2);
  });

  it("takes the stage as `pnpm start` does, with pnpm's `--` before it or not", async () => {
    const run = await verify(["--", "5-nope", "--", "x"]);
    expect(run.stderr).toMatch(/no stage "5-nope"/);
    expect(run.code).toBe(2);
  });
});
