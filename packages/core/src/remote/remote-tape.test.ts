import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { record } from "../record.js";
import { bytes, collect, collectUntilError, setMtimeNs, tempDir, writeFile } from "../test-util/fs.js";
import { openTape } from "../tape/tape.js";
import { fileTarget } from "../upload/file-target.js";
import { uploadTape } from "../upload/upload-tape.js";
import { CatalogInvalidError, NotAFileError, RemoteEntryNotFoundError, RemoteFileCorruptError, RemoteObjectNotFoundError } from "./errors.js";
import { FileSource } from "./file-source.js";
import { RemoteTape, getRemoteFile, listRemote, type RemoteEntry, type RemoteTapeLocation } from "./remote-tape.js";

const PART = 4096;

/** A tree with a file spanning three parts, an empty file, a long PAX path and a symlink. */
function tree(): string {
  const root = path.join(tempDir(), "ds");
  writeFile(path.join(root, "small.txt"), "hello\n");
  writeFile(path.join(root, "empty"), "");
  writeFile(path.join(root, "big.bin"), bytes(3 * PART + 100, 7));
  writeFile(path.join(root, `${"d".repeat(120)}/${"n".repeat(90)}.txt`), "long name\n");
  writeFile(path.join(root, "sub/exec.sh"), "#!/bin/sh\n", { mode: 0o755 });
  fs.symlinkSync("small.txt", path.join(root, "link"));
  return root;
}

async function uploaded(): Promise<{ root: string; file: string; location: RemoteTapeLocation }> {
  const root = tree();
  await record(root);
  const file = path.join(tempDir(), "tape.tar");
  const result = await uploadTape(root, fileTarget(file, { partSize: PART }), { concurrency: 3 });
  expect(result.catalog).toBe("written");
  return { root, file, location: { tape: new FileSource(file), catalog: new FileSource(`${file}.tartape-catalog`) } };
}

