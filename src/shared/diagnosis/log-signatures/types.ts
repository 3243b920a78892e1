/** The shape of a log signature: a pattern in a container's last log lines that names why it stopped. */
import type { Category } from "../types.js";

/** The categories a log signature may refine: the container ran, so its output can explain the stop. */
export const REFINABLE_CATEGORIES = [
  "app-exit",
  "out-of-memory",
  "container-health-check",
  "elb-health-check",
] as const satisfies readonly Category[];
export type RefinableCategory = (typeof REFINABLE_CATEGORIES)[number];

/**
 * How much a match says. The most specific match wins; between equals, the latest line (the crash is at the end).
 *  3: a named cause (a variable, a host and port, a file);
 *  2: a resource exhausted (heap, memory) or the runtime refusing to start;
 *  1: an uncaught exception: its type and message, no more;
 *  0: a hint (the port the app listens on).
 */
export type Specificity = 0 | 1 | 2 | 3;

export interface LogSignature {
  /** Stable id, e.g. `node-connection-refused`. */
  id: string;
  refines: readonly RefinableCategory[];
  /** Kebab-case sub-cause the diagnosis takes, e.g. `dependency-connection-refused`. */
  subCause: string;
  /** Lower-case literals, one of which the lower-cased line must contain: a cheap filter run before the pattern. */
  hints: readonly string[];
  /**
   * Tested against one line (at most MAX_LINE_CHARS). Named groups are the extracted fields. Every repetition is
   * bounded or over a class that cannot overlap its neighbour, so a 100 KB line costs linear time.
   */
  pattern: RegExp;
  /** Another line of the tail must match this too (e.g. a Python traceback header for a bare `KeyError`). */
  context?: RegExp;
  /** The culprit container must have exited with one of these codes. */
  exitCodes?: readonly number[];
  specificity: Specificity;
  /** Values for fields the pattern may leave out. */
  defaults?: Readonly<Record<string, string>>;
  /** Templates: `{who}` ("Container `web` in service `api`"), `{container}`, `{subject}`, and the named groups. */
  title: string;
  summary: string;
  /** Steps specific to the sub-cause, most likely fix first (templates too). */
  remediation: readonly string[];
  docs: readonly string[];
  confidence: "likely";
  /** A public report quoting this kind of line, where the pattern was checked against a real excerpt. */
  source: string;
}
