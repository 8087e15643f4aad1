/**
 * Loads the container starters (and with them testcontainers) only when container mode is used,
 * with the signal listeners testcontainers' dependencies add marked as a library's (see cleanup.ts).
 */
import { ignoringSignalListenersOf } from "../cleanup.js";

export function loadContainerStarters(): Promise<typeof import("./starters.js")> {
  return ignoringSignalListenersOf(() => import("./starters.js"));
}
