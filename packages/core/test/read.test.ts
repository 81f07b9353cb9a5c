// TcpStream.read: one read into a buffer, as Rust's `Read::read`.
import type { Socket } from "node:net";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import { connect, parseResponse, readToClose } from "testkit";
import type { TcpStream } from "../src/index.ts";
import { startServer, type TestServer } from "./server.ts";

const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
const logged = (): string => stderr.mock.calls.map(([text]) => String(text)).join("");
afterEach(() => stderr.mockClear());
afterAll(() => stderr.mockRestore());

/** One read into a new buffer of `size` bytes: the count, and the whole buffer as latin1, so that NULs show. */
async function readOnce(stream: TcpStream, size: number): Promise<[count: number, buffer: string]> {
  const buffer = new Uint8Array(size);
  const count = await stream.read(buffer);
  return [count, Buffer.from(buffer).toString("latin1")];
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serve with `handler`, let `client` write on a new connection, and give everything the server sent back. */
async function run(
  handler: (stream: TcpStream) => Promise<unknown>,
  client: (socket: Socket) => void,
): Promise<Buffer> {
  server = await startServer(async (stream) => {
    const result = await handler(stream);
    if (result !== undefined) await stream.writeAll(JSON.stringify(result));
  });
  const socket = await connect(server.port);
  const reply = readToClose(socket);
  client(socket);
  return (await reply).bytes;
}
const json = (bytes: Buffer): unknown => JSON.parse(bytes.toString("utf8"));

it("gives what has arrived, without waiting for the buffer to fill, and leaves the rest of the buffer as it was", async () => {
  const reply = await run(
    (stream) => readOnce(stream, 512),
    (socket) => socket.write("GET / HTTP/1.1\r\n\r\n"),
  );
  expect(json(reply)).toEqual([18, `GET / HTTP/1.1\r\n\r\n${"\0".repeat(512 - 18)}`]);
});

it("keeps what does not fit for the next read, and gives 0 once the client has closed its side", async () => {
  const reply = await run(
    async (stream) => {
      const reads = [];
      for (;;) {
        const read = await readOnce(stream, 4);
        reads.push(read);
        if (read[0] === 0) return reads;
      }
    },
    (socket) => socket.end("abcdefghij"),
  );
  expect(json(reply)).toEqual([
    [4, "abcd"],
    [4, "efgh"],
    [2, "ij\0\0"],
    [0, "\0\0\0\0"],
  ]);
});

it("gives 0 for an empty buffer, and to a client that closes its side having sent nothing", async () => {
  const reply = await run(
    async (stream) => [await readOnce(stream, 0), await readOnce(stream, 8)],
    (socket) => socket.end(),
  );
  expect(json(reply)).toEqual([
    [0, ""],
    [0, "\0".repeat(8)],
  ]);
});

it("leaves to lines() what it did not take", async () => {
  const reply = await run(
    async (stream) => {
      const [, first] = await readOnce(stream, 4);
      const lines = [];
      for await (const line of stream.lines()) lines.push(line);
      return [first, lines];
    },
    (socket) => socket.write("GET / HTTP/1.1\r\nA: 1\r\n\r\n"),
  );
  expect(json(reply)).toEqual(["GET ", ["/ HTTP/1.1", "A: 1", ""]]);
});

it("gives 0, and does not throw, when the client resets while it waits", async () => {
  let count: Promise<number> | undefined;
  const reply = await run(
    async (stream) => {
      count = stream.read(new Uint8Array(16));
      await count;
    },
    (socket) => setTimeout(() => socket.resetAndDestroy(), 50),
  );
  expect(reply.length).toBe(0);
  expect(await count).toBe(0);
});

it("gives 0 once the stream is closed", async () => {
  let read: [number, string] | undefined;
  await run(
    async (stream) => {
      stream.close();
      read = await readOnce(stream, 4);
    },
    (socket) => socket.write("GET / HTTP/1.1\r\n\r\n"),
  );
  expect(read).toEqual([0, "\0\0\0\0"]);
});

it("throws, a bug in the stage, once lines() is reading the stream: serve answers 500", async () => {
  const reply = await run(
    async (stream) => {
      for await (const line of stream.lines()) if (line === "A: 1") break;
      await stream.read(new Uint8Array(4));
    },
    (socket) => socket.write("GET / HTTP/1.1\r\nA: 1\r\n\r\n"),
  );
  expect(parseResponse(reply).statusLine).toBe("HTTP/1.1 500 Internal Server Error");
  expect(logged()).toMatch(/: the handler failed: read\(\) needs the connection to itself/);
});
