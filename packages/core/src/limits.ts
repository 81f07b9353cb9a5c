// Every limit core enforces, in one place, with the reason for its value.
// A server that reads whatever a client sends, for as long as it likes, can be
// made to run out of memory or connections by a single misbehaving client.

/**
 * Longest request line, in bytes (without its line ending). Longer → 414.
 * RFC 9112 §3 asks servers to accept request lines of at least 8000 octets;
 * 8 KiB is what most servers and proxies allow.
 */
export const MAX_REQUEST_LINE_BYTES = 8 * 1024;

/**
 * Largest request head (request line + field lines + line endings), in bytes.
 * Larger → 431. 16 KiB is node:http's default (`--max-http-header-size`) and
 * leaves room for the cookies a browser sends to localhost.
 */
export const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Most header fields in one request. More → 431. Browsers send about 15;
 * 100 is node:http's default (`server.maxHeadersCount`).
 */
export const MAX_HEADER_FIELDS = 100;

/**
 * How long a client may take, from connecting, to send a complete request
 * head. Later → 408. Without it, a client that connects and sends nothing
 * (a browser's speculative pre-connection does exactly that) holds a
 * connection forever; 10 s is generous for anything but an attack.
 */
export const HEAD_TIMEOUT_MS = 10_000;

/**
 * How long a connection may see no traffic at all, in either direction, once
 * its head is read: a client that stops reading our response is dropped
 * instead of holding its socket and its buffered response.
 */
export const IDLE_TIMEOUT_MS = 30_000;

/**
 * After we close our side, how long we keep reading (and discarding) what
 * the client still sends, before we drop the connection. Closing a socket
 * with unread bytes in it makes the kernel send a reset, which can destroy
 * our response before the client has read it ("lingering close", as Apache
 * and nginx do it).
 */
export const LINGER_MS = 2_000;

/**
 * How much of what the client still sends we read and drop while lingering.
 * A client still sending after we answered is, past this, abusing us: we
 * drop the connection rather than spend memory reading its bytes.
 */
export const LINGER_MAX_BYTES = 256 * 1024;
