/** out-of-memory: the kernel killed a container that exceeded its memory limit. Trust the reason text, not exit 137. */
import { DOCS } from "../docs.js";
import { containerIn, type Rule, theContainer } from "./rule.js";

const OOM =
  /outofmemory|out of memory|oom[- ]?kill|oomkilled|killed due to memory|memory usage exceeded|exceeded (?:its |the )?memory|memory limit exceeded|\boom\b/;

function limitText(limit: number | undefined): string {
  return limit ? ` (limit ${limit} MiB)` : "";
}

export const memoryRules: readonly Rule[] = [
  {
    category: "out-of-memory",
    subCause: "container-memory-limit-exceeded",
    when: OOM,
    unless: /cannot allocate memory/,
    title: (c) => `${containerIn(c)} ran out of memory`,
    summary: (c) =>
      `${containerIn(c)} used more memory than it is allowed${limitText(c.memoryLimitMiB)} and was killed by the OOM killer, which stopped the task.`,
    remediation: (c) => [
      `Find the peak memory of ${theContainer(c)} before the kill (CloudWatch Container Insights MemoryUtilized, or the application's own metrics).`,
      `Raise the container's hard limit (\`memory\` in the container definition${c.memoryLimitMiB ? `, now ${c.memoryLimitMiB} MiB` : ""}) and, if needed, the task-level memory so the sum still fits.`,
      "Cap the runtime's heap below the limit (e.g. JVM -XX:MaxRAMPercentage=75, Node --max-old-space-size) so it fails cleanly instead of being killed.",
      "If usage climbs steadily until the kill, look for a memory leak or an unbounded cache or queue.",
    ],
    docs: [DOCS.outOfMemory, DOCS.taskDefinitionParameters],
  },
];
