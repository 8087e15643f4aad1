/** How numbers read on the terminal. */
import { formatBytes } from "@tartape/core/tape";

export { formatBytes };

/** `3.20 MiB (3355443 bytes)`: the readable size, and the exact one for scripts and offsets. */
export function formatSizeExact(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${formatBytes(bytes)} (${bytes} bytes)`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** `45s`, `3m05s`, `2h07m`: whole seconds, rounded up so an ETA never reads 0s while work remains. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--";
  const total = Math.ceil(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/**
 * A time that has passed, as measured: tenths of a second below 10 s (an
 * upload of a few KiB takes 0.2 s, not "1s"), whole seconds rounded to the
 * nearest above. ETAs use formatDuration, which rounds up: a promise.
 */
export function formatElapsed(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--";
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  return formatDuration(Math.round(seconds));
}

export function formatPercent(done: number, total: number): string {
  const percent = total > 0 ? (done / total) * 100 : 100;
  // Never show 100% before the last byte is really there.
  return `${done < total ? Math.min(Math.floor(percent), 99) : 100}%`;
}

/** Quotes an argument for display so it can be pasted back into a POSIX shell. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
