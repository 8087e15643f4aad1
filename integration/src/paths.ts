import { homedir } from "node:os";
import { join } from "node:path";

/** Cache root shared by every tartape tool: `$TARTAPE_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/tartape`. */
export function cacheDir(): string {
  const explicit = process.env["TARTAPE_CACHE"];
  if (explicit) return explicit;
  const xdg = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(xdg, "tartape");
}

/** Folder holding the Go-built server binaries (used as GOBIN): `$TARTAPE_BIN_DIR`, else `<cache>/bin`. */
export function binDir(): string {
  return process.env["TARTAPE_BIN_DIR"] || join(cacheDir(), "bin");
}
