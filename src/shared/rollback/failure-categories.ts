/**
 * Which stopped-task categories count toward a crash loop. Decided here, once:
 *
 * NOT failures (a rollback would not help, or nothing went wrong):
 * - `scaling`, `user-stopped`: the scheduler or a person stopped the task on purpose;
 * - `spot-interruption`: capacity was reclaimed, the revision is not at fault;
 * - `platform`: the host, agent or runtime failed, the revision is not at fault;
 * - `placement`: the cluster lacks capacity; returning to the old revision does not add any.
 *
 * Failures: everything else, including `completed`. Crash-loop tasks are started by a deployment, so they are
 * service tasks, and a service task whose essential container exits 0 has quit (DESIGN.md: only a standalone
 * task's `completed` is a normal end). `unknown` counts too: an unexplained stop of a fresh revision is a
 * signal, and the threshold keeps one-offs from triggering anything.
 */
import { CATEGORIES, type Category } from "../diagnosis/types.js";

export const NON_FAILURE_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  "scaling",
  "user-stopped",
  "spot-interruption",
  "platform",
  "placement",
]);

export const FAILURE_CATEGORIES: ReadonlySet<Category> = new Set(
  CATEGORIES.filter((c) => !NON_FAILURE_CATEGORIES.has(c)),
);

export function isRollbackFailure(category: Category): boolean {
  return FAILURE_CATEGORIES.has(category);
}
