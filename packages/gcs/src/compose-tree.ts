/**
 * Runs the intermediate levels of a compose plan. Every intermediate's
 * expected size and CRC32C follow from its sources', so one that an earlier,
 * interrupted completion already made is reused when it checks out, and every
 * new one is checked as soon as the service answers.
 */
import { IntegrityMismatchError, OPTION_WORDS } from "@tartape/core";
import type { ComposeNode, ComposePlan } from "./compose-plan.js";
import { forEachConcurrently } from "./concurrency.js";
import { concatChecksums, crc32cToBase64, type ChecksummedRange } from "./crc32c.js";
import type { ComposeSource } from "./objects.js";
import type { StoredObject } from "./stored-object.js";
import { nodeName } from "./temporary-names.js";

/** A source object with the size and CRC32C its content must have. */
export interface ChecksummedSource extends ComposeSource, ChecksummedRange {}

export interface TreeBuild {
  readonly prefix: string;
  /** Part objects 1..N as the server holds them, in order. */
  readonly parts: readonly ChecksummedSource[];
  /** Objects found under the prefix, by name. */
  readonly existing: ReadonlyMap<string, StoredObject>;
  /** Compose requests in flight at once. */
  readonly concurrency: number;
  /** One compose request; `ifGenerationMatch` "0" creates, a generation replaces exactly that object. */
  compose(destination: string, sources: readonly ComposeSource[], ifGenerationMatch: string): Promise<StoredObject>;
}

export function holds(object: StoredObject, expected: ChecksummedRange): boolean {
  return object.size === expected.size && object.crc32c === expected.crc32c;
}

export function describeChecksum(range: { readonly size: number; readonly crc32c: number | undefined }): string {
  return `${range.size} bytes, CRC32C ${range.crc32c === undefined ? "(none)" : crc32cToBase64(range.crc32c)}`;
}

/** Makes (or reuses) every intermediate; returns the sources of the final compose request. */
export async function buildIntermediates(plan: ComposePlan, build: TreeBuild): Promise<ChecksummedSource[]> {
  const made = new Map<string, ChecksummedSource>();
  const resolve = (node: ComposeNode): ChecksummedSource => {
    const source = node.kind === "part" ? build.parts[node.number - 1] : made.get(nodeName(build.prefix, node));
    if (!source) throw new Error(`compose plan refers to ${nodeName(build.prefix, node)} before it exists`);
    return source;
  };

  for (const steps of plan.levels) {
    await forEachConcurrently(steps, build.concurrency, async (step) => {
      const sources = step.sources.map(resolve);
      const expected = concatChecksums(sources);
      const name = nodeName(build.prefix, step.target);
      const found = build.existing.get(name);
      let object: StoredObject;
      if (found && holds(found, expected)) {
        object = found;
      } else {
        object = await build.compose(name, sources, found?.generation ?? "0");
        if (!holds(object, expected)) {
          throw new IntegrityMismatchError(
            `Composing ${name} gave ${describeChecksum(object)}; its sources make ${describeChecksum(expected)}. ` +
              `The server does not hold the parts as they were uploaded. Run the upload again with ${OPTION_WORDS.restart}.`,
          );
        }
      }
      made.set(name, { name, generation: object.generation, ...expected });
    });
  }
  return plan.finalSources.map(resolve);
}
