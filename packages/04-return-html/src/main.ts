// Returning real HTML — listings 20-4 and 20-5 (2018 and 2021 editions), 21-4 and 21-5 (2024).
import { readFileSync } from "node:fs";
import { TcpListener, serve, type TcpStream } from "core";

const listener = await TcpListener.bind();

for await (const stream of listener.incoming()) {
  serve(stream, handleConnection);
}

async function handleConnection(stream: TcpStream): Promise<void> {
  const request = await stream.readRequest();
  if (!request) return; // core has already answered a bad request

  const status = "HTTP/1.1 200 OK";
  const contents = readFileSync(new URL("../hello.html", import.meta.url), "utf8");
  // Content-Length counts bytes; contents.length would count UTF-16 code units.
  const length = Buffer.byteLength(contents);
  // Beyond the book: `Connection: close` says that this connection ends with the response (RFC 9112 §9.6).
  const response = `${status}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${contents}`;
  await stream.writeAll(response);
}
