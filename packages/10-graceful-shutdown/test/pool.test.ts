// Stage 09's ThreadPool tests, against this stage's copy with cleanup added,
// and what only this copy does: shut down.
import { TcpListener, take } from "core";
import { describeThreadPool, exchange, parseResponse } from "testkit";
import { expect, it, vi } from "vitest";
import { PoolCreationError, ThreadPool } from "../src/lib.ts";

describeThreadPool({
  TcpListener,
  ThreadPool,
  PoolCreationError,
  dispose: (pool) => (pool as ThreadPool)[Symbol.asyncDispose](),
});

it("disposing ends even when no thread can start, and a waiting connection gets a 503", async () => {
  const logged = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const listener = await TcpListener.listen({ address: { host: "127.0.0.1", port: 0 } });
  try {
    const pool = new ThreadPool(2, new URL("./fixtures/broken-job.ts", import.meta.url));
    const reply = exchange(listener.address.port, "GET / HTTP/1.1\r\n\r\n");
    for await (const stream of take(listener.incoming(), 1)) pool.execute(stream);
    await pool[Symbol.asyncDispose]();
    expect(parseResponse((await reply).bytes).statusLine).toBe("HTTP/1.1 503 Service Unavailable");
    const lines = logged.mock.calls.map(([text]) => String(text));
    expect(lines).toContain("Worker 0 stopped unexpectedly (exit code 1); not replaced during shutdown\n");
    expect(lines).toContain("Worker 1 stopped unexpectedly (exit code 1); not replaced during shutdown\n");
  } finally {
    logged.mockRestore();
    await listener.close();
  }
});
