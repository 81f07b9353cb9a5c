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
 * How long a connection may stay silent before its first byte, once the
 * server starts reading it. Later → 408. A browser opens spare connections
 * that send nothing; in stages 09 and 10 each one holds a pool worker while
 * it waits, so this wait is short.
 */
export const FIRST_BYTE_TIMEOUT_MS = 10_000;

/**
 * Once a request has begun, how long each further line of its head may take.
 * Later → 408. A person typing a request by hand in nc or telnet needs
 * seconds per line; a program sends the whole head at once.
 */
export const HEAD_LINE_TIMEOUT_MS = 30_000;

/**
 * Once a request has begun (its first byte), how long the whole head may
 * take. Later → 408. 60 s is node:http's `headersTimeout` and nginx's
 * `client_header_timeout`; with the per-line limit, a client that trickles
 * one line just in time still cannot hold a connection for ever.
 */
export const HEAD_TIMEOUT_MS = 60_000;

/**
 * Once shutdown has begun (the listener is closed), how long a connection
 * that has sent nothing yet gets to send its first byte before it is closed
 * without an answer. A connection with no byte received has no request in
 * progress, so a graceful shutdown need not wait for its 10 s; a request
 * that is already on its way gets this long to arrive.
 */
export const SHUTDOWN_GRACE_MS = 300;

/**
 * How long a connection may see no traffic at all, in either direction, once
 * its head is read: a client that stops reading our response is dropped
 * instead of holding its socket and its buffered response.
 */
export const IDLE_TIMEOUT_MS = 30_000;

/**
 * After we have answered and shut our side, we keep reading (and dropping)
 * what the client still sends: the part of an upload we never read, or a
 * request it sent after ours. Closing with unread bytes makes the kernel send
 * a reset, which can destroy our response before the client reads it
 * ("lingering close", as Apache and nginx do it). Lingering ends when the
 * client closes its side, or after LINGER_MS without a byte from it.
 */
export const LINGER_MS = 2_000;

/**
 * The longest we linger in all, from the moment our response is out. Past
 * this (or past LINGER_MAX_BYTES) the connection is dropped, and a client
 * still sending may then see a reset instead of our response.
 */
export const LINGER_MAX_MS = 30_000;

/**
 * The most we read and drop while lingering, in bytes, beyond the body the
 * request declared: a request the client sent after ours, say. A client
 * still sending past this is abusing us: we drop the connection rather than
 * spend time reading its bytes.
 */
export const LINGER_MAX_BYTES = 256 * 1024;

/**
 * The largest request body (declared by Content-Length, or any chunked body)
 * that is read and dropped after the answer when the stage did not read it,
 * in bytes. Well above an upload a reader tries by hand (a browser form,
 * `curl -F`, `fetch()` with a file of a few MiB), so that they get the answer
 * instead of a reset. A larger body is read up to this, then dropped.
 */
export const MAX_UNREAD_BODY_BYTES = 64 * 1024 * 1024;
