import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { record } from "../record.js";
import { bytes, setMtimeNs, tempDir, writeFile } from "../test-util/fs.js";
import { fileTarget } from "../upload/file-target.js";
import { uploadTape } from "../upload/upload-tape.js";
import { FileSource } from "../remote/file-source.js";
import type { RemoteTapeLocation } from "../remote/remote-tape.js";
import type { ObjectVersion } from "../remote/source.js";
import { DestinationNotEmptyError } from "../restore/errors.js";
import { downloadTape, PartCorruptError } from "./download-tape.js";

const PART = 4096;

async function uploaded(): Promise<{ file: string; location: RemoteTapeLocation }> {
  const root = path.join(tempDir(), "ds");
  writeFile(path.join(root, "a.bin"), bytes(20 * PART + 123, 5));
  writeFile(path.join(root, "b.txt"), "bee\n");
  await record(root);
  const file = path.join(tempDir(), "tape.tar");
  await uploadTape(root, fileTarget(file, { partSize: PART }), { concurrency: 3 });
  return { file, location: { tape: new FileSource(file), catalog: new FileSource(`${file}.tartape-catalog`) } };
}

describe("downloadTape", () => {
  it("writes the object byte for byte, every part checked; an existing file is refused", async () => {
    const { file, location } = await uploaded();
    const out = path.join(tempDir(), "copy.tar");
    const result = await downloadTape(location, out, { concurrency: 4 });
    expect(fs.readFileSync(out).equals(fs.readFileSync(file))).toBe(true);
    expect(result.verified).toBe(true);
    expect(result.parts).toBe(Math.ceil(fs.statSync(file).size / PART));
    expect(fs.readdirSync(path.dirname(out))).toEqual(["copy.tar"]);
    await expect(downloadTape(location, out)).rejects.toThrow(DestinationNotEmptyError);
  });

  it("interrupted, then run again: only the parts not recorded are fetched", async () => {
    const { file, location } = await uploaded();
    const out = path.join(tempDir(), "copy.tar");
    const controller = new AbortController();
    let reads = 0;
    const counting: RemoteTapeLocation = {
      ...location,
      tape: {
        id: location.tape.id,
        stat: (signal) => location.tape.stat(signal),
        read: (start: number, end: number, version: ObjectVersion, signal?: AbortSignal) => {
          if (++reads === 8) controller.abort(new Error("stop"));
          return location.tape.read(start, end, version, signal);
        },
      },
    };
    await expect(downloadTape(counting, out, { concurrency: 2, signal: controller.signal })).rejects.toThrow();
    expect(fs.existsSync(out)).toBe(false);
    const second = await downloadTape(location, out, { concurrency: 2 });
    expect(second.partsSkipped).toBeGreaterThanOrEqual(5);
    expect(second.bytesFetched).toBeLessThanOrEqual(fs.statSync(file).size - 5 * PART);
    expect(fs.readFileSync(out).equals(fs.readFileSync(file))).toBe(true);
  });

  it("a damaged byte: fails naming the part, and no file appears", async () => {
    const { file, location } = await uploaded();
    const stat = fs.statSync(file, { bigint: true });
    const fd = fs.openSync(file, "r+");
    fs.writeSync(fd, Buffer.from([fs.readFileSync(file)[3 * PART + 9]! ^ 0xff]), 0, 1, 3 * PART + 9);
    fs.closeSync(fd);
    setMtimeNs(file, stat.mtimeNs);
    const out = path.join(tempDir(), "copy.tar");
    await expect(downloadTape(location, out)).rejects.toThrow(PartCorruptError);
    await expect(downloadTape(location, out)).rejects.toThrow(/Part 4 \(bytes 12288-16383\)/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("without a catalog: the object, unverified", async () => {
    const { file } = await uploaded();
    const out = path.join(tempDir(), "copy.tar");
    const result = await downloadTape({ tape: new FileSource(file), catalog: null }, out);
    expect(result.verified).toBe(false);
    expect(fs.readFileSync(out).equals(fs.readFileSync(file))).toBe(true);
  });
});
