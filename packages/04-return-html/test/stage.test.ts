import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { describeBookClaims, describeRealClients, describeRobustness, get, useStage, type RunningStage } from "testkit";

const stage = useStage(import.meta.url);

describeBookClaims("04", stage);
const hello = readFileSync(new URL("../hello.html", import.meta.url));

async function expectHello(running: RunningStage, path: string): Promise<void> {
  const response = await get(running.port, path);
  expect(response.statusLine).toBe("HTTP/1.1 200 OK");
  expect(response.body.equals(hello)).toBe(true);
  expect(response.headers.get("content-length")).toBe(String(hello.length));
}

it("hello.html has characters of more than one byte, so bytes and characters differ", () => {
  expect(hello.toString("utf8").length).not.toBe(hello.length);
});

it.each(["/", "/any/path"])("answers GET %s with hello.html and its length in bytes", async (path) => {
  await expectHello(stage(), path);
});

describeRobustness(stage, { refusal: "answers", probe: (running) => expectHello(running, "/") });
describeRealClients(stage, { uploadStatus: 200 });
