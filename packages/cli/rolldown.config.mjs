/**
 * The `tartape` executable as a few files instead of some eighty modules: the
 * built CLI (dist/main.js, from tsc) with @tartape/*, commander, cli-progress,
 * p-limit and p-retry bundled in. Resolving and linking every module was a
 * sixth of each start (about 15 ms of 100), which `tartape cat` of many small
 * files and scripts calling tartape in a loop both pay. Dynamic imports stay
 * separate chunks, so the reading commands still load no upload code.
 *
 * Left out, and so declared as this package's own dependencies: better-sqlite3
 * (it finds its native addon next to its own files) and the cloud SDKs (large,
 * and loaded only by upload, status and abort).
 */
import { defineConfig } from "rolldown";

export default defineConfig({
  input: { tartape: "dist/main.js" },
  platform: "node",
  external: [/^node:/, "better-sqlite3", /^@aws-sdk\//, /^@azure\//, /^@google-cloud\//],
  output: { dir: "dist/bundle", format: "esm", chunkFileNames: "[name]-[hash].js" },
});
