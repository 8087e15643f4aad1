/** The schemas of docs/json-output.md, read from its ```json <name> blocks (tests check real output against them). */
import fs from "node:fs";
import path from "node:path";
import type { Schema } from "./schema-check.js";

export const JSON_OUTPUT_DOC = path.resolve(import.meta.dirname, "../../../../docs/json-output.md");

export function documentedSchemas(file = JSON_OUTPUT_DOC): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  for (const match of fs.readFileSync(file, "utf8").matchAll(/^```json ([\w-]+)\n([\s\S]*?)^```$/gm)) {
    schemas.set(match[1]!, JSON.parse(match[2]!) as Schema);
  }
  return schemas;
}
