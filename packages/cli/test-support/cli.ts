/**
 * Runs the `tartape` executable (package.json's `bin`, which loads the CLI's
 * bundle) as a child process, the way users and scripts run it. The build
 * must be current: `pnpm build`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");
export const CLI_PATH = path.join(PACKAGE_DIR, "bin", "tartape.cjs");
/** What CLI_PATH runs: the bundle of the CLI. */
const BUNDLE_PATH = path.join(PACKAGE_DIR, "dist", "bundle", "tartape.cjs");

/** Every TypeScript source (tests left out) under a package's src/, relative to src/. */
function sourcesOf(packageDir: string): string[] {
  const src = path.join(packageDir, "src");
  if (!fs.existsSync(src)) return [];
  return fs.readdirSync(src, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
}

/** The CLI's sources whose tsc output is missing or older. */
function sourcesNewerThanBuild(): string[] {
  return sourcesOf(PACKAGE_DIR)
    .filter((file) => {
      const built = path.join(PACKAGE_DIR, "dist", file.replace(/\.ts$/, ".js"));
      return !fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(path.join(PACKAGE_DIR, "src", file)).mtimeMs;
    })
    .map((file) => path.join("src", file));
}

/** Sources of the workspace's packages (all bundled into the executable) changed after the bundle was made. */
function sourcesNewerThanBundle(): string[] {
  if (!fs.existsSync(BUNDLE_PATH)) return ["(no bundle)"];
  const bundledAt = fs.statSync(BUNDLE_PATH).mtimeMs;
  const packagesDir = path.dirname(PACKAGE_DIR);
  return fs.readdirSync(packagesDir).flatMap((pkg) =>
    sourcesOf(path.join(packagesDir, pkg))
      .filter((file) => fs.statSync(path.join(packagesDir, pkg, "src", file)).mtimeMs > bundledAt)
      .map((file) => path.join(pkg, "src", file)),
  );
}

/** Fails fast, and says why, when the tests would run an old build. */
export function assertBuilt(): void {
  const stale = [...sourcesNewerThanBuild(), ...sourcesNewerThanBundle()];
  if (stale.length > 0) throw new Error(`the built CLI (packages/cli/dist) is missing or older than ${stale.slice(0, 5).join(", ")}: run \`pnpm build\` first.`);
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** stdout as text. */
  readonly out: string;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Added to a clean environment (no AWS_*, AZURE_*, TARTAPE_* from the caller's shell). */
  readonly env?: Record<string, string>;
  /** Called once the process is spawned, e.g. to signal it later. */
  readonly onSpawn?: (pid: number) => void;
  /** The script to run instead of the executable (CLI_PATH). */
  readonly entry?: string;
  /** Run as this user (other-user.ts), with a Node binary that user can execute. */
  readonly user?: { readonly uid: number; readonly gid: number; readonly node: string };
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}

export function runTartape(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const user = options.user ? { uid: options.user.uid, gid: options.user.gid } : {};
    const child = spawn(options.user?.node ?? process.execPath, [options.entry ?? CLI_PATH, ...args], {
      cwd: options.cwd ?? os.tmpdir(),
      env: cleanEnv(options.env),
      stdio: ["ignore", "pipe", "pipe"],
      ...user,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.on("close", (code, signal) => {
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, out: stdout.toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/** Runs a shell pipeline (bash), for `tartape cat dir | head -c 100` and the like. */
export function runShell(script: string, cwd = os.tmpdir()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd, env: cleanEnv({ TARTAPE: `${process.execPath} ${CLI_PATH}` }) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tartape-cli-${prefix}-`));
}

/** Writes files (string or bytes) under `root`; `->target` values become symlinks. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (typeof content === "string" && content.startsWith("->")) fs.symlinkSync(content.slice(2), full);
    else fs.writeFileSync(full, content);
  }
}

/** Bytes that are not all alike, so a misplaced range shows. */
export function patternBytes(size: number, seed = 1): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}
