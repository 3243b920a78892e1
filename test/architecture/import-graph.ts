/**
 * The import graph of src/, read from the code's own import and export-from statements (static and dynamic
 * `import("...")`), for the architecture tests. Relative specifiers are resolved to files (`.js` → `.ts`);
 * package specifiers are kept as they are written.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export interface SourceFile {
  /** Path relative to the project root, with forward slashes: `src/app/events.ts`. */
  path: string;
  lines: number;
  /** Resolved project files this file imports. */
  imports: string[];
  /** Package specifiers: `@aws-sdk/client-ecs`, `node:fs`. */
  packages: string[];
}

const SOURCE = /\.(ts|cts|mts)$/;
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.cjs$/, ".d.cts"),
    base.replace(/\.mjs$/, ".mts"),
    base,
    `${base}.ts`,
    join(base, "index.ts"),
  ];
  return (
    candidates.find((candidate) => SOURCE.test(candidate) && existsSync(candidate)) ??
    candidates.find(existsSync)
  );
}

/** Every source file under `root/src` with what it imports. */
export function readImportGraph(root: string): Map<string, SourceFile> {
  const files = new Map<string, SourceFile>();
  for (const absolute of walk(join(root, "src"))) {
    const text = readFileSync(absolute, "utf8");
    const file: SourceFile = {
      path: relative(root, absolute).split("\\").join("/"),
      lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0),
      imports: [],
      packages: [],
    };
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (!specifier) continue;
      if (!specifier.startsWith(".")) {
        file.packages.push(specifier);
        continue;
      }
      const target = resolveRelative(absolute, specifier);
      if (target) file.imports.push(relative(root, target).split("\\").join("/"));
    }
    files.set(file.path, file);
  }
  return files;
}

/** Every import cycle, as the list of files on it (strongly connected components of more than one file, or a self-import). */
export function importCycles(files: Map<string, SourceFile>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    lowlinks.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of files.get(node)?.imports ?? []) {
      if (!files.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(node, Math.min(lowlinks.get(node) ?? 0, lowlinks.get(next) ?? 0));
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfImport = files.get(node)?.imports.includes(node) ?? false;
      if (component.length > 1 || selfImport) cycles.push(component.sort());
    }
  };
  for (const node of files.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}
