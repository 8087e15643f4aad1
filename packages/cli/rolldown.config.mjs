/**
 * The `tartape` executable as a few files instead of some eighty modules: the
 * built CLI (dist/main.js, from tsc) with @tartape/*, commander, cli-progress,
 * p-limit and p-retry bundled in. Resolving and linking every module was the
 * largest part of a start that is not Node's own, which `tartape cat` of many
 * small files and scripts calling tartape in a loop both pay. Dynamic imports
 * stay chunks of their own, so the reading commands still load no upload code.
 *
 * CommonJS, though the sources are ES modules: from an ES module, the first
 * import of each Node built-in (fs, child_process, stream, tty...) builds an
 * ESM facade by reading every export, which loads parts of Node nobody asked
 * for (fs's stream classes, for one), and importing better-sqlite3 (CommonJS)
 * goes through the ESM-to-CommonJS translation. `perf stat -r 20` of
 * `tartape cat` on a one-file tape, 3 alternating rounds: 83-88 ms as an ESM
 * bundle, 65-77 ms as CommonJS (94-105 ms unbundled).
 *
 * Left out, and so declared as this package's own dependencies: better-sqlite3
 * (it finds its native addon next to its own files) and the cloud SDKs (large,
 * and loaded only by upload, status and abort; each has a CommonJS build).
 */
import fs from "node:fs";
import { defineConfig } from "rolldown";

/** tsc's output with its source maps, so that the bundle's maps lead back to the TypeScript sources. */
const tscSourceMaps = {
  name: "tsc-source-maps",
  load(id) {
    if (!/\/packages\/[^/]+\/dist\/.+\.js$/.test(id) || !fs.existsSync(`${id}.map`)) return null;
    return { code: fs.readFileSync(id, "utf8"), map: fs.readFileSync(`${id}.map`, "utf8") };
  },
};

export default defineConfig({
  input: { tartape: "dist/main.js" },
  platform: "node",
  plugins: [tscSourceMaps],
  external: [/^node:/, "better-sqlite3", /^@aws-sdk\//, /^@azure\//, /^@google-cloud\//],
  // cleanDir: chunks of earlier builds (named by their hash) would otherwise pile up beside the new ones.
  output: { dir: "dist/bundle", cleanDir: true, format: "cjs", entryFileNames: "[name].cjs", chunkFileNames: "[name]-[hash].cjs", sourcemap: true },
});
