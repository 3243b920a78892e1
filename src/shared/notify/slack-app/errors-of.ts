/** Reads the app-mode action of a Slack Web API error, whatever module threw it. */
import type { SlackErrorAction } from "./api-port.js";

const ACTIONS: readonly SlackErrorAction[] = ["retry", "repost", "channel", "auth", "payload"];

export function slackErrorAction(error: unknown): SlackErrorAction | undefined {
  if (!(error instanceof Error)) return undefined;
  const action = (error as { action?: unknown }).action;
  return ACTIONS.includes(action as SlackErrorAction) ? (action as SlackErrorAction) : undefined;
}

/** Another sender is posting the thread's parent and did not finish in time: the event is retried. */
export class ThreadBusyError extends Error {
  override readonly name = "ThreadBusyError";
  readonly action = "retry" as const;
  constructor(readonly key: string) {
    super(`another delivery is opening thread ${key}; retrying the event`);
  }
}

/** Concurrent edits of one thread kept winning over this one: the event is retried. */
export class ThreadContentionError extends Error {
  override readonly name = "ThreadContentionError";
  readonly action = "retry" as const;
  constructor(readonly key: string) {
    super(`too many concurrent edits of thread ${key}; retrying the event`);
  }
}
