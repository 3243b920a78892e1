/**
 * The tier rules in biome.json (`noRestrictedImports` per folder) fire: each violation is written into a
 * throwaway copy of the layout with the project's own biome.json, and Biome (the project's binary) must report
 * exactly the forbidden imports and none of the allowed ones.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const biome = join(root, "node_modules", ".bin", "biome");
const scratch = mkdtempSync(join(tmpdir(), "lint-boundaries-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The project's biome.json, outside git (no ignore file to read) and without the schema path. */
function config(): string {
  const parsed = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Record<string, unknown>;
  delete parsed.$schema;
  parsed.vcs = { enabled: false };
  return JSON.stringify(parsed, null, 2);
}

/** Lints `source` written at `path` in a copy of the layout; returns the lines flagged by noRestrictedImports. */
function flaggedLines(path: string, source: string): number[] {
  const dir = mkdtempSync(join(scratch, "case-"));
  writeFileSync(join(dir, "biome.json"), config());
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), source);
  let output: string;
  try {
    output = execFileSync(biome, ["lint", "--reporter=github", path], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    output = String((error as { stdout?: unknown }).stdout ?? "");
  }
  return [...output.matchAll(/title=lint\/style\/noRestrictedImports,file=[^,]*,line=(\d+)/g)]
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

describe("biome.json's tier rules", () => {
  it("forbid the AWS SDK and the composition in the use cases (src/shared/flows/)", () => {
    const lines = flaggedLines(
      "src/shared/flows/example.ts",
      [
        'import { ECSClient } from "@aws-sdk/client-ecs";',
        'import { loadConfig } from "../../app/config.js";',
        'import type { Log } from "../log.js";',
        "export const used = [ECSClient, loadConfig] as const;",
        "export type Used = Log;",
      ].join("\n"),
    );

    expect(lines).toEqual([1, 2]);
  });

  it("forbid src/shared/ to import src/app/, src/handlers/ or src/cli/ (the SDK stays allowed in adapters)", () => {
    const lines = flaggedLines(
      "src/shared/rollback/example.ts",
      [
        'import { main } from "../../cli/main.js";',
        'import { handler } from "../../handlers/task-state.js";',
        'import { lambdaFlowDeps } from "../../app/events.js";',
        'import { ECSClient } from "@aws-sdk/client-ecs";',
        'import { arnName } from "../events/arns.js";',
        "export const used = [main, handler, lambdaFlowDeps, ECSClient, arnName] as const;",
      ].join("\n"),
    );

    expect(lines).toEqual([1, 2, 3]);
  });

  it("let a handler import only src/app/ and src/shared/flows/", () => {
    const lines = flaggedLines(
      "src/handlers/example.ts",
      [
        'import { ECSClient } from "@aws-sdk/client-ecs";',
        'import { lambdaFlowDeps } from "../app/events.js";',
        'import { parseEcsEvent } from "../shared/events/parse.js";',
        'import { dispatchEvent } from "../shared/flows/dispatch.js";',
        'import { main } from "../cli/main.js";',
        'import type { Context } from "aws-lambda";',
        "export const used = [ECSClient, lambdaFlowDeps, parseEcsEvent, dispatchEvent, main] as const;",
        "export type Used = Context;",
      ].join("\n"),
    );

    expect(lines).toEqual([1, 3, 5]);
  });
});
