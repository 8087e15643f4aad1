import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts"],
          // Generous: CI machines have 2 cores, and some unit tests run the built CLI end to end.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["integration/test/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // Servers are shared per file; files run one at a time so 2 cores are not oversubscribed.
          fileParallelism: false,
        },
      },
    ],
  },
});
