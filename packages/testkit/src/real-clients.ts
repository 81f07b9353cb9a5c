import { request as httpRequest, Agent } from "node:http";
import { describe, expect, it } from "vitest";
import { connect, get, parseResponse, readToClose } from "./client.ts";
import type { RunningStage } from "./stage.ts";

interface RealClientsOptions {
  /** The status line a `POST /upload` gets from this stage (404 from 05 on, 200 at 03 and 04). */
  readonly uploadStatus: number;
  /** Sequential requests through a keep-alive agent; 0 skips (stage 03 sends no length, so no client can reuse its connections anyway). */
  readonly keepAliveRequests?: number;
  /** Also type a request by hand, slower than the wait for a first byte (takes about 11 s). */
  readonly typing?: boolean;
}

/** GET / through a node:http agent, resolving to the status, or the error's code. */
function agentGet(port: number, agent: Agent): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
      res.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What real clients do that the book's code never meets, checked against
 * the running stage: clients that keep connections alive, uploads the stage
 * never reads, a request cut short by the client, a person typing in nc.
 */
export function describeRealClients(
  stage: () => RunningStage,
  { uploadStatus, keepAliveRequests = 200, typing = false }: RealClientsOptions,
): void {
  describe("real clients", () => {
    if (keepAliveRequests > 0) {
      it("every response says `Connection: close`, since the stage closes after it", async () => {
        const response = await get(stage().port, "/");
        expect(response.headers.get("connection")).toBe("close");
      });
    }

    if (keepAliveRequests > 0)
      it(`a keep-alive client (http.Agent, one socket) gets all of ${keepAliveRequests} requests in a row`, async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const results: Array<number | string> = [];
          for (let i = 0; i < keepAliveRequests; i++) results.push(await agentGet(stage().port, agent));
          expect(results.filter((status) => status !== 200)).toEqual([]);
        } finally {
          agent.destroy();
        }
      });

    it("fetch() posting 8 MiB that the stage never reads still gets the answer", async () => {
      const response = await fetch(`http://127.0.0.1:${stage().port}/upload`, {
        method: "POST",
        body: new Uint8Array(8 * 1024 * 1024).fill(0x78),
        signal: AbortSignal.timeout(20_000),
      });
      await response.arrayBuffer();
      expect(response.status).toBe(uploadStatus);
    });

    it("a request line, then the client closes its side (`printf … | nc -q1`): a 400 and one log line", async () => {
      const socket = await connect(stage().port);
      const peer = `127.0.0.1:${socket.localPort}`;
      const reply = readToClose(socket);
      socket.end("GET / HTTP/1.1\r\n");
      expect(parseResponse((await reply).bytes).statusLine).toBe("HTTP/1.1 400 Bad Request");
      const line = `${peer}: 400: the client closed its side before the request head was complete`;
      await stage().waitUntil(() => stage().stderr().includes(line));
      expect(
        stage()
          .stderr()
          .split("\n")
          .filter((logged) => logged.startsWith(`${peer}:`)),
      ).toEqual([line]);
    });

    if (typing)
      it("a person typing the request by hand, a line every 5.5 s, gets the page", async () => {
        const socket = await connect(stage().port);
        const reply = readToClose(socket, 30_000);
        socket.write("GET / HTTP/1.1\r\n");
        await wait(5_500);
        socket.write("Host: 127.0.0.1\r\n");
        await wait(5_500); // 11 s in all: past the 10 s that a first byte may take
        socket.write("\r\n");
        expect(parseResponse((await reply).bytes).statusLine).toBe("HTTP/1.1 200 OK");
      });
  });
}
