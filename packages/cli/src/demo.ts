#!/usr/bin/env node
/** `pnpm demo`: the same as `tartape demo`. */
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(["demo", ...process.argv.slice(2)]);
