import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { exchange, runToExit, startStage } from "testkit";
import { TcpListener } from "../src/index.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const fixture = "fixtures/listen.ts";

/** The process printed exactly one line on stderr, and no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("bind, as a process", () => {
  let taken: Server | undefined;
  afterAll(() => taken?.close());

  it("prints the real URL on one line and accepts connections", async () => {
    const server = await startStage(here, { HOST: "127.0.0.1", PORT: "0" }, fixture);
    try {
      expect(server.stdout()).toBe(`Listening on http://127.0.0.1:${server.port}\n`);
      const reply = await exchange(server.port, "");
      expect(reply.bytes.length).toBe(0);
      await server.waitForStdout(/^connection from 127\.0\.0\.1:\d+$/m);
    } finally {
      await server.stop();
    }
  });

  it("exits 1 with one clear line when the port is taken", async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken?.listen(0, "127.0.0.1", resolve));
    const address = taken.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const run = await runToExit(here, fixture, { HOST: "127.0.0.1", PORT: String(port) });
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, new RegExp(`^error: 127\\.0\\.0\\.1:${port} is already in use`));
  });

  it.each([
    ["PORT", "abc", /^error: PORT must be a whole number from 0 to 65535, got "abc"$/m],
    ["PORT", "65536", /^error: PORT must be a whole number/m],
    ["HOST", "not a host", /^error: HOST must be an IP address or a host name/m],
    ["HOST", "192.0.2.1", /^error: 192\.0\.2\.1 is not an address of this machine/m],
  ])("exits 1 with one clear line for %s=%j", async (name, value, pattern) => {
    const run = await runToExit(here, fixture, { HOST: "127.0.0.1", PORT: "0", [name]: value });
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, pattern);
    expect(run.stdout).toBe("");
  });
});

describe("incoming", () => {
  it("reports a failed accept and goes on accepting", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const listener = new TcpListener(server);
    try {
      const connections = listener.incoming();
      // What node:net emits when accept(2) fails, e.g. out of memory for a socket.
      server.emit("error", Object.assign(new Error("accept ENOBUFS"), { code: "ENOBUFS" }));
      expect(stderr).toHaveBeenCalledWith("accepting a connection failed: accept ENOBUFS; still listening\n");
      const reply = exchange(listener.address.port, "");
      const next = await connections.next();
      expect(next.done).toBe(false);
      next.value?.close();
      expect((await reply).bytes.length).toBe(0);
    } finally {
      stderr.mockRestore();
      await listener.close();
    }
  });

  it("ends when the listener is closed", async () => {
    const listener = await TcpListener.listen({ address: { host: "127.0.0.1", port: 0 } });
    const connections = listener.incoming();
    const ended = connections.next();
    await listener.close();
    expect((await ended).done).toBe(true);
  });
});
