import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { ChunkRecycler } from "@tartape/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recyclingAgents } from "./recycling-agents.js";

/** A real HTTP server on loopback that answers with the SHA-256 of each request body. */
let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const hash = createHash("sha256");
    req.on("data", (d: Buffer) => hash.update(d));
    req.on("end", () => res.end(hash.digest("hex")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function put(agent: http.Agent, write: (req: http.ClientRequest) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: "PUT", path: "/", agent }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    write(req);
  });
}

describe("recycling agents", () => {
  it("give each lent chunk back once its socket wrote it, and the server gets the right bytes", async () => {
    const recycler = new ChunkRecycler(256 * 1024, 64);
    const { httpAgent } = recyclingAgents(recycler);
    const expected = createHash("sha256");
    const lent: Buffer[] = [];
    const got = await put(httpAgent, (req) => {
      for (let i = 0; i < 20; i++) {
        const chunk = recycler.take(256 * 1024);
        randomBytes(chunk.length).copy(chunk);
        expected.update(chunk);
        lent.push(chunk);
        req.write(chunk);
        req.write("\r\n"); // other writes pass through untouched
        expected.update("\r\n");
      }
      req.end();
    });
    expect(got).toBe(expected.digest("hex"));
    for (const chunk of lent) expect(recycler.lends(chunk)).toBe(false);
    expect(recycler.idle).toBe(20);
    httpAgent.destroy();
  });

  it("keep a chunk lent while it is not written yet (a connection still being made)", async () => {
    const recycler = new ChunkRecycler(1024, 4);
    const { httpAgent } = recyclingAgents(recycler);
    const chunk = recycler.take(1024);
    let lentBeforeConnect = false;
    await put(httpAgent, (req) => {
      req.write(chunk);
      lentBeforeConnect = recycler.lends(chunk); // the socket is still connecting: nothing written
      req.end();
    });
    expect(lentBeforeConnect).toBe(true);
    expect(recycler.lends(chunk)).toBe(false);
    httpAgent.destroy();
  });
});
