/**
 * Running the CLI as an ordinary user when the tests run as root (root reads
 * every file, so permission checks only show for someone else). The child
 * gets uid/gid 65534 (`nobody`), and a Node binary that user can execute:
 * the running one may sit under a home folder closed to others, so it is
 * hard-linked (or copied) into a folder everyone can enter.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const NOBODY = { uid: 65534, gid: 65534 } as const;

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

let reachableNode: string | undefined;

/** A path of this Node binary that any user can execute (made once per test process). */
export function nodeForOtherUsers(): string {
  if (reachableNode !== undefined) return reachableNode;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-node-"));
  fs.chmodSync(dir, 0o755);
  const node = path.join(dir, "node");
  try {
    fs.linkSync(process.execPath, node);
  } catch {
    fs.copyFileSync(process.execPath, node);
    fs.chmodSync(node, 0o755);
  }
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  reachableNode = node;
  return node;
}

/** A new folder under the temp dir that every user may enter, read and write (sticky, like /tmp). */
export function sharedTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tartape-cli-${prefix}-`));
  fs.chmodSync(dir, 0o1777);
  return dir;
}
