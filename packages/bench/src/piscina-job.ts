// The same no-op job for Piscina: what the ThreadPool's worker.ts does with
// a moved connection, minus its loop (Piscina has its own).
import { TcpStream, serve, type MovedConnection } from "core";
import { handleConnection } from "./noop-job.ts";

export default (connection: MovedConnection): Promise<void> => serve(new TcpStream(connection), handleConnection);
