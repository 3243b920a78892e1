/**
 * Incidents open in a channel that keeps one incident per problem (PagerDuty): which problems ecs-sentinel
 * triggered and has not resolved. A resolve goes out only for a problem that is open (no stray resolve for every
 * completed deployment), and the sweep closes problems that end by going quiet (a crash loop quiet for the flood
 * window). Port; the state table in dynamo-store.ts, memory in memory-store.ts.
 */

export interface OpenProblem {
  key: string;
  /** Epoch ms of the first trigger. */
  openedAt: number;
  /** Epoch ms of the latest occurrence (a trigger, or a flood-controlled copy). */
  lastSeenAt: number;
  /** Closed by the sweep once quiet this long; absent: only an explicit resolve closes it. */
  quietAfterMs?: number;
}

export interface ProblemStore {
  /** Records a problem whose trigger went out (again: refreshes when it was last seen). */
  opened(key: string, at: number, quietAfterMs?: number): Promise<void>;
  /** A flood-controlled occurrence of an open problem: later last-seen time. No-op when it is not open. */
  seen(key: string, at: number): Promise<void>;
  isOpen(key: string): Promise<boolean>;
  closed(key: string): Promise<void>;
  /** Open problems that end by going quiet and were last seen at least their quiet period before `now`. */
  quiet(now: number): Promise<OpenProblem[]>;
}

export function isQuiet(problem: OpenProblem, now: number): boolean {
  return problem.quietAfterMs !== undefined && problem.lastSeenAt + problem.quietAfterMs <= now;
}
