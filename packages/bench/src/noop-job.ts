// The no-op job of the dispatch scenario: it does nothing with the
// connection it is given, which core's serve() then closes.
import type { TcpStream } from "core";

export async function handleConnection(_stream: TcpStream): Promise<void> {}
