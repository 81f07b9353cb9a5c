// The 2018 edition's form of this stage (src/2018/main.ts): one read into
// 512 bytes, printed whole, NULs and all.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  connect,
  describeBookClaims,
  describeRobustness,
  exchange,
  readToClose,
  stageDirOf,
  startStage,
  type RunningStage,
} from "testkit";

const BUFFER = 512;
const NUL = "\0";

let running: RunningStage | undefined;
beforeAll(async () => {
  running = await startStage(stageDirOf(import.meta.url), {}, "src/2018/main.ts");
});
afterAll(async () => {
  await running?.stop();
});
const stage = (): RunningStage => {
  if (!running) throw new Error("the stage is not running");
  return running;
};

// The book's claim holds for the 2018 form too: its raw text shows the request's lines.
describeBookClaims("02", stage);

/** What the stage prints for a read that gave `text`: the whole buffer, the unused part as NULs. */
const printed = (text: string, bytes = Buffer.byteLength(text, "latin1")): string =>
  `Request: ${text}${NUL.repeat(BUFFER - bytes)}\n`;

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

it("prints the raw request after `Request: `, padded with NULs to 512 bytes, and sends nothing back", async () => {
  const raw = `GET /${randomUUID()} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: testkit\r\n\r\n`;
  const reply = await exchange(stage().port, raw);
  expect(reply.bytes.length).toBe(0);
  await stage().waitUntil((out) => out.includes(printed(raw)));
});

it("reads once: of a request longer than 512 bytes it prints what that read gave, at most 512 bytes", async () => {
  const start = `GET /${randomUUID()}/`;
  const raw = `${start}${"a".repeat(700)} HTTP/1.1\r\n\r\n`;
  const reply = await exchange(stage().port, raw);
  expect(reply.bytes.length).toBe(0);
  await stage().waitUntil((out) => out.includes(`Request: ${start}`));
  const out = stage().stdout();
  const from = out.indexOf(`Request: ${start}`) + "Request: ".length;
  const buffer = out.slice(from, from + BUFFER);
  expect(out[from + BUFFER]).toBe("\n");
  const got = buffer.replace(/\0+$/, "");
  expect(raw.startsWith(got)).toBe(true); // on a quiet machine, all 512: got === raw.slice(0, 512)
});

it("prints bytes that are not UTF-8 as replacement characters, as from_utf8_lossy does, and keeps running", async () => {
  const id = randomUUID();
  const raw = Buffer.concat([
    Buffer.from(`GET /${id}/caf`),
    Buffer.from([0xe9, 0xff]),
    Buffer.from(" HTTP/1.1\r\n\r\n"),
  ]);
  await exchange(stage().port, raw);
  await stage().waitUntil((out) => out.includes(printed(`GET /${id}/caf\uFFFD\uFFFD HTTP/1.1\r\n\r\n`, raw.length)));
  expect(stage().running()).toBe(true);
});

it("a client that closes without a byte: the read gives 0 and it prints 512 NULs", async () => {
  const empty = printed("");
  const before = count(stage().stdout(), empty);
  const socket = await connect(stage().port);
  const reply = readToClose(socket);
  socket.end();
  expect((await reply).bytes.length).toBe(0);
  await stage().waitUntil((out) => count(out, empty) > before);
});

describeRobustness(stage, {
  refusal: "closes",
  probe: async (probed: RunningStage) => {
    const raw = `GET /${randomUUID()} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    await exchange(probed.port, raw);
    await probed.waitUntil((out) => out.includes(printed(raw)));
  },
});
