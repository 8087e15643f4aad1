/** Runs the tartape CLI as a child process, the way a user (or a crash) would. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The workspace root: the nearest folder above this file holding pnpm-workspace.yaml. */
function workspaceRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, "pnpm-workspace.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No pnpm-workspace.yaml above ${fileURLToPath(import.meta.url)}.`);
    dir = parent;
  }
  return dir;
}

/** The built CLI; the suite runs it as users do, through its `bin`: `node packages/cli/bin/tartape.cjs`. */
export function cliEntry(): string {
  const entry = path.join(workspaceRoot(), "packages", "cli", "bin", "tartape.cjs");
  if (!fs.existsSync(path.join(path.dirname(entry), "..", "dist", "bundle", "tartape.cjs"))) throw new Error("packages/cli/dist/bundle does not exist: build first (pnpm build).");
  return entry;
}

/** A running CLI. Every instance is killed by `killAll()` if a test ends without waiting for it. */
export class CliProcess {
  private static readonly live = new Set<CliProcess>();
  private readonly child: ChildProcess;
  private done = false;
  readonly exited: Promise<CliExit>;

  private constructor(args: readonly string[], env: Readonly<Record<string, string>>) {
    // The child gets the harness's environment on top of ours (PATH, HOME); no TTY, so no progress bars.
    this.child = spawn(process.execPath, [cliEntry(), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    CliProcess.live.add(this);
    let stdout = "";
    let stderr = "";
    this.child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    this.child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    this.exited = new Promise<CliExit>((resolve, reject) => {
      this.child.once("error", reject);
      this.child.once("close", (code, signal) => {
        this.done = true;
        CliProcess.live.delete(this);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  static start(args: readonly string[], env: Readonly<Record<string, string>> = {}): CliProcess {
    return new CliProcess(args, env);
  }

  get running(): boolean {
    return !this.done && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGSTOP: the process stays alive (and keeps what it holds) but does nothing until resume(). */
  pause(): void {
    if (this.running) this.child.kill("SIGSTOP");
  }

  resume(): void {
    if (this.running) this.child.kill("SIGCONT");
  }

  /** SIGKILL: no cleanup handlers run, as in a crash or an OOM kill. */
  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }

  static killAll(): void {
    for (const cli of CliProcess.live) cli.kill();
  }
}

/** Runs the CLI to its end; kills it and fails if it takes longer than `timeoutMs`. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}, timeoutMs = 120_000): Promise<CliExit> {
  const cli = CliProcess.start(args, env);
  const timer = setTimeout(() => cli.kill(), timeoutMs);
  try {
    const exit = await cli.exited;
    if (exit.signal === "SIGKILL") throw new Error(`tartape ${args.join(" ")} did not finish within ${timeoutMs} ms.\n${exit.stderr}`);
    return exit;
  } finally {
    clearTimeout(timer);
  }
}
