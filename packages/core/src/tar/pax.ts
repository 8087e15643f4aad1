/**
 * PAX extended records (POSIX.1-2001). Each record is "<len> <key>=<value>\n"
 * where <len> counts the whole record, its own digits included.
 */
export type PaxKey = "path" | "linkpath" | "mtime";

/** Fixed key order, so the same entry always gives the same bytes. */
export const PAX_KEY_ORDER: readonly PaxKey[] = ["path", "linkpath", "mtime"];

export function encodePaxRecord(key: string, value: string): Buffer {
  const body = Buffer.byteLength(` ${key}=${value}\n`);
  let len = body + String(body).length;
  // Adding the length's own digits can add a digit to the length.
  if (String(len).length !== String(body).length) len = body + String(len).length;
  return Buffer.from(`${len} ${key}=${value}\n`, "utf8");
}

export function encodePaxRecords(records: Partial<Record<PaxKey, string>>): Buffer {
  const parts: Buffer[] = [];
  for (const key of PAX_KEY_ORDER) {
    const value = records[key];
    if (value !== undefined) parts.push(encodePaxRecord(key, value));
  }
  return Buffer.concat(parts);
}
