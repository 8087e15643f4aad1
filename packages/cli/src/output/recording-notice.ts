/**
 * A recording scans the whole tree in one synchronous pass: a Ctrl-C during it
 * ends the process at once, before any handler could print a word. So the
 * word comes first, on a terminal: what is running, and what stopping it
 * leaves (no tape; the index is written in one transaction at the end).
 */
export function recordingNotice(dir: string, stream: { isTTY?: boolean; write(text: string): unknown }): void {
  if (!stream.isTTY) return;
  stream.write(`Recording ${dir}: scanning every entry (Ctrl-C stops it; no tape is recorded until the scan ends)...\n`);
}
