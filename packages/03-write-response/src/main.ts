// Writing a response — listing 20-3 (21-3 in the 2024 edition).
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
