import { describe, expect, it } from "vitest";
import { connect, exchange, parseResponse, readToClose } from "./client.ts";
import { HAS_PROC, type RunningStage } from "./stage.ts";

interface RobustnessOptions {
  /** A normal request, with the stage's normal result asserted. */
  readonly probe: (stage: RunningStage) => Promise<void>;
  /**
   * How the stage turns away a line that is too long: `answers` (an HTTP
   * error response, from stage 03 on) or `closes` (01 and 02 send nothing
   * back by design).
   */
  readonly refusal: "answers" | "closes";
  /**
   * Whether to check that memory stays bounded under 32 clients at once
   * (default true). Stage 08 opts out: a thread per connection is unbounded
   * memory by design, which is that stage's lesson.
   */
  readonly memory?: boolean;
}

const ONE_MB = 1024 * 1024;

/**
 * What every stage must survive, from 01 on: after each kind of bad client,
 * the process is still running and serves a normal request.
 */
export function describeRobustness(
  stage: () => RunningStage,
  { probe, refusal, memory = true }: RobustnessOptions,
): void {
  const stillServes = async (): Promise<void> => {
    await probe(stage());
    expect(stage().running()).toBe(true);
  };

  const expectRefused = (bytes: Buffer, status: string): void => {
    if (refusal === "answers") expect(parseResponse(bytes).statusLine).toBe(`HTTP/1.1 ${status}`);
    else expect(bytes.length).toBe(0);
  };

  describe("keeps serving after a bad client", () => {
    it("a client that hangs up in the middle of a line", async () => {
      const socket = await connect(stage().port);
      const closed = readToClose(socket);
      socket.end("GET / HT");
      await closed;
      await stillServes();
    });

    it("a client that resets the connection in the middle of a line", async () => {
      const socket = await connect(stage().port);
      // Stage 01 drops the connection unread, so its kernel may reset it first.
      socket.on("error", () => {});
      socket.write("GET / HTTP/1.1\r\nHost: loc");
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the server start reading
      socket.resetAndDestroy();
      await stillServes();
    });

    it("a client that sends 1 MB without a newline is refused", async () => {
      const reply = await exchange(stage().port, Buffer.alloc(ONE_MB, "a"));
      expectRefused(reply.bytes, "414 URI Too Long");
      await stillServes();
    });

    it("a line over the limit is refused without waiting for the rest of it", async () => {
      // 20 KiB and no newline, and the client stays connected: the server
      // must decide from what it has read, not buffer until a newline.
      const socket = await connect(stage().port);
      const reply = readToClose(socket);
      socket.write(Buffer.alloc(20 * 1024, "a"));
      expectRefused((await reply).bytes, "414 URI Too Long");
      await stillServes();
    });

    // Linux only: the peak is read from /proc (see HAS_PROC).
    it.runIf(memory && HAS_PROC)(
      "memory stays bounded while many clients send 1 MB lines (Linux: peak memory from /proc)",
      async () => {
        const clients = 32;
        const before = stage().peakMemory();
        const replies = await Promise.all(
          Array.from({ length: clients }, () => exchange(stage().port, Buffer.alloc(ONE_MB, "b"), 15_000)),
        );
        for (const reply of replies) expectRefused(reply.bytes, "414 URI Too Long");
        const grown = stage().peakMemory() - before;
        // Buffering the lines whole would hold 32 MB at least; refusing each
        // after its first kilobytes holds a few hundred kilobytes.
        expect(grown).toBeLessThan(16 * ONE_MB);
        await stillServes();
      },
    );

    it("a request line that is not UTF-8", async () => {
      const reply = await exchange(stage().port, Buffer.from("GET /\xff\xfe\xc3 HTTP/1.1\r\n\r\n", "latin1"));
      if (refusal === "answers") expect(parseResponse(reply.bytes).statusLine).toBe("HTTP/1.1 400 Bad Request");
      await stillServes();
    });

    it("a client that connects and sends nothing", async () => {
      const idle = await connect(stage().port);
      try {
        await stillServes(); // while the idle connection is still open
      } finally {
        idle.destroy();
      }
    });
  });
}
