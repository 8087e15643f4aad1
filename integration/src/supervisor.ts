import { spawn, spawnSync } from "node:child_process";
import { trackChild } from "./cleanup.js";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT). */
  error?: Error;
}

export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** Settles (never rejects) once the process is gone. */
  readonly exited: Promise<ExitInfo>;
  /** Undefined while running. */
  exitInfo(): ExitInfo | undefined;
  /** Last lines the process wrote to stdout and stderr (interleaved). */
  outputTail(maxLines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

export interface SuperviseOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const TAIL_LINES = 60;

/** Keeps only the last lines of a stream so a chatty server cannot grow memory unboundedly. */
class LineTail {
  private readonly lines: string[] = [];
  private partial = "";

  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) this.lines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
    if (this.lines.length > TAIL_LINES) this.lines.splice(0, this.lines.length - TAIL_LINES);
    return parts;
  }

  text(maxLines: number): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-maxLines).join("\n");
  }
}

let pdeathsigWrapper: boolean | undefined;

/**
 * On Linux, util-linux `setpriv --pdeathsig KILL` makes the kernel kill the server if this
 * process dies without running any exit hook (e.g. a SIGKILLed test worker). setpriv execs the
 * server, so the pid is the server's own. TARTAPE_PDEATHSIG=0 turns this off.
 */
function canUsePdeathsig(): boolean {
  if (pdeathsigWrapper === undefined) {
    pdeathsigWrapper =
      process.platform === "linux" &&
      process.env["TARTAPE_PDEATHSIG"] !== "0" &&
      spawnSync("setpriv", ["--pdeathsig", "KILL", "--", "true"], { stdio: "ignore" }).status === 0;
  }
  return pdeathsigWrapper;
}

/** Spawns a long-running server process, captures its output and registers it for exit cleanup. */
export function superviseProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: SuperviseOptions = {},
): SupervisedProcess {
  const [file, argv] = canUsePdeathsig()
    ? ["setpriv", ["--pdeathsig", "KILL", "--", command, ...args]]
    : [command, [...args]];
  const child = spawn(file, argv, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child);

  // TARTAPE_SERVER_LOGS=1 mirrors server output to our stderr for debugging.
  const echo = process.env["TARTAPE_SERVER_LOGS"] === "1";
  const tail = new LineTail();
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = tail.push(chunk);
      if (echo) for (const line of lines) process.stderr.write(`[${name}] ${line}\n`);
    });
  }

  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (error) => {
      // 'exit' does not follow a spawn failure.
      if (child.pid === undefined && !info) resolve((info = { code: null, signal: null, error }));
    });
    // 'close' rather than 'exit': it comes after stdout/stderr are drained, so the tail is complete.
    child.once("close", (code, signal) => {
      if (!info) resolve((info = { code, signal }));
    });
  });

  let stopping: Promise<ExitInfo> | undefined;
  return {
    name,
    pid: child.pid,
    exited,
    exitInfo: () => info,
    outputTail: (maxLines = 30) => tail.text(maxLines),
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        if (info) return info;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `could not be started: ${info.error.message}`;
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}
