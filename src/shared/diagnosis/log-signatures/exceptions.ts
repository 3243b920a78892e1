/**
 * Uncaught exceptions: the type and message the runtime printed as it died (Java, Node.js, Python, Go, Ruby,
 * .NET). Less specific than a named cause: when a line below also names a cause (a missing variable, a refused
 * connection), that signature wins. Each `source` is a public report quoting such a line.
 */
import type { LogSignature } from "./types.js";
import { REFINABLE_CATEGORIES } from "./types.js";

const ALL = REFINABLE_CATEGORIES;
const READ_THE_STACK = [
  "Read the stack trace in the log lines below for the first frame in the application's own code; that is where to fix it.",
  "Compare with the last revision that worked (image and environment): an exception at startup usually follows a change.",
];

function uncaught(
  id: string,
  language: string,
  hints: readonly string[],
  pattern: RegExp,
  source: string,
  context?: RegExp,
): LogSignature {
  return {
    id,
    refines: ALL,
    subCause: "uncaught-exception",
    hints,
    pattern,
    ...(context ? { context } : {}),
    specificity: 1,
    defaults: { message: "(no message)" },
    title: "{who} crashed: {type}: {message}",
    summary: `The ${language} application died on an uncaught {type}: {message}`,
    remediation: READ_THE_STACK,
    docs: [],
    confidence: "likely",
    source,
  };
}

export const EXCEPTION_SIGNATURES: readonly LogSignature[] = [
  uncaught(
    "java-uncaught-exception",
    "Java",
    ["exception in thread", "caused by:"],
    /(?:Exception in thread "[^"\n]{1,100}" |^Caused by: )(?<type>[\w$]{1,100}(?:\.[\w$]{1,100}){0,20}(?:Exception|Error))(?::\s?(?<message>[^\n]{1,300}))?/,
    "https://github.com/artipie/artipie/issues/65",
  ),
  uncaught(
    "dotnet-unhandled-exception",
    ".NET",
    ["unhandled exception"],
    // A SocketException prints its error code between the type and the colon: `SocketException (107): ...`.
    /Unhandled [Ee]xception(?:\.|:)\s(?<type>System(?:\.\w{1,100}){1,10}|[\w]{1,100}(?:\.\w{1,100}){0,10}Exception)(?: \(\d{1,10}\))?:\s?(?<message>[^\n]{1,300})?/,
    "https://github.com/d8ahazard/glimmr/issues/13",
  ),
  uncaught(
    "python-uncaught-exception",
    "Python",
    ["error", "exception", "exit"],
    /^(?<type>(?:[a-z_]\w{0,60}\.){0,10}[A-Z]\w{0,80}(?:Error|Exception|Exit|Interrupt|Warning|Failure))(?::\s?(?<message>[^\n]{1,300}))?$/,
    "https://github.com/politeauthority/docker-pretty-ps/issues/3",
    /Traceback \(most recent call last\)/,
  ),
  uncaught(
    "node-uncaught-exception",
    "Node.js",
    ["error", "exception"],
    /^(?:Uncaught )?(?<type>[A-Z]\w{0,80}(?:Error|Exception))(?: \[[A-Z_]{1,60}\])?: (?<message>[^\n]{1,300})$/,
    "https://github.com/pi-node/instructions/issues/340",
    /node:internal|triggerUncaughtException|throw er(?:r)?;|\bat [^\n]{0,200}\.[cm]?js:\d/,
  ),
  uncaught(
    "go-panic",
    "Go",
    ["panic:", "fatal error:"],
    /^(?<type>panic|fatal error): (?<message>[^\n]{1,300})/,
    "https://github.com/coroot/coroot/issues/402",
  ),
  uncaught(
    "ruby-uncaught-exception",
    "Ruby",
    [":in "],
    /^[^\s:]{1,300}:\d{1,7}:in [`'][^'\n]{0,200}': (?<message>[^\n]{1,300}?) \((?<type>[A-Z][\w:]{0,100})\)$/,
    "https://github.com/StanfordCDT/pb/issues/2",
  ),
];
