/** What every part of the configuration's parsing shares: the error it fails with and the reading of a variable. */

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export type Env = Record<string, string | undefined>;

export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function list(env: Env, name: string): string[] {
  return (optional(env, name) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
