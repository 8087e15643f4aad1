/**
 * Gives back the memory of response chunks a restore is done with, every few
 * MiB received. Each chunk an HTTP response delivers is a fresh buffer outside
 * V8's heap (two, in fact: the socket's read and the parser's copy of the body),
 * freed only when the small object holding it is collected. Left to V8, a
 * restore of 2 GiB ran about 100 full collections (triggered by the growth of
 * that outside memory, each marking the whole 30 MB heap: a third of the
 * process's CPU), and between them the dead chunks held 100-200 MiB.
 * A young-generation collection, a millisecond or less, frees them all,
 * since the objects holding them die young; run every RELEASE_EVERY bytes, it
 * bounds the dead chunks to about twice that, and V8 never gets to a full
 * collection for them (bench/README.md).
 */
import v8 from "node:v8";
import vm from "node:vm";

export const RELEASE_EVERY = 16 * 1024 * 1024;

type Collect = (options: { type: "minor" | "major" }) => void;

/** A counter of received bytes that runs a young-generation collection every `every` bytes. */
export function chunkReleaser(every = RELEASE_EVERY): (bytes: number) => void {
  // --expose-gc set now applies to contexts made from now on: a new context hands over `gc`.
  v8.setFlagsFromString("--expose-gc");
  const collect = vm.runInNewContext("gc") as Collect;
  let received = 0;
  return (bytes) => {
    received += bytes;
    if (received < every) return;
    received = 0;
    collect({ type: "minor" });
  };
}
