/**
 * Signatures of a runtime that ran out of memory: the JVM heap (whose fix is the heap size, not the container's
 * memory), the JVM as a whole against the container limit, the Node.js heap, Python's MemoryError.
 * Each `source` is a public report quoting such a line.
 */
import { DOCS } from "../docs.js";
import type { LogSignature } from "./types.js";

const JAVA_OOM = /OutOfMemoryError(?::\s?(?<kind>[^\n]{1,120}))?/;

export const MEMORY_SIGNATURES: readonly LogSignature[] = [
  {
    // ECS killed the container at its memory limit and the JVM had reported an OutOfMemoryError: the JVM's total
    // footprint (heap + metaspace + threads + direct buffers) is over the limit, so the fix is the ratio.
    id: "jvm-over-container-limit",
    refines: ["out-of-memory"],
    subCause: "jvm-exceeds-container-limit",
    hints: ["outofmemoryerror"],
    pattern: JAVA_OOM,
    specificity: 2,
    defaults: { kind: "memory" },
    title: "{who} was killed at its memory limit: the JVM needs more than the container has",
    summary:
      "The JVM reported OutOfMemoryError ({kind}) and ECS stopped the container at its memory limit: heap plus the JVM's own memory (metaspace, threads, buffers) do not fit in the container.",
    remediation: [
      "Size the heap from the container: `-XX:MaxRAMPercentage=75` (leave room for non-heap memory) instead of a fixed -Xmx close to the container limit.",
      "Or raise the container's `memory` (and the task's memory on Fargate) if the heap really needs that much.",
      "Add `-XX:+ExitOnOutOfMemoryError -XX:+HeapDumpOnOutOfMemoryError` to see what filled the heap.",
    ],
    docs: [DOCS.outOfMemory, DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/eclipse-openj9/openj9/issues/8552",
  },
  {
    // The heap ran out inside a container that still had memory: the heap limit is the bottleneck.
    id: "java-heap-out-of-memory",
    refines: ["app-exit", "container-health-check", "elb-health-check"],
    subCause: "java-heap-out-of-memory",
    hints: ["outofmemoryerror"],
    pattern: JAVA_OOM,
    specificity: 2,
    defaults: { kind: "Java heap space" },
    title: "{who} exited: the Java heap ran out ({kind})",
    summary:
      "The JVM threw OutOfMemoryError ({kind}) before the container reached its memory limit: the heap maximum is too small for the load, or something holds on to memory.",
    remediation: [
      "Raise the heap, not the container: `-XX:MaxRAMPercentage=75` (the JVM's default is 25% of the container's memory) or a larger -Xmx that still fits in the container.",
      "If the heap grows without bound, take a heap dump (`-XX:+HeapDumpOnOutOfMemoryError`) and look for the leak.",
    ],
    docs: [DOCS.outOfMemory, DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/orientechnologies/orientdb/issues/10037",
  },
  {
    id: "node-heap-out-of-memory",
    refines: ["app-exit", "out-of-memory", "container-health-check", "elb-health-check"],
    subCause: "node-heap-out-of-memory",
    hints: ["javascript heap out of memory"],
    pattern: /JavaScript heap out of memory/i,
    specificity: 2,
    title: "{who} exited: the Node.js heap ran out of memory",
    summary:
      "V8 reached its heap limit and aborted (`JavaScript heap out of memory`). The limit is V8's old-space size, which may be far below or above the container's memory.",
    remediation: [
      "Set `--max-old-space-size` (NODE_OPTIONS) to about 75% of the container's memory, so the heap uses what the container has without being killed.",
      "If memory grows steadily, profile for a leak (heap snapshot); more memory only delays the crash.",
    ],
    docs: [DOCS.outOfMemory, DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/website-local/mdn-local/issues/1144",
  },
  {
    id: "python-memory-error",
    refines: ["app-exit", "out-of-memory", "container-health-check", "elb-health-check"],
    subCause: "python-memory-error",
    hints: ["memoryerror"],
    pattern: /^\s{0,8}MemoryError\b(?::\s?(?<message>[^\n]{1,200}))?/,
    specificity: 2,
    title: "{who} exited: Python ran out of memory (MemoryError)",
    summary:
      "An allocation failed in Python (MemoryError): the process needed more memory than it could get.",
    remediation: [
      "Raise the container's `memory` (and the task's memory on Fargate), or process data in smaller batches.",
      "Check for data loaded whole into memory (a large file, a query without a limit).",
    ],
    docs: [DOCS.outOfMemory, DOCS.taskDefinitionParameters],
    confidence: "likely",
    source: "https://github.com/PlayNetwork/esimport/issues/7",
  },
];
