/**
 * The house rules read from src/'s own imports: no import cycle anywhere, no file over 400 lines, and the tiers
 * (edges → composition → shared) imported only downwards. Biome's noRestrictedImports enforces the same tiers in
 * the editor and `npm run lint` (biome.json; proven in lint-boundaries.test.ts); this test also sees the
 * resolved paths and the cycles a lint rule cannot.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { importCycles, readImportGraph } from "./import-graph.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const graph = readImportGraph(root);
const files = [...graph.values()];
const MAX_LINES = 400;

const scratch = mkdtempSync(join(tmpdir(), "import-graph-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A throwaway project with the given src/ files. */
function project(name: string, sources: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(sources)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("the import graph of src/", () => {
  it("is read from the code (it finds the handlers, the composition and the flows)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("src/handlers/task-state.ts")?.imports).toContain("src/app/events.ts");
    expect(graph.get("src/app/events.ts")?.imports).toContain("src/app/job-hooks.ts");
  });

  it("has no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("has no file over 400 lines", () => {
    const long = files.filter((f) => f.lines > MAX_LINES).map((f) => `${f.path}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });

  it("keeps src/shared/ below the composition and the edges", () => {
    const upward = files.flatMap((f) =>
      f.path.startsWith("src/shared/")
        ? f.imports.filter((to) => /^src\/(app|handlers|cli)\//.test(to)).map((to) => `${f.path} → ${to}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it("keeps the AWS SDK out of the use cases (src/shared/flows/)", () => {
    const sdk = files.flatMap((f) =>
      f.path.startsWith("src/shared/flows/")
        ? f.packages.filter((p) => p.startsWith("@aws-sdk/")).map((p) => `${f.path} → ${p}`)
        : [],
    );
    expect(sdk).toEqual([]);
  });

  it("lets handlers import only the composition (src/app/) and the use cases (src/shared/flows/)", () => {
    const past = files.flatMap((f) =>
      f.path.startsWith("src/handlers/")
        ? f.imports.filter((to) => !/^src\/(app|shared\/flows)\//.test(to)).map((to) => `${f.path} → ${to}`)
        : [],
    );
    expect(past).toEqual([]);
  });

  it("leaves building SDK clients and reading the environment to the composition (src/app/)", () => {
    const found = files.flatMap((f) => {
      if (!f.path.startsWith("src/shared/")) return [];
      const text = readFileSync(join(root, f.path), "utf8");
      return [/\bnew\b[^;\n]*Client\(/, /process\.env/]
        .filter((p) => p.test(text))
        .map((p) => `${f.path}: ${p}`);
    });
    expect(found).toEqual([]);
  });

  it("keeps the composition (src/app/) free of the edges", () => {
    const upward = files.flatMap((f) =>
      f.path.startsWith("src/app/")
        ? f.imports.filter((to) => /^src\/(handlers|cli)\//.test(to)).map((to) => `${f.path} → ${to}`)
        : [],
    );
    expect(upward).toEqual([]);
  });
});

describe("the checks themselves", () => {
  it("find a cycle through static, export-from and dynamic imports", () => {
    // Arrange: the shape of the cycle wiring.ts ⇄ jobs-wiring.ts had, plus a dynamic import closing another.
    const dir = project("cycle", {
      "src/wiring.ts": 'import { jobHooks } from "./jobs-wiring.js";\nexport const a = jobHooks;\n',
      "src/jobs-wiring.ts": 'export { b } from "./wiring-b.js";\nexport const jobHooks = 1;\n',
      "src/wiring-b.ts": 'import { a } from "./wiring.js";\nexport const b = a;\n',
      "src/lazy.ts": 'export const load = () => import("./lazy-back.js");\n',
      "src/lazy-back.ts": 'import { load } from "./lazy.js";\nexport const again = load;\n',
      "src/leaf.ts": 'import { a } from "./wiring.js";\nexport const c = a;\n',
    });

    // Act
    const cycles = importCycles(readImportGraph(dir));

    // Assert
    expect(cycles).toEqual(
      expect.arrayContaining([
        ["src/jobs-wiring.ts", "src/wiring-b.ts", "src/wiring.ts"],
        ["src/lazy-back.ts", "src/lazy.ts"],
      ]),
    );
    expect(cycles).toHaveLength(2);
  });

  it("count lines and keep package imports apart from files", () => {
    // Arrange
    const dir = project("lines", {
      "src/shared/flows/uses-sdk.ts": `import { ECSClient } from "@aws-sdk/client-ecs";\n${"export const x = 1;\n".repeat(401)}`,
    });

    // Act
    const file = readImportGraph(dir).get("src/shared/flows/uses-sdk.ts");

    // Assert
    expect(file?.lines).toBe(402);
    expect(file?.packages).toEqual(["@aws-sdk/client-ecs"]);
    expect(file?.imports).toEqual([]);
  });
});
