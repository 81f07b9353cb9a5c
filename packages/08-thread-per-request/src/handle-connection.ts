// The request handling of stage 07, unchanged; each thread loads this module.
import { readFileSync } from "node:fs";
import { sleepMs, thread, type TcpStream } from "core";

const SLEEP_MS = sleepMs(); // the book's 5 seconds; SLEEP_MS=… changes it

export async function handleConnection(stream: TcpStream): Promise<void> {
  const request = await stream.readRequest();
  if (!request) return; // core has already answered a bad request

  let answer: [status: string, filename: string];
  switch (request.line) {
    case "GET / HTTP/1.1":
      answer = ["HTTP/1.1 200 OK", "hello.html"];
      break;
    case "GET /sleep HTTP/1.1":
      thread.sleep(SLEEP_MS); // blocks this connection's own thread only
      answer = ["HTTP/1.1 200 OK", "hello.html"];
      break;
    default:
      answer = ["HTTP/1.1 404 NOT FOUND", "404.html"];
  }
  const [status, filename] = answer;

  const contents = readFileSync(new URL(`../${filename}`, import.meta.url), "utf8");
  const length = Buffer.byteLength(contents);
  // Beyond the book: `Connection: close` says that this connection ends with the response (RFC 9112 §9.6).
  const response = `${status}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${contents}`;
  await stream.writeAll(response);
}
