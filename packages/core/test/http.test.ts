import { describe, expect, it } from "vitest";
import { checkFraming, errorResponse, parseFieldLine, parseRequestLine } from "../src/http.ts";

const bytes = (text: string): Buffer => Buffer.from(text, "latin1");

/** The status an HttpError carries, or "ok" when parsing succeeds. */
function outcome(parse: () => unknown): number | "ok" {
  try {
    parse();
    return "ok";
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe("request line", () => {
  it("splits a valid request line", () => {
    expect(parseRequestLine(bytes("GET /a?b=c HTTP/1.1"))).toEqual({
      line: "GET /a?b=c HTTP/1.1",
      method: "GET",
      target: "/a?b=c",
      version: "HTTP/1.1",
    });
  });

  it.each([
    ["GET /", 400],
    ["GET  / HTTP/1.1", 400],
    ["GET / HTTP/1.1 ", 400],
    ["GET / HTTP/1.1 extra", 400],
    ["GET / HTTP/11", 400],
    ["GET / http/1.1", 400],
    ["G(T / HTTP/1.1", 400],
    ["GET /\r HTTP/1.1", 400],
    ["GET /\0 HTTP/1.1", 400],
    ["GET /\x01 HTTP/1.1", 400],
    ["GET /\x7f HTTP/1.1", 400],
    ["GET /caf\xe9 HTTP/1.1", 400],
    ["get / HTTP/1.1", "ok"],
    ["GET / HTTP/1.0", "ok"],
    ["OPTIONS * HTTP/1.1", "ok"],
  ] as const)("%j → %s", (line, status) => {
    expect(outcome(() => parseRequestLine(bytes(line)))).toBe(status);
  });
});

describe("field line", () => {
  it("trims optional whitespace around the value and keeps the name as sent", () => {
    expect(parseFieldLine(bytes("Host: \t127.0.0.1:7878 \t"))).toEqual(["Host", "127.0.0.1:7878"]);
    expect(parseFieldLine(bytes("X-Empty:"))).toEqual(["X-Empty", ""]);
  });

  it("keeps obs-text (bytes 0x80–0xFF) in values", () => {
    expect(parseFieldLine(bytes("X-Name: caf\xe9"))).toEqual(["X-Name", "caf\xe9"]);
  });

  it.each([
    ["NoColon", 400],
    [": no name", 400],
    ["Bad Name: x", 400],
    ["Name : x", 400],
    [" folded: x", 400],
    ["\tfolded: x", 400],
    ["X: a\rb", 400],
    ["X: a\0b", 400],
    ["X: a\x1bb", 400],
    ["X: a\x7fb", 400],
  ] as const)("%j → %s", (line, status) => {
    expect(outcome(() => parseFieldLine(bytes(line)))).toBe(status);
  });
});

describe("body framing", () => {
  it.each([
    [[["Content-Length", "0"]], 0],
    [[["content-length", "42"]], 42],
    [[["Content-Length", "5, 5"]], 5],
    [
      [
        ["Content-Length", "5"],
        ["Content-Length", "5"],
      ],
      5,
    ],
    [[], undefined],
    [[["Transfer-Encoding", "chunked"]], undefined],
  ] as const)("accepts %j", (headers, length) => {
    expect(checkFraming(headers)).toBe(length);
  });

  it.each([
    [[["Content-Length", "abc"]]],
    [[["Content-Length", "-1"]]],
    [[["Content-Length", "+1"]]],
    [[["Content-Length", ""]]],
    [[["Content-Length", "99999999999999999999"]]],
    [[["Content-Length", "1, 2"]]],
    [
      [
        ["Content-Length", "1"],
        ["Content-Length", "2"],
      ],
    ],
    [
      [
        ["Content-Length", "3"],
        ["Transfer-Encoding", "chunked"],
      ],
    ],
  ] as const)("refuses %j with 400", (headers) => {
    expect(outcome(() => checkFraming(headers))).toBe(400);
  });
});

describe("errorResponse", () => {
  it("is a complete response whose Content-Length counts the body's bytes", () => {
    const response = errorResponse(400, "naïve");
    const [head = "", body = ""] = response.split("\r\n\r\n");
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    expect(head).toContain("Connection: close");
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(Buffer.byteLength(body)).not.toBe(body.length);
  });
});
