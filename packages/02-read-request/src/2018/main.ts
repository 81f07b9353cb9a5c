// Reading the request as the 2018 edition and the Russian print have it:
// their listing 20-2, one read into a buffer of 512 bytes.
import { TcpListener, serve, type TcpStream } from "core";

const listener = await TcpListener.bind();

for await (const stream of listener.incoming()) {
  serve(stream, handleConnection);
}

async function handleConnection(stream: TcpStream): Promise<void> {
  const buffer = Buffer.alloc(512); // `[0; 512]`: 512 zero bytes

  await stream.read(buffer);

  // The whole buffer, as `String::from_utf8_lossy(&buffer[..])`: the unused bytes print as NULs.
  console.log(`Request: ${buffer.toString("utf8")}`);
}
