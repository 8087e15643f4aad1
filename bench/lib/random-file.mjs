// Files of pseudo-random bytes for the benchmarks' data: incompressible, so no
// layer (page cache, filesystem, server) can make them cheaper than they are.
import { randomFillSync } from "node:crypto";
import fs from "node:fs";

/** Writes `size` random bytes to `file`, `buf.length` at a time (buf is scratch space). */
export function writeRandomFile(file, size, buf) {
  const fd = fs.openSync(file, "w");
  try {
    for (let done = 0; done < size; ) {
      const n = Math.min(buf.length, size - done);
      randomFillSync(buf, 0, n);
      fs.writeSync(fd, buf, 0, n);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}
