import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { binDir } from "./paths.js";

/** Go-built test servers, pinned. Changing a version here rebuilds that binary on next use. */
export const SERVER_BINARIES = {
  minio: { module: "github.com/minio/minio", version: "v0.0.0-20260212201848-7aac2a2c5b7c" },
  "fake-gcs-server": { module: "github.com/fsouza/fake-gcs-server", version: "v1.56.1" },
} as const;

export type ServerBinaryName = keyof typeof SERVER_BINARIES;

/** Thrown when a binary must be built but the Go toolchain is not on PATH. */
export class GoNotFoundError extends Error {
  constructor(readonly binary: ServerBinaryName) {
    const pin = SERVER_BINARIES[binary];
    super(
      `cannot build ${binary}: the 'go' command was not found on PATH. ` +
        `Install Go (https://go.dev/dl/) or build it yourself with ` +
        `'GOBIN=${binDir()} go install ${pin.module}@${pin.version}'.`,
    );
    this.name = "GoNotFoundError";
  }
}

/** Thrown when `go install` fails. */
export class GoInstallError extends Error {
  constructor(readonly binary: ServerBinaryName, readonly exitCode: number | null, readonly signal: string | null) {
    const pin = SERVER_BINARIES[binary];
    super(`go install ${pin.module}@${pin.version} failed (exit ${exitCode ?? signal}); see its output above`);
    this.name = "GoInstallError";
  }
}

export function binaryPath(name: ServerBinaryName): string {
  return join(binDir(), process.platform === "win32" ? `${name}.exe` : name);
}

function stampPath(name: ServerBinaryName): string {
  return join(binDir(), `${name}.version`);
}

function pinOf(name: ServerBinaryName): string {
  const pin = SERVER_BINARIES[name];
  return `${pin.module}@${pin.version}`;
}

function isCurrent(name: ServerBinaryName): boolean {
  if (!existsSync(binaryPath(name))) return false;
  const stamp = stampPath(name);
  if (existsSync(stamp)) return readFileSync(stamp, "utf8").trim() === pinOf(name);
  // No stamp (binary installed by hand, e.g. by a CI cache step): adopt it if the
  // build info Go embeds in every binary names the pinned module version.
  if (adoptByBuildInfo(name)) {
    writeFileSync(stamp, `${pinOf(name)}\n`);
    return true;
  }
  return false;
}

function adoptByBuildInfo(name: ServerBinaryName): boolean {
  const result = spawnSync("go", ["version", "-m", binaryPath(name)], { encoding: "utf8" });
  if (result.status !== 0) return false;
  const pin = SERVER_BINARIES[name];
  return result.stdout.split("\n").some((line) => {
    const [kind, module, version] = line.trim().split(/\s+/);
    return kind === "mod" && module === pin.module && version === pin.version;
  });
}

function goInstall(name: ServerBinaryName): Promise<void> {
  const dir = binDir();
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`[tartape] building ${name} (${pinOf(name)}) into ${dir}; this can take minutes\n`);
  return new Promise((resolve, reject) => {
    // -v lists packages as they compile, so a slow build still shows progress on stderr.
    const child = spawn("go", ["install", "-v", pinOf(name)], {
      env: { ...process.env, GOBIN: dir },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "ENOENT" ? new GoNotFoundError(name) : err),
    );
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new GoInstallError(name, code, signal));
    });
  });
}

const pending = new Map<ServerBinaryName, Promise<string>>();

/** Makes sure one pinned server binary is built; returns its path. Cheap when already current. */
export function ensureServerBinary(name: ServerBinaryName): Promise<string> {
  let job = pending.get(name);
  if (!job) {
    job = (async () => {
      if (!isCurrent(name)) {
        await goInstall(name);
        writeFileSync(stampPath(name), `${pinOf(name)}\n`);
      }
      return binaryPath(name);
    })();
    // Forget failures so a later call can retry (e.g. after Go was installed).
    job.catch(() => pending.delete(name));
    pending.set(name, job);
  }
  return job;
}

/** Builds every pinned server binary that is missing or out of date, one at a time (2 cores). */
export async function ensureServerBinaries(): Promise<Record<ServerBinaryName, string>> {
  const paths = {} as Record<ServerBinaryName, string>;
  for (const name of Object.keys(SERVER_BINARIES) as ServerBinaryName[]) {
    paths[name] = await ensureServerBinary(name);
  }
  return paths;
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMainModule()) {
  ensureServerBinaries().then(
    (paths) => {
      for (const [name, path] of Object.entries(paths)) process.stdout.write(`${name}: ${path}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`[tartape] ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
