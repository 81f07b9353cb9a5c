// A touch of refactoring — listing 20-9 (2018 and 2021 editions), 21-9 (2024).
import { readFileSync } from "node:fs";
import { TcpListener, serve, type TcpStream } from "core";

const listener = await TcpListener.bind();

for await (const stream of listener.incoming()) {
  serve(stream, handleConnection);
}

async function handleConnection(stream: TcpStream): Promise<void> {
  const request = await stream.readRequest();
  if (!request) return; // core has already answered a bad request

  // Only the status line and the file differ between the two answers.
  const [status, filename] =
    request.line === "GET / HTTP/1.1" ? ["HTTP/1.1 200 OK", "hello.html"] : ["HTTP/1.1 404 NOT FOUND", "404.html"];

  const contents = readFileSync(new URL(`../${filename}`, import.meta.url), "utf8");
  const length = Buffer.byteLength(contents);
  // Beyond the book: `Connection: close` says that this connection ends with the response (RFC 9112 §9.6).
  const response = `${status}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${contents}`;
  await stream.writeAll(response);
}
