/**
 * Where `ls` and `get` read a tape that was uploaded: the tape object and its
 * catalog, reached with the same URLs, flags and environment as `upload`.
 * The upload half and the cloud SDKs load only when such a URL is given.
 */
import fs from "node:fs";
import type { RemoteTapeLocation } from "@tartape/core";
import { connectionOptions, type ConnectionFlags } from "./connection-flags.js";

const URL_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Whether `arg` names an uploaded tape (a URL, or a local tar file) rather than a recorded directory. */
export function namesRemoteTape(arg: string): boolean {
  if (URL_PREFIX.test(arg)) return true;
  try {
    return fs.statSync(arg).isFile();
  } catch {
    return false;
  }
}

export interface CatalogFlag {
  /** False with --no-catalog: read the tar headers even when a catalog exists. */
  readonly catalog?: boolean;
}

export async function remoteLocation(url: string, flags: ConnectionFlags & CatalogFlag): Promise<RemoteTapeLocation> {
  const { targetFromUrl } = await import("../targets/target-from-url.js");
  const target = await targetFromUrl(url, connectionOptions(flags));
  const remote = target.remote;
  if (!remote) {
    const { InvalidArgumentError } = await import("@tartape/core/tape");
    throw new InvalidArgumentError(`${target.id} cannot be read back by tartape.`);
  }
  return { tape: remote.tape, catalog: flags.catalog === false ? null : remote.catalog };
}

/** What ls and get say on stderr when the object has no catalog. */
export function noCatalogNote(location: RemoteTapeLocation): string {
  const why = location.catalog ? `no catalog found at ${location.catalog.id}` : "--no-catalog";
  return `tartape: ${why}; reading the tar headers of ${location.tape.id} instead (file contents cannot be verified).\n`;
}
