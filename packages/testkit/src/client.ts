import { connect as netConnect, type Socket } from "node:net";

/** Open a TCP connection to 127.0.0.1:`port`. */
export function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** What came back on a connection, up to the server closing it. */
export interface Reply {
  readonly bytes: Buffer;
  /** How the server ended the connection. */
  readonly ending: "end" | "reset";
}

/**
 * Read everything `socket` receives until the server closes it. A reset
 * after the data counts as an ending too, since a refusing server may reset.
 * The timeout is a bound for a server that never closes, not a speed: it is
 * generous, since on a loaded machine a stage may take seconds to start the
 * thread that answers.
 */
export function readToClose(socket: Socket, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ending: Reply["ending"] = "end";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `the server did not close the connection within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString("latin1").slice(0, 200))}`,
        ),
      );
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") ending = "reset";
      else reject(error);
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ bytes: Buffer.concat(chunks), ending });
    });
  });
}

/** Send `request` on a new connection and read the reply to the end. */
export async function exchange(port: number, request: string | Uint8Array, timeoutMs?: number): Promise<Reply> {
  const socket = await connect(port);
  const reply = readToClose(socket, timeoutMs);
  socket.write(request);
  return reply;
}

/** A response split into its parts, without interpreting the body. */
export interface Response {
  readonly statusLine: string;
  /** Header names lowercased. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** Split raw response bytes at the first CRLF CRLF. */
export function parseResponse(bytes: Buffer): Response {
  const end = bytes.indexOf("\r\n\r\n");
  if (end === -1) throw new Error(`not an HTTP response: ${JSON.stringify(bytes.toString("latin1").slice(0, 200))}`);
  const [statusLine = "", ...fields] = bytes.toString("latin1", 0, end).split("\r\n");
  const headers = new Map<string, string>();
  for (const field of fields) {
    const colon = field.indexOf(":");
    headers.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim());
  }
  return { statusLine, headers, body: bytes.subarray(end + 4) };
}

/** `GET path HTTP/1.1` with a Host field, as a browser would ask, parsed. */
export async function get(port: number, path = "/", timeoutMs?: number): Promise<Response> {
  const reply = await exchange(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, timeoutMs);
  return parseResponse(reply.bytes);
}

/** Whether anything accepts a connection on 127.0.0.1:`port` now (the connection is closed at once). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
