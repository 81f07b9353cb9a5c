import { connect as netConnect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { connect, exchange, parseResponse, readToClose, untilUnread } from "testkit";
import type { Request, TcpStream } from "../src/index.ts";
import * as limits from "../src/limits.ts";
import { echoRequest, startServer, type TestServer } from "./server.ts";

const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
const logged = (): string => stderr.mock.calls.map(([text]) => String(text)).join("");
afterEach(() => stderr.mockClear());
afterAll(() => stderr.mockRestore());

describe("readRequest", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(echoRequest, { firstByteTimeoutMs: 1_000, headLineTimeoutMs: 1_000 });
  });
  afterAll(() => server.close());

  const send = async (raw: string | Buffer) => parseResponse((await exchange(server.port, raw)).bytes);
  const request = async (raw: string | Buffer): Promise<Request> => {
    const response = await send(raw);
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    return JSON.parse(response.body.toString("utf8")) as Request;
  };
  const status = async (raw: string | Buffer): Promise<string> => (await send(raw)).statusLine;

  it("parses the request line and the fields", async () => {
    const got = await request("GET /x HTTP/1.1\r\nHost: example\r\nAccept:  */* \r\n\r\n");
    expect(got).toEqual({
      line: "GET /x HTTP/1.1",
      method: "GET",
      target: "/x",
      version: "HTTP/1.1",
      headers: [
        ["Host", "example"],
        ["Accept", "*/*"],
      ],
    });
  });

  it("accepts bare LF line endings and skips empty lines before the request line", async () => {
    const got = await request("\r\n\nGET / HTTP/1.1\nHost: a\n\n");
    expect(got.line).toBe("GET / HTTP/1.1");
    expect(got.headers).toEqual([["Host", "a"]]);
  });

  it("accepts a request line of exactly the limit, and answers 414 one byte over", async () => {
    const target = (length: number) => `/${"a".repeat(length - "GET / HTTP/1.1".length)}`;
    const atLimit = `GET ${target(limits.MAX_REQUEST_LINE_BYTES)} HTTP/1.1`;
    expect(Buffer.byteLength(atLimit)).toBe(limits.MAX_REQUEST_LINE_BYTES);
    expect((await request(`${atLimit}\r\n\r\n`)).line).toBe(atLimit);
    const over = `GET ${target(limits.MAX_REQUEST_LINE_BYTES + 1)} HTTP/1.1`;
    expect(await status(`${over}\r\n\r\n`)).toBe("HTTP/1.1 414 URI Too Long");
    expect(logged()).toMatch(/: 414: the request line is over 8192 bytes\n/);
  });

  it("answers 431 to a head over the size limit", async () => {
    const field = `X-Filler: ${"f".repeat(1000)}\r\n`;
    const fields = field.repeat(Math.ceil(limits.MAX_HEAD_BYTES / field.length));
    expect(await status(`GET / HTTP/1.1\r\n${fields}\r\n`)).toBe("HTTP/1.1 431 Request Header Fields Too Large");
  });

  it("accepts the maximum number of fields and answers 431 to one more", async () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: ${i}\r\n`).join("");
    const got = await request(`GET / HTTP/1.1\r\n${fields(limits.MAX_HEADER_FIELDS)}\r\n`);
    expect(got.headers).toHaveLength(limits.MAX_HEADER_FIELDS);
    expect(await status(`GET / HTTP/1.1\r\n${fields(limits.MAX_HEADER_FIELDS + 1)}\r\n`)).toBe(
      "HTTP/1.1 431 Request Header Fields Too Large",
    );
  });

  it("answers 408 to a client that sends nothing, and to one that stops halfway", async () => {
    const silent = await connect(server.port);
    const halfway = await connect(server.port);
    halfway.write("GET / HTTP/1.1\r\nHost: a\r\n");
    const [a, b] = await Promise.all([readToClose(silent), readToClose(halfway)]);
    expect(parseResponse(a.bytes).statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(a.bytes.toString()).toContain("408 Request Timeout: no request within 1 s\n");
    expect(parseResponse(b.bytes).statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(b.bytes.toString()).toContain("408 Request Timeout: no complete line of the request head within 1 s\n");
  });

  it("answers 400, and logs one line, when the client closes its side after part of a head", async () => {
    for (const partial of ["GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: a\r\n", "GET / HT"]) {
      stderr.mockClear();
      const socket = await connect(server.port);
      const reply = readToClose(socket);
      socket.end(partial);
      const response = parseResponse((await reply).bytes);
      expect(response.statusLine).toBe("HTTP/1.1 400 Bad Request");
      expect(response.body.toString()).toBe(
        "400 Bad Request: the client closed its side before the request head was complete\n",
      );
      expect(logged()).toMatch(
        /^127\.0\.0\.1:\d+: 400: the client closed its side before the request head was complete\n$/,
      );
    }
  });

  it("closes without an answer or a log line when the client leaves having sent nothing", async () => {
    const socket = await connect(server.port);
    const reply = readToClose(socket);
    socket.end();
    expect((await reply).bytes.length).toBe(0);
    expect(logged()).toBe("");
  });

  it.each([
    ["a bare CR in the request line", "GET /\r HTTP/1.1\r\n\r\n"],
    ["a NUL in a field", "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"],
    ["a control byte in a field", "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n"],
    ["a malformed request line", "GET /\r\n\r\n"],
    ["a request target that is not ASCII", Buffer.from("GET /caf\xe9 HTTP/1.1\r\n\r\n", "latin1")],
    ["a field line without a colon", "GET / HTTP/1.1\r\nHost\r\n\r\n"],
    ["a space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"],
    ["a folded field line", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"],
    ["a Content-Length that is not a number", "POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n"],
    ["a negative Content-Length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"],
    ["an overflowing Content-Length", "POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n"],
    ["conflicting Content-Lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"],
    [
      "Content-Length with Transfer-Encoding",
      "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
    ],
  ])("answers 400 to %s", async (_, raw) => {
    const response = await send(raw);
    expect(response.statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(response.body.toString("utf8")).toMatch(/^400 Bad Request: .+\n$/);
    expect(response.headers.get("content-length")).toBe(String(response.body.length));
  });

  it("still answers a client that closes its sending side right after the request", async () => {
    const socket = await connect(server.port);
    const reply = readToClose(socket);
    socket.end("GET /half HTTP/1.1\r\nHost: a\r\n\r\n");
    const response = parseResponse((await reply).bytes);
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    expect((JSON.parse(response.body.toString()) as Request).target).toBe("/half");
  });

  it("survives a client that resets while the head is being read", async () => {
    const socket = await connect(server.port);
    socket.write("GET / HTTP/1.1\r\nHost:");
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.resetAndDestroy();
    expect((await request("GET / HTTP/1.1\r\n\r\n")).line).toBe("GET / HTTP/1.1");
  });
});

describe("the head's deadlines", () => {
  let server: TestServer;
  afterEach(() => server.close());

  it("gives a person typing by hand time for each line, well past the wait for a first byte", async () => {
    server = await startServer(echoRequest, { firstByteTimeoutMs: 200, headLineTimeoutMs: 5_000 });
    const socket = await connect(server.port);
    const reply = readToClose(socket);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 400)); // twice the first-byte wait
    socket.write("GET /typed HTTP/1.1\r\n");
    await pause();
    socket.write("Host: by-hand\r\n");
    await pause();
    socket.write("\r\n");
    const response = parseResponse((await reply).bytes);
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    expect((JSON.parse(response.body.toString()) as Request).headers).toEqual([["Host", "by-hand"]]);
  });

  it("caps the whole head, even for a client that sends a line often", async () => {
    server = await startServer(echoRequest, { headLineTimeoutMs: 5_000, headTimeoutMs: 300 });
    const socket = await connect(server.port);
    const reply = readToClose(socket);
    socket.write("GET / HTTP/1.1\r\n");
    const trickle = setInterval(() => socket.writable && socket.write("X-Again: yes\r\n"), 50);
    try {
      const response = parseResponse((await reply).bytes);
      expect(response.statusLine).toBe("HTTP/1.1 408 Request Timeout");
      expect(response.body.toString()).toBe("408 Request Timeout: no complete request head within 0.3 s\n");
    } finally {
      clearInterval(trickle);
    }
  });
});

describe("when the listener closes (shutdown)", () => {
  it("closes a connection that has sent nothing, and still answers one whose request is on its way", async () => {
    const server = await startServer(echoRequest);
    const silent = await connect(server.port);
    const silentReply = readToClose(silent, 10_000);
    const late = await connect(server.port);
    const lateReply = readToClose(late, 10_000);
    await vi.waitFor(() => expect(server.connections()).toBe(2), { timeout: 10_000 });
    const closing = server.close();
    late.write("GET /late HTTP/1.1\r\n\r\n"); // sent after shutdown began, within the grace
    const [silentGot, lateGot] = await Promise.all([silentReply, lateReply]);
    expect(silentGot).toEqual({ bytes: Buffer.alloc(0), ending: "end" });
    expect((JSON.parse(parseResponse(lateGot.bytes).body.toString()) as Request).target).toBe("/late");
    expect(logged()).toMatch(/^127\.0\.0\.1:\d+: sent nothing, and the server is shutting down; closing\n$/);
    await closing;
  });
});

describe("lines", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(async (stream) => {
      const lines: string[] = [];
      for await (const line of stream.lines()) lines.push(line);
      await stream.writeAll(JSON.stringify(lines));
    });
  });
  afterAll(() => server.close());

  const linesOf = async (raw: string | Buffer, end = false): Promise<string[]> => {
    const socket = await connect(server.port);
    const reply = readToClose(socket);
    if (end) socket.end(raw);
    else socket.write(raw);
    return JSON.parse((await reply).bytes.toString("utf8")) as string[];
  };

  it("gives the head's lines up to and including the empty line, with either ending", async () => {
    expect(await linesOf("GET / HTTP/1.1\r\nA: 1\nB: 2\r\n\r\nbody\r\n")).toEqual([
      "GET / HTTP/1.1",
      "A: 1",
      "B: 2",
      "",
    ]);
  });

  it("decodes bytes that are not UTF-8 as U+FFFD instead of failing", async () => {
    const raw = Buffer.concat([Buffer.from("caf"), Buffer.from([0xe9]), Buffer.from(" \xff\r\n\r\n", "latin1")]);
    expect(await linesOf(raw)).toEqual(["caf\uFFFD \uFFFD", ""]);
  });

  it("gives a last unterminated line when the client closes its side", async () => {
    expect(await linesOf("GET / HTTP/1.1\r\nHost: a", true)).toEqual(["GET / HTTP/1.1", "Host: a"]);
  });

  it("closes without a reply when the head grows over the limit", async () => {
    const reply = await exchange(server.port, `${"h".repeat(limits.MAX_HEAD_BYTES + 10)}\r\n`);
    expect(reply.bytes.length).toBe(0);
    expect(logged()).toMatch(/: the request head is over 16384 bytes; closing\n/);
  });
});

describe("close", () => {
  it("delivers the response and closes cleanly when a body we did not read is still waiting", async () => {
    const server = await startServer(async (stream) => {
      if (!(await stream.readRequest())) return;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the body arrives meanwhile, unread
      await stream.writeAll("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    try {
      const socket = await connect(server.port);
      const reply = readToClose(socket);
      socket.write(`POST / HTTP/1.1\r\nContent-Length: ${200 * 1024}\r\n\r\n`);
      socket.write(Buffer.alloc(200 * 1024, "x"));
      const { bytes, ending } = await reply;
      expect(bytes.toString()).toBe("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      expect(ending).toBe("end");
    } finally {
      await server.close();
    }
  });
});

describe("drop", () => {
  const request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const ends: Record<string, (stream: TcpStream) => void> = {
    "drop()": (stream) => stream.drop(),
    "the end of a `using` scope": (stream) => {
      using _ = stream;
    },
  };

  it.each(Object.keys(ends))(
    "%s closes at once, unread: a request already waiting makes the kernel reset the connection",
    async (how) => {
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const server = await startServer(async (stream) => {
        await released;
        ends[how]?.(stream);
      });
      try {
        const socket = await connect(server.port);
        const reply = readToClose(socket);
        await new Promise<void>((resolve) => socket.write(request, () => resolve()));
        await untilUnread(server.port, socket.localPort ?? 0, Buffer.byteLength(request));
        release();
        const { bytes, ending } = await reply;
        expect(bytes.length).toBe(0);
        expect(ending).toBe("reset");
        expect(logged()).toBe("");
      } finally {
        await server.close();
      }
    },
  );

  it("closes a connection that sent nothing with a plain FIN: the client reads end-of-stream", async () => {
    const server = await startServer((stream) => stream.drop());
    try {
      const reply = await exchange(server.port, "");
      expect(reply.bytes.length).toBe(0);
      expect(reply.ending).toBe("end");
    } finally {
      await server.close();
    }
  });

  it("hands what writeAll was given to the OS before it closes, as Rust's write_all has", async () => {
    const size = 8 * 1024 * 1024; // more than the kernel takes at once, so part of it is still queued in Node
    const server = await startServer((stream) => {
      void stream.writeAll(Buffer.alloc(size, "d"));
      stream.drop();
    });
    try {
      const reply = await exchange(server.port, "");
      expect(reply.bytes.length).toBe(size);
      expect(reply.ending).toBe("end");
    } finally {
      await server.close();
    }
  });
});

describe("an upload the server never reads", () => {
  it.each([8, 40])("a %i MiB body: the response arrives whole and the connection ends cleanly", async (mib) => {
    const server = await startServer(async (stream) => {
      if (await stream.readRequest())
        await stream.writeAll("HTTP/1.1 404 NOT FOUND\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope");
    });
    try {
      const size = mib * 1024 * 1024;
      const socket = await connect(server.port);
      const reply = readToClose(socket, 20_000);
      socket.write(`POST /upload HTTP/1.1\r\nContent-Length: ${size}\r\n\r\n`);
      socket.end(Buffer.alloc(size, "u"));
      const { bytes, ending } = await reply;
      expect(bytes.toString()).toBe("HTTP/1.1 404 NOT FOUND\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope");
      expect(ending).toBe("end");
    } finally {
      await server.close();
    }
  });

  it(`past ${limits.MAX_UNREAD_BODY_BYTES / 2 ** 20} MiB the client is dropped rather than read for ever`, async () => {
    const server = await startServer(async (stream) => {
      if (await stream.readRequest()) await stream.writeAll("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    try {
      // A client that keeps sending after our answer and our FIN, as an upload does.
      const socket = netConnect({ host: "127.0.0.1", port: server.port, allowHalfOpen: true });
      const reply = readToClose(socket, 20_000);
      socket.write("POST / HTTP/1.1\r\nContent-Length: 1000000000\r\n\r\n");
      const chunk = Buffer.alloc(1024 * 1024, "v");
      let sent = 0;
      const pump = (): void => {
        while (socket.writable && sent <= limits.MAX_UNREAD_BODY_BYTES + limits.LINGER_MAX_BYTES + 8 * chunk.length) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
        }
      };
      pump();
      const { ending } = await reply;
      expect(ending).toBe("reset");
      expect(sent).toBeLessThanOrEqual(limits.MAX_UNREAD_BODY_BYTES + limits.LINGER_MAX_BYTES + 9 * chunk.length);
    } finally {
      await server.close();
    }
  });
});

describe("a client that stops reading", () => {
  it("is dropped after the idle timeout, and writeAll still resolves", async () => {
    let finished = false;
    const server = await startServer(
      async (stream) => {
        if (!(await stream.readRequest())) return;
        await stream.writeAll(Buffer.alloc(32 * 1024 * 1024, "r")); // far more than the socket buffers hold
        finished = true;
      },
      { idleTimeoutMs: 300 },
    );
    try {
      const socket = await connect(server.port);
      socket.pause(); // read nothing
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      socket.on("error", () => {});
      socket.write("GET / HTTP/1.1\r\n\r\n");
      await vi.waitFor(() => expect(finished).toBe(true), { timeout: 10_000 });
      expect(logged()).toMatch(/: no traffic for 0\.3 s; dropping the connection\n/);
      socket.resume();
      await closed;
    } finally {
      await server.close();
    }
  });
});

describe("serve", () => {
  it("answers 500 and keeps serving when the handler throws", async () => {
    let calls = 0;
    const server = await startServer(async (stream) => {
      calls++;
      if (calls === 1) throw new Error("bug in the stage\nsecond line");
      await stream.writeAll("HTTP/1.1 200 OK\r\n\r\n");
    });
    try {
      const first = parseResponse((await exchange(server.port, "GET / HTTP/1.1\r\n\r\n")).bytes);
      expect(first.statusLine).toBe("HTTP/1.1 500 Internal Server Error");
      expect(logged()).toMatch(/^127\.0\.0\.1:\d+: the handler failed: bug in the stage\n$/m);
      expect(logged()).not.toContain("second line");
      const second = await exchange(server.port, "GET / HTTP/1.1\r\n\r\n");
      expect(second.bytes.toString()).toBe("HTTP/1.1 200 OK\r\n\r\n");
    } finally {
      await server.close();
    }
  });

  it("resolves writeAll once the bytes are out, and drops writes to a client that is gone", async () => {
    const results: string[] = [];
    let gone: () => void = () => {};
    const clientGone = new Promise<void>((resolve) => (gone = resolve));
    const server = await startServer(async (stream) => {
      await stream.writeAll(Buffer.alloc(64 * 1024, "z"));
      results.push("written");
      await clientGone;
      for (let i = 0; i < 5; i++) await stream.writeAll(Buffer.alloc(64 * 1024, "z"));
      results.push("no throw");
    });
    try {
      const socket = await connect(server.port);
      let received = 0;
      await new Promise<void>((resolve) =>
        socket.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received === 64 * 1024) resolve();
        }),
      );
      socket.resetAndDestroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      gone();
      await vi.waitFor(() => expect(results).toEqual(["written", "no throw"]), { timeout: 10_000 });
    } finally {
      await server.close();
    }
  });
});
