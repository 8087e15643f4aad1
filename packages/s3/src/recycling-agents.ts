/**
 * HTTP(S) agents whose sockets give a recycled chunk back (ChunkRecycler) once
 * they have written it. A socket's write callback is the only place that
 * knows a chunk's bytes are in the kernel; the SDK pipes part bodies into its
 * requests without callbacks, so the agents that make the sockets watch for
 * the chunks a part body lent, and nothing else.
 */
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import type { ChunkRecycler } from "@tartape/core";

/** The SDK's own defaults for its agents. */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 } as const;

type WriteCallback = (err?: Error | null) => void;

/** Makes `socket` give each chunk `recycler` lent back once written (not when the write failed). */
export function giveBackWrittenChunks(socket: Duplex, recycler: ChunkRecycler): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    if (!recycler.lends(chunk)) return write(chunk, encoding, callback);
    const done = (typeof encoding === "function" ? encoding : callback) as WriteCallback | undefined;
    return write(chunk, (err?: Error | null) => {
      if (!err) recycler.giveBack(chunk);
      done?.(err);
    });
  }) as typeof socket.write;
}

/** Agents for an S3 client whose part bodies read into `recycler`'s buffers. */
export function recyclingAgents(recycler: ChunkRecycler): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  class RecyclingHttpAgent extends http.Agent {
    override createConnection(...args: Parameters<http.Agent["createConnection"]>): ReturnType<http.Agent["createConnection"]> {
      const socket = super.createConnection(...args);
      if (socket) giveBackWrittenChunks(socket, recycler);
      return socket;
    }
  }
  class RecyclingHttpsAgent extends https.Agent {
    override createConnection(...args: Parameters<https.Agent["createConnection"]>): ReturnType<https.Agent["createConnection"]> {
      const socket = super.createConnection(...args);
      if (socket) giveBackWrittenChunks(socket, recycler);
      return socket;
    }
  }
  return { httpAgent: new RecyclingHttpAgent(AGENT_OPTIONS), httpsAgent: new RecyclingHttpsAgent(AGENT_OPTIONS) };
}
