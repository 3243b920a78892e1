import { readFileSync } from "node:fs";
import { parseEcsEvent } from "../../src/shared/events/index.js";
import type { DeploymentStateChangeEvent, ServiceActionEvent } from "../../src/shared/events/parse.js";

const dir = new URL("./fixtures/", import.meta.url);

export function rawFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, dir), "utf8")) as Record<string, unknown>;
}

export function deploymentFixture(name: string): DeploymentStateChangeEvent {
  return parseEcsEvent(rawFixture(name)) as DeploymentStateChangeEvent;
}

export function serviceActionFixture(name: string): ServiceActionEvent {
  return parseEcsEvent(rawFixture(name)) as ServiceActionEvent;
}

/** A doc example with some `detail` fields replaced: how the adapted events of the tests are made. */
export function adaptedServiceAction(base: string, detail: Record<string, unknown>): ServiceActionEvent {
  const raw = rawFixture(base);
  return parseEcsEvent({ ...raw, detail: { ...(raw.detail as object), ...detail } }) as ServiceActionEvent;
}

export function adaptedDeployment(base: string, detail: Record<string, unknown>): DeploymentStateChangeEvent {
  const raw = rawFixture(base);
  return parseEcsEvent({
    ...raw,
    detail: { ...(raw.detail as object), ...detail },
  }) as DeploymentStateChangeEvent;
}
