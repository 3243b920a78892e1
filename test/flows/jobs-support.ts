/** Shared set-up for the job flow tests: fake ports, a recording notifier, stopped-task events. */
import type { TaskStateChangeEvent } from "../../src/shared/events/parse.js";
import type { EcsTask } from "../../src/shared/events/schemas.js";
import type { JobsFlowDeps } from "../../src/shared/flows/job-run.js";
import type { JobSpec } from "../../src/shared/jobs/types.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import type { Notifier, ProblemRef } from "../../src/shared/notify/port.js";
import { FakeEcs, MemoryRunStore } from "../jobs/fakes.js";

export interface SentJobMessage {
  message: Message;
  channels?: string[];
  dedupeKey: string;
  throttleKey?: string;
  problem?: ProblemRef;
}

export function recordingNotifier(): Notifier & { sent: SentJobMessage[] } {
  const sent: SentJobMessage[] = [];
  const notify: Notifier = async (message, target) => {
    sent.push({ message, ...target });
    return [{ channel: "slack", status: "sent" }];
  };
  return Object.assign(notify, { sent });
}

export function flowDeps(jobs: JobSpec[], overrides: Partial<JobsFlowDeps> = {}) {
  const ecs = new FakeEcs();
  const store = new MemoryRunStore();
  const notify = recordingNotifier();
  let runs = 0;
  const deps: JobsFlowDeps = {
    jobs,
    ecs,
    store,
    notify,
    log: silentLog,
    dryRun: false,
    now: () => new Date("2025-03-10T03:00:05Z"),
    newRunId: () => `run-${++runs}`,
    sleep: async () => {},
    ...overrides,
  };
  return { deps, ecs, store, notify };
}

export function stoppedEvent(task: EcsTask): TaskStateChangeEvent {
  return {
    version: "0",
    id: `event-${task.taskArn}`,
    "detail-type": "ECS Task State Change",
    source: "aws.ecs",
    account: "123456789012",
    time: "2025-03-10T03:04:31Z",
    region: "eu-west-1",
    resources: [task.taskArn],
    detail: task,
  } as TaskStateChangeEvent;
}
