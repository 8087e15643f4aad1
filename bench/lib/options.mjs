// Command-line options of the benchmark scripts: flags, values, sizes and counts,
// and bad input reported in one line (no stack trace), naming the script.
const MiB = 1024 * 1024;

/** The options of `script` (e.g. "bench/upload.mjs"), read from this process's argv. */
export function benchOptions(script, argv = process.argv.slice(2)) {
  const flag = (name) => argv.includes(name);
  const opt = (name, dflt) => {
    const i = argv.indexOf(name);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
  };
  /** A bad option: say what was expected, without a stack trace. */
  const usageError = (message) => {
    console.error(`${script}: ${message} (--help lists the options)`);
    process.exit(2);
  };
  /** "64" (MiB), "64MiB", "2GiB", "512M", "1g": bytes. */
  const parseBytes = (name, text) => {
    const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(String(text).trim());
    if (!m) usageError(`${name} expects a size like 64, 64MiB or 2GiB (plain numbers are MiB), got ${JSON.stringify(text)}.`);
    const unit = { "": MiB, k: 1024, m: MiB, g: 1024 * MiB }[m[2].toLowerCase()];
    return Math.round(Number(m[1]) * unit);
  };
  const parseCount = (name, text, min) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) usageError(`${name} expects a whole number of at least ${min}, got ${JSON.stringify(text)}.`);
    return n;
  };
  return { flag, opt, usageError, parseBytes, parseCount };
}
