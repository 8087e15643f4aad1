#!/usr/bin/env node
// tar-stream's packer on <dir>, to stdout: a walk in byte-wise path order
// (lstat, symlinks not followed), one pack.entry per entry, file content
// streamed with fs.createReadStream.
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";

const root = path.resolve(process.argv[2]);
const pack = tarStream.pack();

async function add(real, name) {
  const st = await fs.promises.lstat(real);
  const header = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0, uname: "root", gname: "root" };
  if (st.isDirectory()) {
    await new Promise((res, rej) => pack.entry({ ...header, type: "directory" }, (e) => (e ? rej(e) : res())));
    const names = (await fs.promises.readdir(real)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const n of names) await add(path.join(real, n), `${name}/${n}`);
  } else if (st.isSymbolicLink()) {
    const linkname = await fs.promises.readlink(real);
    await new Promise((res, rej) => pack.entry({ ...header, type: "symlink", linkname }, (e) => (e ? rej(e) : res())));
  } else if (st.isFile()) {
    await new Promise((res, rej) => {
      const sink = pack.entry({ ...header, type: "file", size: st.size }, (e) => (e ? rej(e) : res()));
      fs.createReadStream(real).on("error", rej).pipe(sink);
    });
  }
}

const done = pipeline(pack, process.stdout);
await add(root, path.basename(root));
pack.finalize();
await done;
