/**
 * Severity, decided in one place:
 * - info: expected stops: scaling, user-stopped, and completed for a standalone task;
 * - warning: stops ECS recovers from on its own or that are not the task's fault: load balancer and container health
 *   checks, Spot interruption, platform (host, runtime, maintenance), placement, a service task that exited 0
 *   (it quit when it should run), and unknown;
 * - critical: the task never started or crashed: out-of-memory, image-pull, secrets, iam, network, storage,
 *   log-driver, resource-limits, start-failure, app-exit.
 */
import type { Category, Severity } from "./types.js";

const BY_CATEGORY: Readonly<Record<Category, Severity>> = {
  "out-of-memory": "critical",
  "image-pull": "critical",
  secrets: "critical",
  iam: "critical",
  network: "critical",
  storage: "critical",
  "log-driver": "critical",
  "resource-limits": "critical",
  "start-failure": "critical",
  "app-exit": "critical",
  "elb-health-check": "warning",
  "container-health-check": "warning",
  "spot-interruption": "warning",
  platform: "warning",
  placement: "warning",
  unknown: "warning",
  completed: "info",
  scaling: "info",
  "user-stopped": "info",
};

export function severityOf(category: Category, serviceTask: boolean): Severity {
  if (category === "completed" && serviceTask) return "warning";
  return BY_CATEGORY[category];
}
