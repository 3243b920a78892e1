/** The out-of-memory stop of service `api` in cluster `prod` that the delivery tests notify, with overrides. */
import type { Message } from "../../../src/shared/notify/message.js";

export function stopMessage(overrides: Partial<Message> = {}): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title: "api: container `web` ran out of memory",
    cause: "The container exceeded its memory limit.",
    evidence: [],
    remediation: [],
    facts: [],
    links: [],
    service: "api",
    cluster: "prod",
    ...overrides,
  };
}
