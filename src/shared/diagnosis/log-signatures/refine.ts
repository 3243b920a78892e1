/**
 * Reads the culprit container's last log lines against the log signatures and refines the diagnosis: what broke
 * (sub-cause, title, summary), the lines that show it, and what to change first. Pure and bounded: at most
 * MAX_LINES lines of at most MAX_LINE_CHARS each, a literal filter before any pattern runs.
 *
 * Only a diagnosis whose container ran is refined (REFINABLE_CATEGORIES): a stop ECS explains itself (secrets,
 * image pull, IAM, placement...) stays as it is, whatever the logs say.
 */
import { maskLines } from "../../enrich/masking.js";
import type { Diagnosis } from "../types.js";
import { LOG_SIGNATURES } from "./signatures.js";
import { type LogSignature, REFINABLE_CATEGORIES, type RefinableCategory } from "./types.js";

/** The crash is at the end; a longer tail only costs time. */
export const MAX_LINES = 200;
/** A longer line is cut before matching: every signature matches within its first characters. */
export const MAX_LINE_CHARS = 2000;
/** Matching lines quoted as evidence (the tail itself is in the alert too). */
const MAX_EVIDENCE_LINES = 2;
const MAX_FIELD_CHARS = 200;

const REFINABLE: ReadonlySet<string> = new Set(REFINABLE_CATEGORIES);

interface Hit {
  signature: LogSignature;
  index: number;
  fields: Record<string, string>;
  contextIndex?: number;
}

function isRefinable(category: string): category is RefinableCategory {
  return REFINABLE.has(category);
}

/** `host2`, `host3`... are the same field in another alternative (no duplicate group names before ES2025). */
function fieldsOf(signature: LogSignature, match: RegExpExecArray): Record<string, string> {
  const fields: Record<string, string> = { ...signature.defaults };
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(match.groups ?? {})) {
    const name = key.replace(/\d+$/, "");
    if (value === undefined || seen.has(name)) continue;
    const trimmed = value.trim().replace(/[.,;:'")\]]+$/, "");
    if (!trimmed) continue;
    seen.add(name);
    fields[name] = trimmed.length > MAX_FIELD_CHARS ? `${trimmed.slice(0, MAX_FIELD_CHARS)}…` : trimmed;
  }
  return fields;
}

function hasHint(lower: string, hints: readonly string[]): boolean {
  for (const hint of hints) if (lower.includes(hint)) return true;
  return false;
}

const ALL_HINTS = [...new Set(LOG_SIGNATURES.flatMap((s) => s.hints))];
// Longest first, so that at one position the longer hint is found; the scan restarts one character later, so
// a shorter hint inside it (or overlapping it) is found too.
const HINT_SCAN = new RegExp(
  [...ALL_HINTS]
    .sort((a, b) => b.length - a.length)
    .map((hint) => hint.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|"),
  "g",
);

/** Which hints occur anywhere in the tail: one scan, instead of every hint against every line. */
function presentHints(lower: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const line of lower) {
    HINT_SCAN.lastIndex = 0;
    for (let match = HINT_SCAN.exec(line); match; match = HINT_SCAN.exec(line)) {
      found.add(match[0]);
      HINT_SCAN.lastIndex = match.index + 1;
    }
  }
  return found;
}

function contextLine(signature: LogSignature, lines: readonly string[], index: number): number | undefined {
  const context = signature.context;
  if (!context) return undefined;
  for (let i = index; i >= 0; i--) if (context.test(lines[i] ?? "")) return i;
  for (let i = index + 1; i < lines.length; i++) if (context.test(lines[i] ?? "")) return i;
  return -1;
}

/** The best hit: the highest specificity, then the latest line, then the first signature in the data. */
function bestHit(
  category: RefinableCategory,
  exitCode: number | undefined,
  lines: readonly string[],
  lower: readonly string[],
): Hit | undefined {
  let best: Hit | undefined;
  const present = presentHints(lower);
  for (const signature of LOG_SIGNATURES) {
    if (!signature.refines.includes(category)) continue;
    if (!signature.hints.some((hint) => present.has(hint))) continue;
    if (signature.exitCodes && (exitCode === undefined || !signature.exitCodes.includes(exitCode))) continue;
    if (best && signature.specificity < best.signature.specificity) continue;
    const sameRank = best !== undefined && signature.specificity === best.signature.specificity;
    for (let i = lines.length - 1; i >= 0; i--) {
      if (sameRank && best && i <= best.index) break;
      if (!hasHint(lower[i] ?? "", signature.hints)) continue;
      const match = signature.pattern.exec(lines[i] ?? "");
      if (!match) continue;
      const contextIndex = contextLine(signature, lines, i);
      if (contextIndex === -1) continue;
      best = { signature, index: i, fields: fieldsOf(signature, match) };
      if (contextIndex !== undefined) best.contextIndex = contextIndex;
      break;
    }
  }
  return best;
}

function subjectOf(d: Diagnosis): string {
  if (d.service) return `service \`${d.service}\``;
  if (d.family) return `task family \`${d.family}\``;
  return `task \`${d.taskArn.split("/").at(-1) ?? d.taskArn}\``;
}

function fill(template: string, fields: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w{1,40})\}/g, (whole, name: string) => fields[name] ?? whole);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The evidence lines: the match, and the line that gave it context (a traceback header) when there is one. */
function evidenceLines(hit: Hit, lines: readonly string[]): string[] {
  const indexes = [hit.contextIndex, hit.index].filter((i): i is number => i !== undefined);
  const picked = unique(indexes.sort((a, b) => a - b).map((i) => lines[i] ?? "")).slice(-MAX_EVIDENCE_LINES);
  return maskLines(picked).map((line) => `Log line: ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`);
}

/**
 * The diagnosis refined by the container's last log lines (oldest first, newest last), or the same diagnosis
 * when it is not refinable or nothing in the lines is recognised.
 */
export function refineWithLogs(diagnosis: Diagnosis, logLines: readonly string[]): Diagnosis {
  const category = diagnosis.category;
  if (!isRefinable(category) || logLines.length === 0) return diagnosis;
  const lines = logLines
    .slice(-MAX_LINES)
    .map((line) => (line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line));
  const lower = lines.map((line) => line.toLowerCase());
  const hit = bestHit(category, diagnosis.culprit?.exitCode, lines, lower);
  if (!hit) return diagnosis;
  const { signature } = hit;
  const container = diagnosis.culprit?.name;
  const subject = subjectOf(diagnosis);
  const fields: Record<string, string> = {
    ...hit.fields,
    subject,
    container: container ? `\`${container}\`` : "the container",
    who: container ? `Container \`${container}\` in ${subject}` : `A container in ${subject}`,
  };
  return {
    ...diagnosis,
    subCause: signature.subCause,
    title: fill(signature.title, fields),
    summary: fill(signature.summary, fields),
    evidence: [...evidenceLines(hit, lines), ...diagnosis.evidence],
    remediation: unique([
      ...signature.remediation.map((step) => fill(step, fields)),
      ...diagnosis.remediation,
    ]),
    docs: unique([...signature.docs, ...diagnosis.docs]),
    confidence: signature.confidence,
    evidenceSource: "logs",
    logSignature: signature.id,
  };
}
