import { randomBytes } from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { RememberingCrc32, rememberChunkCrc32 } from "./chunk-crc32.js";

describe("chunk CRC-32s computed once", () => {
  it("continues a CRC-32 from a remembered chunk CRC exactly as from its bytes", () => {
    const chunks = [randomBytes(1000), randomBytes(1 << 20), randomBytes(7), randomBytes(300_000)];
    const whole = zlib.crc32(Buffer.concat(chunks));
    rememberChunkCrc32(chunks[1]!, zlib.crc32(chunks[1]!));
    rememberChunkCrc32(chunks[3]!, zlib.crc32(chunks[3]!));
    const crc = new RememberingCrc32();
    for (const chunk of chunks) crc.update(chunk);
    expect(crc.digestSync()).toBe(whole);
    crc.reset();
    crc.update(chunks[2]!);
    expect(crc.digestSync()).toBe(zlib.crc32(chunks[2]!));
  });

  it("uses the remembered value, not the bytes, for a remembered chunk (what makes it one pass)", async () => {
    const chunk = randomBytes(4096);
    rememberChunkCrc32(chunk, 0x12345678);
    const crc = new RememberingCrc32();
    crc.update(chunk);
    expect(Buffer.from(await crc.digest()).readUInt32BE(0)).toBe(0x12345678);
  });
});
