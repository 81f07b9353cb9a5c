// What 09's and 10's READMEs say of a page load's second connection: Chromium
// asks for the tab's icon, `/favicon.ico`, after the page. Shown here with a
// bare server that only writes down each request line, so that it is the
// browser's behaviour, whatever a stage answers.
import { createServer, type Socket } from "node:net";
import { expect, it } from "vitest";
import { within } from "testkit";
import { describeInBrowser, openTab, seen, useBrowser } from "../src/browser.ts";

describeInBrowser("Chromium's requests for one page load", () => {
  const browser = useBrowser();

  it("are the page, then /favicon.ico on a connection of its own", async () => {
    const lines: string[] = [];
    let connections = 0;
    let sawIcon: () => void = () => {};
    const icon = new Promise<void>((resolve) => (sawIcon = resolve));
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      connections += 1;
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.once("data", (head) => {
        const line = head.toString("latin1").split("\r\n")[0] ?? "";
        lines.push(line);
        if (line.startsWith("GET /favicon.ico ")) sawIcon();
        socket.end("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nHello!");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      await using tab = await openTab(browser());
      await tab.goto(`http://127.0.0.1:${port}/`, { timeout: 30_000 });
      await within(icon, 10_000, "Chromium's request for /favicon.ico");
      expect(lines.slice(0, 2)).toEqual(["GET / HTTP/1.1", "GET /favicon.ico HTTP/1.1"]);
      expect(connections).toBeGreaterThanOrEqual(2); // each answer closes its connection
      seen("09-thread-pool, 10-graceful-shutdown", `a page load's requests: ${lines.join(", ")}`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
