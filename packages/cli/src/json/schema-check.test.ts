import { describe, expect, it } from "vitest";
import { schemaErrors, type Schema } from "./schema-check.js";

const entry: Schema = {
  type: "object",
  required: ["path", "size"],
  additionalProperties: false,
  properties: { path: { type: "string" }, size: { type: "integer", minimum: 0 }, kind: { enum: ["file", "dir"] }, link: { type: ["string", "null"] } },
};

describe("schemaErrors", () => {
  it("accepts a conforming value", () => {
    expect(schemaErrors({ path: "a", size: 3, kind: "file", link: null }, entry)).toEqual([]);
    expect(schemaErrors([{ path: "a", size: 0 }], { type: "array", items: entry })).toEqual([]);
  });

  it("names every way a value breaks the schema, with where", () => {
    expect(schemaErrors({ path: 1, kind: "socket", extra: true, size: -1 }, entry)).toEqual([
      "$.path: expected string, got integer",
      '$.kind: "socket" is not one of ["file","dir"]',
      '$: "extra" is not in the schema',
      "$.size: -1 is below 0",
    ]);
    expect(schemaErrors([{ path: "a" }], { type: "array", items: entry })).toEqual(['$[0]: "size" is missing']);
    expect(schemaErrors(1.5, { type: "integer" })).toEqual(["$: expected integer, got number"]);
    expect(schemaErrors("x", { const: "y" })).toEqual(['$: expected "y", got "x"']);
    expect(schemaErrors({ a: 1 }, { type: "object", additionalProperties: { type: "string" } })).toEqual(["$.a: expected string, got integer"]);
  });

  it("refuses a schema keyword it would silently ignore", () => {
    expect(schemaErrors("x", { type: "string", pattern: "^y" } as Schema)).toEqual(['$: the schema uses "pattern", which this checker does not know']);
  });
});
