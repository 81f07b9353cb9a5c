// Listening to the TCP connection — listing 20-1 (2018 and 2021 editions), 21-1 (2024).
import { TcpListener } from "core";

const listener = await TcpListener.bind();

// `using` closes each connection at the end of its turn of the loop, as Rust
// drops the `TcpStream`: the client sees the connection end, with no reply.
// biome-ignore lint/correctness/noUnusedVariables: unused as in the book; Rust drops it here too
for await (using stream of listener.incoming()) {
  console.log("Connection established!");
}
