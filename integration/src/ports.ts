import { createServer } from "node:net";

export const LOOPBACK = "127.0.0.1";

/**
 * A TCP port that was free on `host` a moment ago (the kernel picks it for a port-0 bind).
 * Another process can still grab it before the caller binds it; launchServer retries on that.
 */
export function freePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error(`could not read the port bound on ${host}`));
      });
    });
  });
}

/** True when `port` can be bound on `host` right now (used to check that a stopped server released it). */
export function isPortFree(port: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE" || err.code === "EACCES") resolve(false);
      else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
