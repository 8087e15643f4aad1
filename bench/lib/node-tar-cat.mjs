#!/usr/bin/env node
// node-tar's packer on <dir>, to stdout: tar.c({ cwd: parent }, [basename]).
import path from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";

const dir = path.resolve(process.argv[2]);
await pipeline(tar.c({ cwd: path.dirname(dir) }, [path.basename(dir)]), process.stdout);
