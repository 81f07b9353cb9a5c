// One read from a socket, as Rust's `Read::read` on a `TcpStream` does it:
// what the 2018 edition's listings call with a fixed buffer, `[0; 512]`.

import type { Socket } from "node:net";

/**
 * Wait until bytes are available on `socket` (or it ends), copy at most
 * `into.length` of them to the start of `into`, and resolve with how many
 * were copied: 0 when the client has closed its side, or the connection is
 * gone. It never waits for `into` to fill. Bytes of that arrival that do not
 * fit stay with the socket (`unshift`), for the next read.
 *
 * It reads only while it waits: the socket is paused again before it
 * resolves, so what the client sends later stays with the kernel. Only one
 * reader of the socket's `data` may be active: it throws if there is another.
 */
export function readSome(socket: Socket, into: Uint8Array): Promise<number> {
  if (socket.listenerCount("data") > 0) {
    throw new Error("read() needs the connection to itself: another read, or lines(), is already reading it");
  }
  if (into.length === 0 || socket.destroyed || socket.readableEnded) return Promise.resolve(0);
  return new Promise((resolve) => {
    const done = (count: number): void => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      resolve(count);
    };
    const onData = (chunk: Buffer): void => {
      socket.pause();
      const count = Math.min(chunk.length, into.length);
      into.set(chunk.subarray(0, count));
      if (count < chunk.length) socket.unshift(chunk.subarray(count));
      done(count);
    };
    const onEnd = (): void => done(0);
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.resume();
  });
}
