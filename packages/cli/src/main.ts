#!/usr/bin/env node
/** The `tartape` executable. */
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(process.argv.slice(2));
