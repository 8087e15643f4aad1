// The tartape command as a user runs it: the bin executed as a program, so its
// shebang's start-up flags apply (`node bin/tartape.cjs` would drop them), with
// this benchmark's Node first on PATH so that the shebang finds the same Node.
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** packages/cli/bin/tartape.cjs: run it directly, not through `node`. */
export const TARTAPE = path.join(repo, "packages", "cli", "bin", "tartape.cjs");

process.env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`;
