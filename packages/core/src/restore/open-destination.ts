/**
 * The destination folder of a restore and its journal: made when missing,
 * refused when it holds something else (unless overwrite), resumed when it
 * holds an unfinished restore of the same tape.
 */
import fs from "node:fs";
import path from "node:path";
import type { RemoteTape } from "../remote/remote-tape.js";
import { fsError } from "../upload/file-target.js";
import { Destination } from "./destination.js";
import { DestinationNotEmptyError } from "./errors.js";
import { RestoreJournal } from "./journal.js";
import { RESTORE_STATE_DIR } from "./safe-path.js";
import { OPTION_WORDS } from "../option-words.js";

function isEmptyExceptState(dir: string): boolean {
  return fs.readdirSync(dir).every((name) => name === RESTORE_STATE_DIR);
}

export function openDestination(dir: string, tape: RemoteTape, overwrite: boolean, only: readonly string[] = []): { destination: Destination; journal: RestoreJournal } {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fsError(`Cannot create the destination ${dir}`, err);
  }
  const root = fs.realpathSync(dir);
  if (!fs.statSync(root).isDirectory()) throw new DestinationNotEmptyError(dir, "is not a folder");
  const journalFile = path.join(root, RESTORE_STATE_DIR, "journal");
  const identity = { id: tape.tape.id, version: tape.version.version, size: tape.version.size };
  const resuming = fs.existsSync(journalFile);
  if (!resuming && !overwrite && !isEmptyExceptState(root)) throw new DestinationNotEmptyError(dir, "is not empty");
  let journal = RestoreJournal.open(journalFile, identity, only);
  if (typeof journal === "string") {
    if (!overwrite) {
      throw new DestinationNotEmptyError(
        dir,
        journal === "other-tape"
          ? `holds an unfinished restore of another tape (or another version of ${tape.tape.id})`
          : `holds an unfinished restore of ${tape.tape.id} that chose other entries (${OPTION_WORDS.only}); run it again with the same choice to finish it`,
      );
    }
    fs.rmSync(path.join(root, RESTORE_STATE_DIR), { recursive: true, force: true });
    journal = RestoreJournal.open(journalFile, identity, only) as RestoreJournal;
  }
  return { destination: new Destination(root), journal };
}

