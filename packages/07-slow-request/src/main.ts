// Simulating a slow request — listing 20-10 (2018 and 2021 editions), 21-10 (2024).
import { readFileSync } from "node:fs";
import { TcpListener, serve, sleepMs, thread, type TcpStream } from "core";

const SLEEP_MS = sleepMs(); // the book's 5 seconds; SLEEP_MS=… changes it
const listener = await TcpListener.bind();

for await (const stream of listener.incoming()) {
  serve(stream, handleConnection);
}

async function handleConnection(stream: TcpStream): Promise<void> {
  const request = await stream.readRequest();
  if (!request) return; // core has already answered a bad request

  let answer: [status: string, filename: string];
  switch (request.line) {
    case "GET / HTTP/1.1":
      answer = ["HTTP/1.1 200 OK", "hello.html"];
      break;
    case "GET /sleep HTTP/1.1":
      thread.sleep(SLEEP_MS); // blocks the only thread: no other connection moves meanwhile
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
