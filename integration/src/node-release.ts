/**
 * Node.js releases from the npm registry (`node-<platform>-<arch>@<major>`), for tests that must
 * run under a given Node major whatever runs the tests. The packages carry their headers
 * (`include/node`), so a native module builds against them without a download from nodejs.org.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { cacheDir } from "./paths.js";

export interface NodeRelease {
  readonly major: number;
  /** `v22.23.5` */
  readonly version: string;
  /** The `node` executable. */
  readonly node: string;
  /** Its folder, to put first on PATH. */
  readonly binDir: string;
  /** Where node-gyp finds its headers (`npm_config_nodedir`). */
  readonly nodedir: string;
}

/** Thrown when a Node release cannot be installed or found. */
export class NodeReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NodeReleaseError";
  }
}

function versionOf(node: string): string {
  const result = spawnSync(node, ["--version"], { encoding: "utf8" });
  if (result.status !== 0) throw new NodeReleaseError(`${node} --version failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** The npm command line script beside the npm on PATH, runnable by any Node. */
export function npmCliScript(): string {
  const found = spawnSync("sh", ["-c", "command -v npm"], { encoding: "utf8" });
  const npm = found.stdout.trim();
  if (found.status !== 0 || npm === "") throw new NodeReleaseError("npm is not on PATH; it comes with Node.js: install Node.js, then run the tests again");
  const script = join(dirname(realpathSync(npm)), "npm-cli.js");
  if (!existsSync(script)) throw new NodeReleaseError(`found npm at ${npm} but not its npm-cli.js beside it (${script})`);
  return script;
}

/**
 * The newest release of `major`: the running Node when it is of that major and has its headers
 * beside it, else `node-<platform>-<arch>@<major>` installed once into the tartape cache (the same
 * folder .ci/bootstrap.mjs uses for Node 24).
 */
export function ensureNodeRelease(major: number): NodeRelease {
  const running = Number(process.versions.node.split(".")[0]);
  const runningPrefix = dirname(dirname(process.execPath));
  if (running === major && existsSync(join(runningPrefix, "include", "node", "node_version.h"))) {
    return { major, version: process.version, node: process.execPath, binDir: dirname(process.execPath), nodedir: runningPrefix };
  }
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(cacheDir(), `node${major}`);
  const nodedir = join(prefix, "node_modules", pkg);
  const node = join(nodedir, "bin", "node");
  if (!existsSync(node)) {
    mkdirSync(prefix, { recursive: true });
    process.stderr.write(`[tartape] installing ${pkg}@${major} into ${prefix}\n`);
    const result = spawnSync(
      process.execPath,
      [npmCliScript(), "install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `${pkg}@${major}`],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    if (result.status !== 0 || !existsSync(node)) throw new NodeReleaseError(`npm install ${pkg}@${major} failed (exit ${result.status}); see its output above`);
  }
  return { major, version: versionOf(node), node, binDir: dirname(node), nodedir };
}

/**
 * An environment whose `node` is this release and whose native builds use its headers, as a
 * stranger's shell would have it: without the npm and pnpm settings of the process running the tests.
 */
export function envFor(release: NodeRelease, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(npm_|pnpm_|NODE_OPTIONS$|VITEST)/i.test(name));
  return {
    ...Object.fromEntries(inherited),
    PATH: `${release.binDir}${delimiter}${process.env["PATH"] ?? ""}`,
    npm_config_nodedir: release.nodedir,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    ...extra,
  };
}
