/** `--progress`: `auto` (a bar on a terminal, else plain lines; the default), `json` (JSON lines) or `none` (only news such as retries). */
export const PROGRESS_FORMATS = ["auto", "json", "none"] as const;
export type ProgressFormat = (typeof PROGRESS_FORMATS)[number];
