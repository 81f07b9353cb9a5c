// Closing a connection without losing the response to a reset: the
// "lingering close" of Apache and nginx, which RFC 9112 §9.6 describes.

import type { Socket } from "node:net";
import { LINGER_MAX_BYTES, LINGER_MAX_MS, LINGER_MS } from "./limits.ts";

/**
 * Close `socket` once what was written to it is delivered: our side is shut
 * when the bytes are out, then what the client still sends is read and
 * dropped until it closes its side too. Closing a socket with unread bytes
 * makes the kernel answer with a reset, which can destroy the response
 * before the client has read it. `unreadBody` is the part of the request
 * body, in bytes, the client may still send (0 when it declared none); up
 * to LINGER_MAX_BYTES more are read and dropped, within LINGER_MS of
 * silence and LINGER_MAX_MS in all from the moment our bytes are out. Past
 * those limits the socket is destroyed. A socket whose client has closed
 * its side already is closed as soon as our bytes are out.
 */
export function lingeringClose(socket: Socket, unreadBody: number): void {
  if (socket.destroyed) return;
  if (socket.readableEnded) {
    // The client has closed its side already: send what is left, then go.
    socket.destroySoon();
    return;
  }
  const drop = (): void => {
    socket.destroy();
  };
  let quiet: NodeJS.Timeout | undefined;
  let overall: NodeJS.Timeout | undefined;
  socket.once("finish", () => {
    // Our response is with the kernel; from now on we only wait for the client.
    quiet = setTimeout(drop, LINGER_MS).unref();
    overall = setTimeout(drop, LINGER_MAX_MS).unref();
  });
  socket.once("close", () => {
    clearTimeout(quiet);
    clearTimeout(overall);
  });
  // When the client has closed its side too and our bytes are out, we are done.
  socket.once("end", () => {
    if (socket.writableFinished) socket.destroy();
    else socket.once("finish", drop);
  });
  let budget = unreadBody + LINGER_MAX_BYTES;
  socket.on("data", (chunk: Buffer) => {
    budget -= chunk.length;
    if (budget < 0) drop();
    else quiet?.refresh();
  });
  socket.end();
  socket.resume();
}
