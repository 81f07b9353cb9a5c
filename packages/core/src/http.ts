// The HTTP/1.1 request-head grammar (RFC 9112), checked byte by byte, and the
// error responses core sends when a request breaks it. Nothing here does I/O.

/** A request head that passed every check: what a stage gets to see. */
export interface Request {
  /** The request line as sent, e.g. `GET / HTTP/1.1`. */
  readonly line: string;
  readonly method: string;
  readonly target: string;
  readonly version: string;
  /** Field lines in the order sent, names as sent, values without surrounding whitespace. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
}

/** Why core refuses a request, as the status it answers with. */
export class HttpError extends Error {
  override name = "HttpError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  414: "URI Too Long",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** A complete response that closes the connection, with a one-line plain-text body. */
export function errorResponse(status: number, detail: string): string {
  const reason = REASONS[status] ?? "Error";
  const body = `${status} ${reason}: ${detail}\n`;
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    "Content-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n" +
    `\r\n${body}`
  );
}

const SP = 0x20;
const HTAB = 0x09;
const CR = 0x0d;
const COLON = 0x3a;

// tchar (RFC 9110 §5.6.2): the characters of a method or a field name.
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[c.charCodeAt(0)] = 1;
}

const isVisible = (b: number): boolean => b >= 0x21 && b <= 0x7e;
// field-vchar and the spaces between them; obs-text (0x80–0xFF) stays allowed.
const isFieldValueByte = (b: number): boolean => b === SP || b === HTAB || isVisible(b) || b >= 0x80;

/** Name the first forbidden control byte of a line, if any (CR is reported as a bare CR). */
function controlByte(line: Uint8Array): string | undefined {
  for (const b of line) {
    if (b === CR) return "a bare CR";
    if (b === 0) return "a NUL byte";
    if ((b < 0x20 && b !== HTAB) || b === 0x7f) return `control byte 0x${b.toString(16).padStart(2, "0")}`;
  }
  return undefined;
}

/**
 * Parse `method SP request-target SP HTTP-version`, with exactly one space
 * between the parts, a token for the method, visible ASCII for the target.
 */
export function parseRequestLine(line: Uint8Array): Pick<Request, "line" | "method" | "target" | "version"> {
  const bad = controlByte(line);
  if (bad) throw new HttpError(400, `the request line contains ${bad}`);
  const text = Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString("latin1");
  const match = /^([^ ]+) ([^ ]+) (HTTP\/\d\.\d)$/.exec(text);
  if (!match) throw new HttpError(400, "the request line is not `METHOD target HTTP/x.y`");
  const [, method = "", target = "", version = ""] = match;
  for (let i = 0; i < method.length; i++) {
    if (!TCHAR[method.charCodeAt(i)]) throw new HttpError(400, "the method is not a token");
  }
  for (let i = 0; i < target.length; i++) {
    if (!isVisible(target.charCodeAt(i))) {
      throw new HttpError(400, "the request target has bytes other than visible ASCII");
    }
  }
  return { line: text, method, target, version };
}

/** Parse `field-name ":" OWS field-value OWS`. */
export function parseFieldLine(line: Uint8Array): [name: string, value: string] {
  const bad = controlByte(line);
  if (bad) throw new HttpError(400, `a header field contains ${bad}`);
  if (line[0] === SP || line[0] === HTAB) {
    throw new HttpError(400, "a header field is folded onto a new line (obs-fold)");
  }
  const colon = line.indexOf(COLON);
  if (colon <= 0) throw new HttpError(400, "a header field has no `name:`");
  for (let i = 0; i < colon; i++) {
    if (!TCHAR[line[i] ?? 0]) throw new HttpError(400, "a header field name is not a token");
  }
  let start = colon + 1;
  let end = line.length;
  while (start < end && (line[start] === SP || line[start] === HTAB)) start++;
  while (end > start && (line[end - 1] === SP || line[end - 1] === HTAB)) end--;
  for (let i = start; i < end; i++) {
    if (!isFieldValueByte(line[i] ?? 0)) throw new HttpError(400, "a header field value has a forbidden byte");
  }
  const bytes = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  return [bytes.toString("latin1", 0, colon), bytes.toString("latin1", start, end)];
}

/**
 * Check the fields that frame a body (RFC 9112 §6): Content-Length must be
 * digits, fit in a safe integer and agree with every other Content-Length,
 * and must not come together with Transfer-Encoding (a request smuggling
 * vector). Returns the length, or undefined when none is given.
 */
export function checkFraming(headers: Request["headers"]): number | undefined {
  let length: number | undefined;
  let transferEncoding = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === "transfer-encoding") transferEncoding = true;
    if (lower !== "content-length") continue;
    for (const part of value.split(",")) {
      const digits = part.trim();
      if (!/^\d+$/.test(digits)) throw new HttpError(400, "Content-Length is not a number of bytes");
      const n = Number(digits);
      if (!Number.isSafeInteger(n)) throw new HttpError(400, "Content-Length is too large");
      if (length !== undefined && n !== length) throw new HttpError(400, "Content-Length values disagree");
      length = n;
    }
  }
  if (transferEncoding && length !== undefined) {
    throw new HttpError(400, "both Content-Length and Transfer-Encoding are given");
  }
  return length;
}
