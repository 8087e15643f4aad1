/**
 * The shape of the compose tree that joins N parts into one object. GCS
 * composes at most 32 sources per request (composites may be sources too),
 * so parts are composed 32 at a time into intermediate objects, those 32 at a
 * time, and so on until 32 or fewer remain for the final request. The tree
 * depends only on N, so every run of the same upload names the same
 * intermediates and a resumed completion can reuse the ones already made.
 */

/** Sources per compose request: the service's limit. */
export const MAX_COMPOSE_SOURCES = 32;

/** A node of the tree: a part (leaf) or an intermediate composite. */
export type ComposeNode =
  | { readonly kind: "part"; readonly number: number }
  | { readonly kind: "intermediate"; readonly level: number; readonly index: number };

/** One compose request: `sources`, in order, into `target`. */
export interface ComposeStep {
  readonly target: Extract<ComposeNode, { kind: "intermediate" }>;
  readonly sources: readonly ComposeNode[];
}

export interface ComposePlan {
  /** Intermediate compose requests, level by level; every step of a level depends only on earlier levels. */
  readonly levels: readonly (readonly ComposeStep[])[];
  /** The sources of the last request, which creates the final object (1 to 32 of them). */
  readonly finalSources: readonly ComposeNode[];
}

/**
 * Groups `partCount` parts into the fewest levels of 32-way composes. A group
 * of one is passed up as it is rather than copied into an intermediate.
 */
export function planComposeTree(partCount: number, fanIn = MAX_COMPOSE_SOURCES): ComposePlan {
  if (!Number.isSafeInteger(partCount) || partCount < 1) throw new RangeError(`A compose tree needs at least one part, got ${partCount}.`);
  if (!Number.isSafeInteger(fanIn) || fanIn < 2) throw new RangeError(`A compose fan-in must be at least 2, got ${fanIn}.`);
  let current: ComposeNode[] = Array.from({ length: partCount }, (_, i) => ({ kind: "part", number: i + 1 }));
  const levels: ComposeStep[][] = [];
  while (current.length > fanIn) {
    const level = levels.length + 1;
    const steps: ComposeStep[] = [];
    const next: ComposeNode[] = [];
    for (let start = 0; start < current.length; start += fanIn) {
      const group = current.slice(start, start + fanIn);
      if (group.length === 1) {
        next.push(group[0]!);
        continue;
      }
      const target = { kind: "intermediate", level, index: steps.length + 1 } as const;
      steps.push({ target, sources: group });
      next.push(target);
    }
    levels.push(steps);
    current = next;
  }
  return { levels, finalSources: current };
}

/** Compose requests the plan makes, the final one included. */
export function composeRequestCount(plan: ComposePlan): number {
  return plan.levels.reduce((n, steps) => n + steps.length, 0) + 1;
}
