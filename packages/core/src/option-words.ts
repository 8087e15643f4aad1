/**
 * How the library's messages name the options that get past an error. The
 * CLI prints the same messages, so it swaps each of these phrases for its
 * own flag (packages/cli/src/cli-words.ts): a phrase used in a message must
 * come from here, or the command line would print library words.
 */
export const OPTION_WORDS = {
  /** uploadTape's `restart` (CLI: `upload --restart`). */
  restart: "restart: true",
  /** record's `overwrite` (CLI: `record --force`). */
  overwrite: "overwrite: true",
} as const;

export type OptionName = keyof typeof OPTION_WORDS;
