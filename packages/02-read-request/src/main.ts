// Reading the request — listing 20-2 (2018 and 2021 editions), 21-2 (2024).
import { TcpListener, serve, type TcpStream } from "core";

const listener = await TcpListener.bind();

for await (const stream of listener.incoming()) {
  serve(stream, handleConnection);
}

async function handleConnection(stream: TcpStream): Promise<void> {
  const httpRequest: string[] = [];
  for await (const line of stream.lines()) {
    if (line === "") break; // the empty line ends the request head
    httpRequest.push(line);
  }
  console.log(`Request: ${JSON.stringify(httpRequest, null, 4)}`);
}
