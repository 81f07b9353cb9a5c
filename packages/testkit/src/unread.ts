// Knowing that bytes a client sent are waiting, unread, on the server's side
// of the connection: what decides whether closing it sends FIN or a reset.
import { readFileSync } from "node:fs";
import { HAS_PROC } from "./process.ts";

/**
 * Linux: how many bytes wait unread in the receive queue of the server's
 * end of the IPv4 connection from `clientPort` to `serverPort`, read from
 * /proc/net/tcp (ports in hex, then `tx_queue:rx_queue` in hex), or -1
 * while there is no such established connection.
 */
function unreadByServer(serverPort: number, clientPort: number): number {
  const hex = (port: number): string => `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const [, local = "", remote = "", state = "", queues = ""] = line.trim().split(/\s+/);
    // State 01 is ESTABLISHED, also for a connection not accepted yet.
    if (state === "01" && local.endsWith(hex(serverPort)) && remote.endsWith(hex(clientPort))) {
      return Number.parseInt(queues.split(":")[1] ?? "", 16);
    }
  }
  return -1;
}

/**
 * Wait until the server's end of the connection from `clientPort` holds
 * exactly `bytes` unread bytes: those a client has written, when the server
 * reads nothing. On Linux it is read off /proc/net/tcp, within `timeoutMs`;
 * elsewhere (macOS) this waits a fixed 200 ms, loopback having delivered
 * the bytes within the client's write.
 */
export async function untilUnread(
  serverPort: number,
  clientPort: number,
  bytes: number,
  timeoutMs = 5_000,
): Promise<void> {
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  if (!HAS_PROC) return pause(200);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const unread = unreadByServer(serverPort, clientPort);
    if (unread === bytes) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${bytes} unread bytes expected on the server's end of the connection; ${unread} after ${timeoutMs} ms`,
      );
    }
    await pause(10);
  }
}
