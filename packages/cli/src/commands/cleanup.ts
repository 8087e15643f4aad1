/** `tartape cleanup <prefix URL> --older-than 7d`: remove what interrupted tartape uploads left under a prefix, and only that. */
import { Command } from "commander";
import { cleanupLeftovers } from "@tartape/core";
import { cleanupDocument } from "../json/documents.js";
import { writeJsonDocument } from "../json/json-document.js";
import { cleanupReport } from "../output/cleanup-report.js";
import { parseDuration } from "../parse/duration.js";
import { leftoverStoreFromUrl } from "../targets/leftover-store-from-url.js";
import { addConnectionFlags, connectionOptions, type ConnectionFlags } from "./connection-flags.js";

interface CleanupFlags extends ConnectionFlags {
  readonly olderThan: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

export function cleanupCommand(): Command {
  const command = new Command("cleanup")
    .description("remove what interrupted tartape uploads left under a prefix (S3 multipart uploads, GCS temporary objects, Azure staged blocks); only what tartape can prove it made")
    .argument("<url>", "s3://bucket/prefix, az://container/prefix or gs://bucket/prefix (the prefix may be empty)")
    .requiredOption("--older-than <age>", "only leftovers with no activity for this long: 0s, 90m, 36h, 7d, 2w")
    .option("--dry-run", "list what would be removed; remove nothing")
    .option("--json", "print one JSON document on stdout (docs/json-output.md)");
  addConnectionFlags(command, { forParts: false });
  return command.action(async (url: string, flags: CleanupFlags) => {
    const olderThanMs = parseDuration(flags.olderThan, "--older-than");
    const store = await leftoverStoreFromUrl(url, connectionOptions(flags));
    const result = await cleanupLeftovers(store, { olderThanMs, dryRun: flags.dryRun ?? false });
    if (flags.json) writeJsonDocument("cleanup", true, cleanupDocument(result, olderThanMs));
    else process.stdout.write(cleanupReport(result, flags.olderThan.trim()));
  });
}
