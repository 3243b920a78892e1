/** The problem store in memory: the CLI without a state table, and unit tests. */
import { isQuiet, type OpenProblem, type ProblemStore } from "./types.js";

export function memoryProblemStore(): ProblemStore & { open(): OpenProblem[] } {
  const problems = new Map<string, OpenProblem>();
  return {
    async opened(key, at, quietAfterMs) {
      const current = problems.get(key);
      problems.set(key, {
        key,
        openedAt: current?.openedAt ?? at,
        lastSeenAt: Math.max(current?.lastSeenAt ?? at, at),
        ...(quietAfterMs !== undefined ? { quietAfterMs } : {}),
      });
    },
    async seen(key, at) {
      const current = problems.get(key);
      if (current && current.lastSeenAt < at) problems.set(key, { ...current, lastSeenAt: at });
    },
    isOpen: async (key) => problems.has(key),
    async closed(key) {
      problems.delete(key);
    },
    quiet: async (now) => [...problems.values()].filter((problem) => isQuiet(problem, now)),
    open: () => [...problems.values()],
  };
}
