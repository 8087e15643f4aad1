import { describe, expect, it } from "vitest";
import { composeRequestCount, planComposeTree, type ComposeNode, type ComposePlan } from "./compose-plan.js";

/** The part numbers a node covers, in order: what the composed object holds. */
function leaves(plan: ComposePlan, node: ComposeNode): number[] {
  if (node.kind === "part") return [node.number];
  const step = plan.levels[node.level - 1]![node.index - 1]!;
  expect(step.target).toEqual(node);
  return step.sources.flatMap((s) => leaves(plan, s));
}

function finalLeaves(plan: ComposePlan): number[] {
  return plan.finalSources.flatMap((s) => leaves(plan, s));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

describe("planComposeTree", () => {
  it("1 part: one final compose of that part, no intermediates", () => {
    const plan = planComposeTree(1);
    expect(plan.levels).toEqual([]);
    expect(plan.finalSources).toEqual([{ kind: "part", number: 1 }]);
    expect(composeRequestCount(plan)).toBe(1);
  });

  it("32 parts: all of them in the final compose", () => {
    const plan = planComposeTree(32);
    expect(plan.levels).toEqual([]);
    expect(plan.finalSources).toHaveLength(32);
    expect(finalLeaves(plan)).toEqual(range(32));
  });

  it("33 parts: one intermediate of 32, the 33rd passed up alone, a final of 2", () => {
    const plan = planComposeTree(33);
    expect(plan.levels).toHaveLength(1);
    expect(plan.levels[0]).toHaveLength(1);
    expect(plan.levels[0]![0]!.sources).toHaveLength(32);
    expect(plan.finalSources).toEqual([
      { kind: "intermediate", level: 1, index: 1 },
      { kind: "part", number: 33 },
    ]);
    expect(finalLeaves(plan)).toEqual(range(33));
    expect(composeRequestCount(plan)).toBe(2);
  });

  it("40 parts: intermediates of 32 and 8, then the final of 2", () => {
    const plan = planComposeTree(40);
    expect(plan.levels[0]!.map((s) => s.sources.length)).toEqual([32, 8]);
    expect(plan.finalSources).toHaveLength(2);
    expect(finalLeaves(plan)).toEqual(range(40));
  });

  it("1024 parts: 32 intermediates, a final of 32", () => {
    const plan = planComposeTree(1024);
    expect(plan.levels.map((l) => l.length)).toEqual([32]);
    expect(plan.finalSources).toHaveLength(32);
    expect(composeRequestCount(plan)).toBe(33);
  });

  it("1025 parts: two levels, the last part carried up both, every part once and in order", () => {
    const plan = planComposeTree(1025);
    expect(plan.levels.map((l) => l.length)).toEqual([32, 1]);
    expect(plan.levels[1]![0]!.sources).toHaveLength(32);
    expect(plan.finalSources).toEqual([
      { kind: "intermediate", level: 2, index: 1 },
      { kind: "part", number: 1025 },
    ]);
    expect(finalLeaves(plan)).toEqual(range(1025));
  });

  it("10,000 parts (the part limit): 313 + 10 intermediates, 324 requests, no request over 32 sources", () => {
    const plan = planComposeTree(10_000);
    expect(plan.levels.map((l) => l.length)).toEqual([313, 10]);
    expect(composeRequestCount(plan)).toBe(324);
    for (const steps of plan.levels) for (const step of steps) expect(step.sources.length).toBeLessThanOrEqual(32);
    expect(plan.finalSources.length).toBeLessThanOrEqual(32);
    expect(finalLeaves(plan)).toEqual(range(10_000));
  });

  it("32,769 parts: three levels, the last part carried up all of them", () => {
    const plan = planComposeTree(32_769);
    expect(plan.levels.map((l) => l.length)).toEqual([1024, 32, 1]);
    expect(plan.finalSources).toEqual([
      { kind: "intermediate", level: 3, index: 1 },
      { kind: "part", number: 32_769 },
    ]);
    expect(finalLeaves(plan)).toEqual(range(32_769));
  });

  it("every count from 1 to 1,100 covers every part once, in order, with 2 to 32 sources per request", () => {
    for (let n = 1; n <= 1100; n++) {
      const plan = planComposeTree(n);
      expect(plan.finalSources.length).toBeLessThanOrEqual(32);
      for (const steps of plan.levels) for (const step of steps) expect(step.sources.length).toBeGreaterThan(1);
      expect(finalLeaves(plan)).toEqual(range(n));
    }
  });

  it("a smaller fan-in builds a deeper tree", () => {
    const plan = planComposeTree(9, 2);
    expect(plan.levels.map((l) => l.length)).toEqual([4, 2, 1]);
    expect(finalLeaves(plan)).toEqual(range(9));
  });

  it("refuses zero parts", () => {
    expect(() => planComposeTree(0)).toThrow(RangeError);
  });
});
