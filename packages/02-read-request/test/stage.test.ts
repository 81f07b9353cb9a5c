import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { connect, describeBookClaims, describeRobustness, exchange, useStage, type RunningStage } from "testkit";

const stage = useStage(import.meta.url);

describeBookClaims("02", stage);

/** Every `Request: [...]` block printed so far, parsed. */
function printedRequests(stdout: string): string[][] {
  return [...stdout.matchAll(/^Request: (\[\]|\[\n[\s\S]*?\n\])$/gm)].map((m) => JSON.parse(m[1] ?? "[]") as string[]);
}

/** Send `raw`, wait for the printed request whose first line is `firstLine`. */
async function sendAndRead(raw: string | Buffer, firstLine: string): Promise<string[]> {
  await exchange(stage().port, raw);
  await stage().waitUntil((out) => printedRequests(out).some((r) => r[0] === firstLine));
  const found = printedRequests(stage().stdout()).find((r) => r[0] === firstLine);
  return found ?? [];
}

it("prints exactly the lines sent, up to the blank line", async () => {
  const line = `GET /${randomUUID()} HTTP/1.1`;
  const printed = await sendAndRead(
    `${line}\r\nHost: 127.0.0.1\r\nUser-Agent: testkit\r\n\r\nthis is a body, not the head\r\n`,
    line,
  );
  expect(printed).toEqual([line, "Host: 127.0.0.1", "User-Agent: testkit"]);
});

it("accepts bare LF line endings", async () => {
  const line = `GET /${randomUUID()} HTTP/1.1`;
  const printed = await sendAndRead(`${line}\nAccept: */*\n\n`, line);
  expect(printed).toEqual([line, "Accept: */*"]);
});

it("prints bytes that are not UTF-8 as replacement characters and keeps running", async () => {
  const id = randomUUID();
  const raw = Buffer.concat([
    Buffer.from(`GET /${id}/caf`),
    Buffer.from([0xe9, 0xff]),
    Buffer.from(" HTTP/1.1\r\n\r\n"),
  ]);
  const printed = await sendAndRead(raw, `GET /${id}/caf\uFFFD\uFFFD HTTP/1.1`);
  expect(printed).toEqual([`GET /${id}/caf\uFFFD\uFFFD HTTP/1.1`]);
  expect(stage().running()).toBe(true);
});

it("prints `Request: []` for a connection closed without sending anything, as a browser's spare one", async () => {
  const empty = (out: string): number => printedRequests(out).filter((r) => r.length === 0).length;
  const before = empty(stage().stdout());
  const socket = await connect(stage().port);
  socket.end();
  await stage().waitUntil((out) => empty(out) > before);
});

it("sends nothing back", async () => {
  const line = `GET /${randomUUID()} HTTP/1.1`;
  const reply = await exchange(stage().port, `${line}\r\n\r\n`);
  expect(reply.bytes.length).toBe(0);
});

describeRobustness(stage, {
  refusal: "closes",
  probe: async (running: RunningStage) => {
    const line = `GET /${randomUUID()} HTTP/1.1`;
    await exchange(running.port, `${line}\r\nHost: 127.0.0.1\r\n\r\n`);
    await running.waitUntil((out) => printedRequests(out).some((r) => r[0] === line));
  },
});
