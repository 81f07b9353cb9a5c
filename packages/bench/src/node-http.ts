// What a Node.js user would write instead of the book's server: node:http,
// serving the same two pages as stages 06-10 and, like them, reading the
// file for each request. It keeps a connection open when the client asks
// for keep-alive and closes it when the client sends `Connection: close`.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { addressFromEnv, urlOf } from "core";

const pages = new URL("./", import.meta.resolve("10-graceful-shutdown/hello.html"));
const { host, port } = addressFromEnv();

const server = createServer((request, response) => {
  const [status, filename] = request.method === "GET" && request.url === "/" ? [200, "hello.html"] : [404, "404.html"];
  try {
    const contents = readFileSync(new URL(filename, pages)); // synchronous, as the stages read it
    response.writeHead(status, { "Content-Length": contents.length }).end(contents);
  } catch {
    response.writeHead(500).end();
  }
});
server.listen(port, host, () => {
  console.log(`Listening on ${urlOf({ host, port: (server.address() as AddressInfo).port })}`);
});
process.once("SIGTERM", () => server.close());
