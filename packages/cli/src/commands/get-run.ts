/** What `tartape get` does, loaded only when it runs (it needs the upload half and a cloud SDK). */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { getRemoteFile } from "@tartape/core";
import { pipeToStdout } from "../output/write-stdout.js";
import type { ConnectionFlags } from "./connection-flags.js";
import { noCatalogNote, remoteLocation, type CatalogFlag } from "./remote-location.js";

export async function runGet(url: string, entryPath: string, flags: ConnectionFlags & CatalogFlag & { output?: string }): Promise<void> {
  const location = await remoteLocation(url, flags);
  const file = await getRemoteFile(location, entryPath);
  if (!file.catalogFound) process.stderr.write(noCatalogNote(location));
  const output = flags.output === undefined || flags.output === "-" ? null : path.resolve(flags.output);
  if (file.stream === null) {
    const target = file.entry.linkTarget ?? "";
    if (output === null) process.stdout.write(`${target}\n`);
    else replaceWith(output, (temporary) => fs.symlinkSync(target, temporary));
    return;
  }
  if (file.catalogFound && !file.verified) {
    process.stderr.write(`tartape: the catalog holds no digest for ${file.entry.path} (a part it lies in was uploaded without one); its bytes are not verified.\n`);
  }
  if (output === null) {
    await pipeToStdout(file.stream);
    return;
  }
  // Written beside the destination and renamed over it once the digest held: a damaged file never appears.
  const temporary = temporaryBeside(output);
  try {
    await pipeline(file.stream, fs.createWriteStream(temporary, { mode: 0o600 }));
    fs.chmodSync(temporary, file.entry.mode & 0o7777);
    fs.utimesSync(temporary, file.entry.mtime, file.entry.mtime);
    fs.renameSync(temporary, output);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw err;
  }
}

function temporaryBeside(output: string): string {
  return path.join(path.dirname(output), `.${path.basename(output)}.tartape-get-${process.pid}`);
}

function replaceWith(output: string, make: (temporary: string) => void): void {
  const temporary = temporaryBeside(output);
  fs.rmSync(temporary, { force: true });
  make(temporary);
  fs.renameSync(temporary, output);
}
