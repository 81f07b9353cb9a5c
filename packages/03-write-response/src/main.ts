// Writing a response — listing 20-3 (2018 and 2021 editions), 21-3 (2024).
import { TcpListener, serve, type TcpStream } from "core";

const listener = await TcpListener.bind();

for await (const stream of listener.incoming()) {
  serve(stream, handleConnection);
}

async function handleConnection(stream: TcpStream): Promise<void> {
  const request = await stream.readRequest();
  if (!request) return; // core has already answered a bad request

  const response = "HTTP/1.1 200 OK\r\n\r\n";
  await stream.writeAll(response);
}
