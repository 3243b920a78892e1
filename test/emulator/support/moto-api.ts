/**
 * moto's own control API (/moto-api/...): reset state, steer ECS task status progression, read what was sent.
 * No vitest imports here: the global setup uses this module too.
 */

export class MotoApiError extends Error {
  constructor(path: string, status: number, body: string) {
    super(`moto API ${path} answered ${status}: ${body.slice(0, 500)}`);
    this.name = "MotoApiError";
  }
}

/**
 * moto's ECS tasks advance one status (RUNNING -> DEACTIVATING -> ... -> STOPPED) every `times` DescribeTasks
 * calls; moto's default is 1, so merely looking at a task changes it. "manual" needs `times` (moto raises a
 * KeyError without it), so a count no test reaches freezes tasks until a test advances them on purpose.
 */
export const FROZEN_ECS_TASK_TRANSITION = { progression: "manual", times: 1_000_000_000 } as const;
export const STEPPING_ECS_TASK_TRANSITION = { progression: "manual", times: 1 } as const;

export interface ModelTransition {
  progression: string;
  times?: number;
  seconds?: number;
}

async function motoApi(endpoint: string, path: string, init?: RequestInit): Promise<string> {
  const response = await fetch(`${endpoint}/moto-api/${path}`, init);
  const body = await response.text();
  if (!response.ok) {
    throw new MotoApiError(path, response.status, body);
  }
  return body;
}

/** Forgets every resource in every service (not the state-manager transitions). */
export async function resetEmulator(endpoint: string): Promise<void> {
  await motoApi(endpoint, "reset", { method: "POST" });
}

export async function setTransition(
  endpoint: string,
  modelName: string,
  transition: ModelTransition,
): Promise<void> {
  await motoApi(endpoint, "state-manager/set-transition", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model_name: modelName, transition }),
  });
}

export async function getTransition(endpoint: string, modelName: string): Promise<ModelTransition> {
  // moto splits the raw query string without URL-decoding it, so the name goes in as is ("ecs::task").
  const body = await motoApi(endpoint, `state-manager/get-transition?model_name=${modelName}`);
  return JSON.parse(body) as ModelTransition;
}

export async function freezeEcsTaskTransitions(endpoint: string): Promise<void> {
  await setTransition(endpoint, "ecs::task", FROZEN_ECS_TASK_TRANSITION);
}

/** A fresh emulator for a test file: no resources, ECS tasks that keep their status until advanced. */
export async function prepareEmulatorForTestFile(endpoint: string): Promise<void> {
  await resetEmulator(endpoint);
  // Reset leaves transitions alone today; setting them after it keeps that true if moto changes.
  await freezeEcsTaskTransitions(endpoint);
}

export interface PublishedSnsMessage {
  topicArn: string;
  messageId: string;
  message: string;
  subject: string | undefined;
  /** Message attributes by name, as moto stores them: `{ Type: "String", Value: "critical" }`. */
  attributes: Record<string, { Type: string; Value: unknown }>;
  messageGroupId: string | undefined;
}

/** moto's data.json serialises each topic's `sent_notifications` tuples as arrays. */
type SentNotification = [
  string,
  string,
  string | null,
  PublishedSnsMessage["attributes"] | null,
  string | null,
];

interface MotoModelData {
  sns?: { Topic?: Array<{ arn: string; sent_notifications?: SentNotification[] }> };
}

/** Every message published to SNS since the last reset, per topic in publishing order. */
export async function fetchPublishedSnsMessages(endpoint: string): Promise<PublishedSnsMessage[]> {
  const data = JSON.parse(await motoApi(endpoint, "data.json")) as MotoModelData;
  return (data.sns?.Topic ?? []).flatMap((topic) =>
    (topic.sent_notifications ?? []).map(([messageId, message, subject, attributes, groupId]) => ({
      topicArn: topic.arn,
      messageId,
      message,
      subject: subject ?? undefined,
      attributes: attributes ?? {},
      messageGroupId: groupId ?? undefined,
    })),
  );
}
