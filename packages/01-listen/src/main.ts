// Listening to the TCP connection — listing 20-1 (2018 and 2021 editions), 21-1 (2024).
import { TcpListener } from "core";

const listener = await TcpListener.bind();

// `using` drops each connection at the end of its turn of the loop, as Rust
// drops the `TcpStream`: closed at once, its request unread, so the client
// gets no reply, and a reset if its request had already arrived.
// biome-ignore lint/correctness/noUnusedVariables: unused as in the book; Rust drops it here too
for await (using stream of listener.incoming()) {
  console.log("Connection established!");
}
