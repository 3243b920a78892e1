/**
 * The package version for `ecs-sentinel --version`. The bundle (scripts/build-cli.mjs) has it built in through
 * esbuild's `define`, so an installed CLI never looks for a package.json; running from the source tree (tsx,
 * tests) reads the repository's package.json instead.
 */
import { readFileSync } from "node:fs";

declare const __ECS_SENTINEL_VERSION__: string | undefined;

function sourceTreeVersion(): string {
  try {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "unknown";
  }
}

export function cliVersion(): string {
  return typeof __ECS_SENTINEL_VERSION__ === "string" ? __ECS_SENTINEL_VERSION__ : sourceTreeVersion();
}
