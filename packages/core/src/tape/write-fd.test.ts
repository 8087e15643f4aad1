import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileChangedError } from "../errors.js";
import { record } from "../record.js";
import { collect, mixedTree, tempDir } from "../test-util/fs.js";
import { openTape } from "./tape.js";

const parent = tempDir();
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

function writeToFile(dir: string, range: { start?: number; end?: number }): Promise<Buffer> {
  const out = path.join(parent, `out-${Math.random().toString(16).slice(2)}`);
  const fd = fs.openSync(out, "w");
  const tape = openTape(dir);
  return tape
    .writeToFd(fd, range)
    .finally(() => {
      fs.closeSync(fd);
      tape.close();
    })
    .then(() => fs.readFileSync(out));
}

describe("Tape.writeToFd", () => {
  it("writes exactly the bytes createReadStream gives, for the whole tape and for slices", async () => {
    const dir = mixedTree(tempDir());
    await record(dir);
    const tape = openTape(dir);
    const full = await collect(tape.createReadStream());
    tape.close();
    expect(await writeToFile(dir, {})).toEqual(full);
    for (const [start, end] of [
      [0, 1],
      [700, 5000],
      [1000, full.length],
      [full.length - 1, full.length],
      [full.length, full.length],
    ] as const) {
      expect(await writeToFile(dir, { start, end })).toEqual(full.subarray(start, end));
    }
  });

  it("stops with FileChangedError naming a file that changed after recording", async () => {
    const dir = mixedTree(tempDir());
    await record(dir);
    const victim = [...openTape(dir).entries()].find((e) => e.kind === "file" && e.size > 0)!;
    fs.appendFileSync(victim.realPath, "more");
    const err = await writeToFile(dir, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileChangedError);
    expect((err as Error).message).toContain(victim.realPath);
  });

  it.runIf(process.platform === "linux")("writes every byte through a pipe whose descriptor is non-blocking (as Node leaves stdout)", async () => {
    const dir = mixedTree(tempDir());
    await record(dir);
    const tape = openTape(dir);
    const full = await collect(tape.createReadStream());
    expect(full.length).toBeGreaterThan(4 * 64 * 1024); // several times a pipe's buffer: the pipe fills
    const fifo = path.join(parent, `fifo-${Math.random().toString(16).slice(2)}`);
    const out = `${fifo}.out`;
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // A reader that opens the pipe and only starts reading a while later: the pipe is full at once.
    const reader = spawn("sh", ["-c", 'exec 3<"$1"; sleep 0.3; cat <&3 > "$2"', "_", fifo, out], { stdio: "ignore" });
    let fd = -1;
    for (let tries = 0; fd < 0 && tries < 500; tries++) {
      try {
        fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK); // ENXIO until the reader opened it
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    expect(fd).toBeGreaterThanOrEqual(0);
    try {
      await tape.writeToFd(fd);
    } finally {
      fs.closeSync(fd);
      tape.close();
    }
    await once(reader, "exit");
    expect(fs.readFileSync(out).equals(full)).toBe(true);
  });
});
