// An in-process server over core for the unit tests: every connection is
// handed to `handler` through `serve`, as the stages do.
import { TcpListener, serve, type TcpStream } from "../src/index.ts";
import type { StreamOptions } from "../src/stream.ts";

export interface TestServer {
  readonly port: number;
  /** How many connections the handler has been given so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startServer(
  handler: (stream: TcpStream) => void | Promise<void>,
  options: StreamOptions = {},
): Promise<TestServer> {
  const listener = await TcpListener.listen({ address: { host: "127.0.0.1", port: 0 }, ...options });
  let given = 0;
  void (async () => {
    for await (const stream of listener.incoming()) {
      given += 1;
      serve(stream, handler);
    }
  })();
  return { port: listener.address.port, connections: () => given, close: () => listener.close() };
}

/** A handler that answers with the request core parsed, as JSON. */
export async function echoRequest(stream: TcpStream): Promise<void> {
  const request = await stream.readRequest();
  if (!request) return;
  const body = JSON.stringify(request);
  await stream.writeAll(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
