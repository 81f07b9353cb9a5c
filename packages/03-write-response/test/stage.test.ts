import { expect, it } from "vitest";
import {
  describeBookClaims,
  describeRealClients,
  describeRobustness,
  exchange,
  useStage,
  type RunningStage,
} from "testkit";

const stage = useStage(import.meta.url);

describeBookClaims("03", stage);

async function expectEmptyOk(running: RunningStage, request: string): Promise<void> {
  const reply = await exchange(running.port, request);
  expect(reply.bytes.toString("latin1")).toBe("HTTP/1.1 200 OK\r\n\r\n");
}

it.each([
  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
  "GET /anything/at/all HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
  "POST /form HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
])("answers %j with exactly `HTTP/1.1 200 OK\\r\\n\\r\\n`", async (request) => {
  await expectEmptyOk(stage(), request);
});

describeRobustness(stage, {
  refusal: "answers",
  probe: (running) => expectEmptyOk(running, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
});

// 03's response has no length, so its body ends where the connection does: no keep-alive check.
describeRealClients(stage, { uploadStatus: 200, keepAliveRequests: 0 });
