import { describe, expect, it } from "vitest";
import {
  connect,
  describeBookClaims,
  describeRobustness,
  exchange,
  readToClose,
  untilUnread,
  useStage,
  type RunningStage,
} from "testkit";

const stage = useStage(import.meta.url);

describeBookClaims("01", stage);

const established = (stdout: string): number => stdout.match(/^Connection established!$/gm)?.length ?? 0;

/** Connect, send nothing, and expect the server to close with no bytes. */
async function connectOnce(): Promise<void> {
  const reply = await exchange(stage().port, "");
  expect(reply.bytes.length).toBe(0);
  expect(reply.ending).toBe("end");
}

it("prints one `Connection established!` per connection", async () => {
  const before = established(stage().stdout());
  for (let i = 0; i < 3; i++) await connectOnce();
  await stage().waitUntil((out) => established(out) >= before + 3);
  expect(established(stage().stdout())).toBe(before + 3);
});

it("closes a connection that sent nothing without writing anything: the client reads end-of-stream", async () => {
  await connectOnce();
});

/** What curl sends for `curl http://127.0.0.1:<port>/`, less its version. */
const REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n";

/**
 * Run `body` while the stage's process is stopped (SIGSTOP): the kernel
 * still accepts connections and takes in their bytes, but the stage can do
 * nothing with them until SIGCONT, which is sent whatever happens. The pid
 * is that of the Node.js process itself, which `startStage` spawns without
 * a shell, so it is the one holding the sockets (were it not, the stage
 * would take the connection while "stopped", and the tests would fail).
 */
async function whileStopped<T>(running: RunningStage, body: () => Promise<T>): Promise<T> {
  process.kill(running.pid, "SIGSTOP");
  try {
    return await body();
  } finally {
    process.kill(running.pid, "SIGCONT");
  }
}

// SIGSTOP and SIGCONT are POSIX signals: Linux, macOS and WSL have them,
// Windows itself does not, and there is no other way to hold the stage.
describe.skipIf(process.platform === "win32")(
  "drops a connection as the book's program does, its request unread (POSIX: SIGSTOP and SIGCONT)",
  () => {
    it("a client whose request was already waiting gets a reset, and the stage keeps running", async () => {
      const running = stage();
      const before = established(running.stdout());
      const stderrBefore = running.stderr().length;
      const { reply } = await whileStopped(running, async () => {
        const socket = await connect(running.port);
        const reply = readToClose(socket);
        await new Promise<void>((resolve) => socket.write(REQUEST, () => resolve()));
        await untilUnread(running.port, socket.localPort ?? 0, Buffer.byteLength(REQUEST));
        // Stopped, the stage has not taken the connection from the kernel: no line for it yet.
        expect(established(running.stdout())).toBe(before);
        return { reply }; // wrapped, so that it is not awaited while the stage is stopped
      });
      const { bytes, ending } = await reply;
      expect(bytes.length).toBe(0);
      expect(ending).toBe("reset");
      await running.waitUntil((out) => established(out) >= before + 1);
      expect(established(running.stdout())).toBe(before + 1);
      expect(running.running()).toBe(true);
      expect(running.stderr().slice(stderrBefore)).toBe("");
      await connectOnce(); // and it still accepts and drops the next one
    });

    it("a client that sent nothing gets a plain close: end-of-stream, no reset", async () => {
      const running = stage();
      const before = established(running.stdout());
      const { reply } = await whileStopped(running, async () => {
        // Connected means the kernel has completed the handshake for the stopped stage.
        const socket = await connect(running.port);
        return { reply: readToClose(socket) };
      });
      const { bytes, ending } = await reply;
      expect(bytes.length).toBe(0);
      expect(ending).toBe("end");
      await running.waitUntil((out) => established(out) >= before + 1);
      expect(established(running.stdout())).toBe(before + 1);
      expect(running.running()).toBe(true);
    });
  },
);

describeRobustness(stage, {
  refusal: "closes",
  probe: async (running: RunningStage) => {
    const before = established(running.stdout());
    await connectOnce();
    await running.waitUntil((out) => established(out) > before);
  },
});
