/** Process env without variables matching `prefix`, so a developer's own settings cannot leak into a test server. */
export function envWithout(prefix: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith(prefix)) env[key] = value;
  return { ...env, ...extra };
}

/** Reads an environment variable, treating "" as unset. */
export function envVar(name: string): string | undefined {
  const value = process.env[name];
  return value ? value : undefined;
}

export function requireEnv(name: string, because: string): string {
  const value = envVar(name);
  if (!value) throw new Error(`${name} must be set because ${because}`);
  return value;
}
