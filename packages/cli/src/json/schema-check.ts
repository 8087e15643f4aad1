/**
 * A checker for the subset of JSON Schema that docs/json-output.md uses:
 * `type` (one or a list), `properties`, `required`, `additionalProperties`
 * (false or a schema), `items`, `enum`, `const`, `minimum`. Small enough to
 * read in one sitting, which a schema library in the CLI's dependencies
 * would not be, and only tests use it.
 */
export interface Schema {
  readonly type?: JsonType | readonly JsonType[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly description?: string;
}

export type JsonType = "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";

const KNOWN_KEYWORDS = new Set(["type", "properties", "required", "additionalProperties", "items", "enum", "const", "minimum", "description"]);

function typeOf(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value as JsonType;
}

function typeMatches(actual: JsonType, wanted: JsonType): boolean {
  return actual === wanted || (wanted === "number" && actual === "integer");
}

/** Every way `value` breaks `schema`, as `path: what` lines; empty when it conforms. */
export function schemaErrors(value: unknown, schema: Schema, at = "$"): string[] {
  for (const key of Object.keys(schema)) {
    // A keyword this checker ignores would make the schema say more than is checked.
    if (!KNOWN_KEYWORDS.has(key)) return [`${at}: the schema uses "${key}", which this checker does not know`];
  }
  const errors: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const wanted = typeof schema.type === "string" ? [schema.type] : schema.type;
    if (!wanted.some((t) => typeMatches(actual, t))) return [`${at}: expected ${wanted.join(" or ")}, got ${actual}`];
  }
  if (schema.const !== undefined && value !== schema.const) errors.push(`${at}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (schema.enum !== undefined && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.minimum !== undefined && typeof value === "number" && value < schema.minimum) errors.push(`${at}: ${value} is below ${schema.minimum}`);
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!Object.hasOwn(object, name)) errors.push(`${at}: "${name}" is missing`);
    for (const [name, field] of Object.entries(object)) {
      const property = schema.properties?.[name];
      if (property !== undefined) errors.push(...schemaErrors(field, property, `${at}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: "${name}" is not in the schema`);
      else if (typeof schema.additionalProperties === "object") errors.push(...schemaErrors(field, schema.additionalProperties, `${at}.${name}`));
    }
  }
  if (actual === "array" && schema.items !== undefined) {
    (value as unknown[]).forEach((item, i) => errors.push(...schemaErrors(item, schema.items!, `${at}[${i}]`)));
  }
  return errors;
}