async function all(entries: AsyncIterable<RemoteEntry>): Promise<RemoteEntry[]> {
  const out: RemoteEntry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

async function content(location: RemoteTapeLocation, p: string): Promise<Buffer> {
  const got = await getRemoteFile(location, p);
  return collect(got.stream!);
}

describe("remote tape through its catalog (file target)", () => {
  it("lists the entries the index holds, with the same offsets", async () => {
    const { root, location } = await uploaded();
    const listing = await listRemote(location);
    expect(listing.catalogFound).toBe(true);
    const remote = await all(listing.entries);
    const tape = openTape(root);
    const local = [...tape.entries()];
    tape.close();
    expect(remote.map((e) => [e.path, e.kind, e.size, e.headerOffset, e.dataOffset, e.endOffset])).toEqual(
      local.map((e) => [e.arcPath, e.kind, e.size, e.startOffset, e.dataOffset, e.endOffset]),
    );
    expect(remote.filter((e) => e.kind === "file").every((e) => /^[0-9a-f]{8}$/.test(e.crc32 ?? ""))).toBe(true);
  });

  it("holds no local path: every block, the parts and the index name only archive paths", async () => {
    const { root, file } = await uploaded();
    const reader = (await RemoteTape.open({ tape: new FileSource(file), catalog: new FileSource(`${file}.tartape-catalog`) })).catalog!;
    const all = [JSON.stringify(reader.index), JSON.stringify(await reader.parts())];
    for await (const e of reader.entries()) all.push(JSON.stringify(e));
    for (const piece of all) {
      expect(piece).not.toContain(path.dirname(root));
      expect(piece).not.toContain(os.tmpdir());
    }
    expect(all.length).toBeGreaterThan(5);
  });

  it("lists under a prefix only", async () => {
    const { location } = await uploaded();
    const remote = await all((await listRemote(location, { prefix: "ds/sub" })).entries);
    expect(remote.map((e) => e.path)).toEqual(["ds/sub", "ds/sub/exec.sh"]);
  });

  it("gets a small file, an empty one, one spanning three parts, a PAX long name; a symlink gives its target", async () => {
    const { root, location } = await uploaded();
    expect(await content(location, "ds/small.txt")).toEqual(Buffer.from("hello\n"));
    expect(await content(location, "ds/empty")).toEqual(Buffer.alloc(0));
    expect((await content(location, "ds/big.bin")).equals(fs.readFileSync(path.join(root, "big.bin")))).toBe(true);
    const long = `ds/${"d".repeat(120)}/${"n".repeat(90)}.txt`;
    const got = await getRemoteFile(location, long);
    expect(got.verified).toBe(true);
    expect(await collect(got.stream!)).toEqual(Buffer.from("long name\n"));
    const link = await getRemoteFile(location, "ds/link");
    expect(link.stream).toBeNull();
    expect(link.entry.linkTarget).toBe("small.txt");
    const exec = await getRemoteFile(location, "ds/sub/exec.sh");
    exec.stream!.destroy();
    expect(exec.entry.mode).toBe(0o755);
  });

  it("fails naming the file when a stored byte was flipped (mtime put back); another file still reads", async () => {
    const { file, location } = await uploaded();
    const first = await getRemoteFile(location, "ds/big.bin");
    first.stream!.destroy();
    const entry = first.entry;
    const before = fs.statSync(file, { bigint: true });
    const fd = fs.openSync(file, "r+");
    const at = entry.dataOffset + PART + 5;
    const one = Buffer.alloc(1);
    fs.readSync(fd, one, 0, 1, at);
    one[0] = one[0]! ^ 0xff;
    fs.writeSync(fd, one, 0, 1, at);
    fs.closeSync(fd);
    setMtimeNs(file, before.mtimeNs);

    const got = await getRemoteFile(location, "ds/big.bin");
    const { error } = await collectUntilError(got.stream!);
    expect(error).toBeInstanceOf(RemoteFileCorruptError);
    expect((error as RemoteFileCorruptError).path).toBe("ds/big.bin");
    expect((error as Error).message).toContain("ds/big.bin");
    expect(await content(location, "ds/small.txt")).toEqual(Buffer.from("hello\n"));
  });

  it("refuses a catalog whose tape was replaced by another", async () => {
    const { location, file } = await uploaded();
    const other = tree();
    writeFile(path.join(other, "extra"), "more");
    await record(other);
    const otherFile = path.join(tempDir(), "other.tar");
    await uploadTape(other, fileTarget(otherFile, { partSize: PART }));
    fs.copyFileSync(otherFile, file);
    await expect(listRemote(location)).rejects.toBeInstanceOf(CatalogInvalidError);
  });

  it("refuses a damaged catalog", async () => {
    const { location, file } = await uploaded();
    const catalog = `${file}.tartape-catalog`;
    const data = fs.readFileSync(catalog);
    data[10] = data[10]! ^ 1;
    fs.writeFileSync(catalog, data);
    await expect(getRemoteFile(location, "ds/small.txt").then((g) => collect(g.stream!))).rejects.toBeInstanceOf(CatalogInvalidError);
  });

  it("names the bad input: unknown path, a directory, no object", async () => {
    const { location, file } = await uploaded();
    await expect(getRemoteFile(location, "ds/nope")).rejects.toBeInstanceOf(RemoteEntryNotFoundError);
    await expect(getRemoteFile(location, "ds/sub")).rejects.toBeInstanceOf(NotAFileError);
    const missing = { tape: new FileSource(`${file}.missing`), catalog: new FileSource(`${file}.missing.tartape-catalog`) };
    await expect(listRemote(missing)).rejects.toBeInstanceOf(RemoteObjectNotFoundError);
  });

  it("without a catalog, reads the tar headers and still gets files (unverified)", async () => {
    const { root, file } = await uploaded();
    fs.rmSync(`${file}.tartape-catalog`);
    const location = { tape: new FileSource(file), catalog: new FileSource(`${file}.tartape-catalog`) };
    const listing = await listRemote(location);
    expect(listing.catalogFound).toBe(false);
    const tape = openTape(root);
    const local = [...tape.entries()];
    tape.close();
    expect((await all(listing.entries)).map((e) => [e.path, e.kind, e.size, e.dataOffset])).toEqual(local.map((e) => [e.arcPath, e.kind, e.size, e.dataOffset]));
    const got = await getRemoteFile(location, `ds/${"d".repeat(120)}/${"n".repeat(90)}.txt`);
    expect(got.verified).toBe(false);
    expect(await collect(got.stream!)).toEqual(Buffer.from("long name\n"));
    expect((await getRemoteFile(location, "ds/link")).entry.linkTarget).toBe("small.txt");
  });

  it("a file in a part sent without digests comes back unverified (verified: false), the others verified", async () => {
    const { root, file } = await uploaded();
    const db = new Database(path.join(root, ".tartape", "index.db"));
    db.prepare("DELETE FROM catalog_part_digests WHERE part_number = 2").run();
    db.close();
    fs.rmSync(`${file}.tartape-catalog`);
    expect((await uploadTape(root, fileTarget(file, { partSize: PART }))).catalog).toBe("written");
    const location = { tape: new FileSource(file), catalog: new FileSource(`${file}.tartape-catalog`) };
    const spanning = await getRemoteFile(location, "ds/big.bin");
    expect(spanning.entry.crc32).toBeUndefined();
    expect(spanning.verified).toBe(false);
    expect((await collect(spanning.stream!)).equals(fs.readFileSync(path.join(root, "big.bin")))).toBe(true);
    const small = await getRemoteFile(location, "ds/small.txt");
    expect(small.verified).toBe(true);
    small.stream!.destroy();
  });

  it("an upload found complete whose catalog is missing writes it", async () => {
    const { root, file } = await uploaded();
    fs.rmSync(`${file}.tartape-catalog`);
    const again = await uploadTape(root, fileTarget(file, { partSize: PART }));
    expect(again.status).toBe("already-complete");
    expect(again.catalog).toBe("written");
    expect(fs.existsSync(`${file}.tartape-catalog`)).toBe(true);
    const third = await uploadTape(root, fileTarget(file, { partSize: PART }));
    expect(third.catalog).toBe("present");
  });
});
