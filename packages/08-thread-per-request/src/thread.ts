// What every new thread runs: the book's closure `|| handle_connection(stream)`.
// It waits for the one connection it is given, handles it, and the thread
// ends, since nothing is left to keep it running.
import { parentPort } from "node:worker_threads";
import { TcpStream, serve, type MovedConnection } from "core";
import { handleConnection } from "./handle-connection.ts";

parentPort?.once("message", (connection: MovedConnection) => serve(new TcpStream(connection), handleConnection));
