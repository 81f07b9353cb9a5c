import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exchange, get, parseResponse } from "./client.ts";
import { describeBookClaims } from "./book-claims.ts";
import { describeRealClients } from "./real-clients.ts";
import { describeRobustness } from "./robustness.ts";
import { stageDirOf, useStage, type RunningStage } from "./stage.ts";

/**
 * Stages 05 and 06 answer the same requests the same way: `GET / HTTP/1.1`
 * gets hello.html, anything else 404.html. One table, run against both.
 */
interface Route {
  readonly request: string;
  readonly status: string;
  readonly page: string;
}

const ROUTES: readonly Route[] = [
  { request: "GET / HTTP/1.1", status: "HTTP/1.1 200 OK", page: "hello.html" },
  { request: "GET /nope HTTP/1.1", status: "HTTP/1.1 404 NOT FOUND", page: "404.html" },
  { request: "POST / HTTP/1.1", status: "HTTP/1.1 404 NOT FOUND", page: "404.html" },
  { request: "GET / HTTP/1.0", status: "HTTP/1.1 404 NOT FOUND", page: "404.html" },
  { request: "get / HTTP/1.1", status: "HTTP/1.1 404 NOT FOUND", page: "404.html" },
];

/** The routing table of 05 and 06, plus any `extra` routes a later stage adds. */
function describeRouting(stage: () => RunningStage, stageDir: string, extra: readonly Route[] = []): void {
  describe("answers by the request line", () => {
    it.each([...extra, ...ROUTES])("$request → $status with $page", async ({ request, status, page }) => {
      const port = stage().port;
      const reply = await exchange(port, `${request}\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      const response = parseResponse(reply.bytes);
      const expected = readFileSync(join(stageDir, page));
      expect(response.statusLine).toBe(status);
      expect(response.body.equals(expected)).toBe(true);
      expect(response.headers.get("content-length")).toBe(String(expected.length));
    });
  });
}

const SLEEP_ROUTE: Route = { request: "GET /sleep HTTP/1.1", status: "HTTP/1.1 200 OK", page: "hello.html" };

const answersRoot = async (running: RunningStage): Promise<void> => {
  expect((await get(running.port, "/")).statusLine).toBe("HTTP/1.1 200 OK");
};

interface ServingOptions {
  /** The stage has the `/sleep` route (07 on). */
  readonly sleep?: boolean;
  /** Check memory under many clients (see `RobustnessOptions.memory`). */
  readonly memory?: boolean;
  /** Requests through a keep-alive agent (see `RealClientsOptions`). */
  readonly keepAliveRequests?: number;
  /** Also type a request by hand (see `RealClientsOptions`). */
  readonly typing?: boolean;
}

/**
 * What every stage from 05 on does: answer by the request line (with
 * `/sleep` from 07 on), and keep serving after bad clients.
 */
export function describeServing(
  stage: () => RunningStage,
  stageDir: string,
  { sleep = false, memory = true, keepAliveRequests, typing }: ServingOptions = {},
): void {
  describeRouting(stage, stageDir, sleep ? [SLEEP_ROUTE] : []);
  describeRobustness(stage, { refusal: "answers", memory, probe: answersRoot });
  describeRealClients(stage, { uploadStatus: 404, keepAliveRequests, typing });
}

/** The whole test of 05 and 06, against the stage of this test file. */
export function describeRoutingStage(testFileUrl: string, options: ServingOptions = {}): void {
  const stage = useStage(testFileUrl);
  describeBookClaims("05", stage);
  describeServing(stage, stageDirOf(testFileUrl), options);
}
