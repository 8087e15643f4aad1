#!/usr/bin/env -S node --max-semi-space-size=8
// The `tartape` command. The CLI itself is the bundle `pnpm build` makes; this file
// is in the repository so that the command exists as soon as packages are installed.
//
// The start-up flag caps V8's young generation at two semi-spaces of 8 MiB. Left to
// itself V8 grows it to 2 x 32 MiB in any long run (recording or reading millions of
// entries), which was most of the difference between 200,000 and 2,000,000 entries
// (docs/scale.md); capped, the same runs took the same time. It can only be given at
// start-up, hence here, where npm's and pnpm's bin shims pass it on.
"use strict";
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  // The native SQLite module built for a newer Node can crash an older one outright.
  process.stderr.write(`tartape: needs Node.js 22 or later; this is Node.js ${process.versions.node}. Install a newer Node.js, then try again.\n`);
  process.exit(2);
}
try {
  require.resolve("../dist/bundle/tartape.cjs");
} catch {
  process.stderr.write("tartape: the CLI is not built yet. Run `pnpm build` in the tartape checkout, then try again.\n");
  process.exit(2);
}
require("../dist/bundle/tartape.cjs");
