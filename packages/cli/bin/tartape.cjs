#!/usr/bin/env node
// The `tartape` command. The CLI itself is the bundle `pnpm build` makes; this file
// is in the repository so that the command exists as soon as packages are installed.
"use strict";
try {
  require.resolve("../dist/bundle/tartape.cjs");
} catch {
  process.stderr.write("tartape: the CLI is not built yet. Run `pnpm build` in the tartape checkout, then try again.\n");
  process.exit(2);
}
require("../dist/bundle/tartape.cjs");
