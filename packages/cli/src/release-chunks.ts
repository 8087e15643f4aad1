/**
 * Gives back the memory of response chunks a restore is done with, every few
 * MiB received. Each chunk an HTTP response delivers is a fresh buffer outside
 * V8's heap (two, in fact: the socket's read and the parser's copy of the body),
 * freed only when the small object holding it is collected. Left to V8, a
 * restore of 2 GiB ran about 100 full collections (triggered by the growth of
 * that outside memory, each marking the whole 30 MB heap: 3.5 of its 7 s of
 * user CPU), and between them the dead chunks held 100-200 MiB. A
 * young-generation collection (a millisecond or less) frees the chunks whose
 * holders died young; run every RELEASE_EVERY bytes it keeps them to tens of
 * MiB, and V8 seldom gets to a full collection. Measured peaks (bench/README.md,
 * 2 GiB): every 16 MiB 188-196 MiB, every 8 MiB 188-195, every 4 MiB 173-178,
 * every 2 MiB 181-190 (more collections promote more chunks still in flight).
 */
import v8 from "node:v8";
import vm from "node:vm";

export const RELEASE_EVERY = 4 * 1024 * 1024;

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
