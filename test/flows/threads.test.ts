/**
 * Which Slack thread each flow puts its messages in (app mode). Events: examples/events (adapted from the AWS
 * docs' deployment and task state change examples), parsed as the handlers parse them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import type { DeploymentStateChangeEvent, TaskStateChangeEvent } from "../../src/shared/events/parse.js";
import { deploymentEventThread, reviewThread } from "../../src/shared/flows/deployment-thread.js";
import { stoppedTaskThread } from "../../src/shared/flows/stop-thread.js";
import { serviceArnOf, taskThrottleKey } from "../../src/shared/flows/task-stopped.js";

const read = <T>(name: string) =>
  JSON.parse(readFileSync(new URL(`../../examples/events/${name}`, import.meta.url), "utf8")) as T;
const SERVICE = "arn:aws:ecs:us-east-1:111122223333:service/prod/api";
const DEPLOYMENT = "ecs-svc/4817338263413749021";

describe("the threads of deployment events", () => {
  it("opens a new deployment's thread with its card, posts no separate reply and becomes the service's latest", () => {
    const event = read<DeploymentStateChangeEvent>("02-api-deployment-in-progress.json");

    const thread = deploymentEventThread(event, SERVICE);

    expect(thread).toMatchObject({
      key: `deployment#${SERVICE}#${DEPLOYMENT}`,
      reply: false,
      aliases: [`deployment-latest#${SERVICE}`],
      opening: { title: `api: deployment ${DEPLOYMENT}` },
      patch: { state: { phase: "in-progress" } },
    });
  });

  it("continues the service's latest deployment thread with a rollback ECS started, and leads its id there", () => {
    const event = read<DeploymentStateChangeEvent>("13-api-rollback-in-progress.json");

    const thread = deploymentEventThread(event, SERVICE);

    expect(thread).toMatchObject({
      key: `deployment-latest#${SERVICE}`,
      joinOnly: true,
      aliases: [`deployment#${SERVICE}#ecs-svc/4817338263413749388`],
      patch: { state: { phase: "rolling-back" } },
      fallback: { key: `deployment#${SERVICE}#ecs-svc/4817338263413749388` },
    });
  });

  it("edits the card of a failed deployment and replies with the failure, opening the card if the start was missed", () => {
    const event = read<DeploymentStateChangeEvent>("06-api-deployment-failed.json");

    const thread = deploymentEventThread(event, SERVICE);

    expect(thread?.key).toBe(`deployment#${SERVICE}#${DEPLOYMENT}`);
    expect(thread?.joinOnly).toBeUndefined();
    expect(thread?.reply).toBeUndefined();
    expect(thread?.opening?.severity).toBe("critical");
    expect(thread?.patch?.state).toMatchObject({ text: "Failed", phase: "failed" });
  });

  it("has no thread for an event without a service ARN", () => {
    const event = read<DeploymentStateChangeEvent>("06-api-deployment-failed.json");

    expect(deploymentEventThread(event, undefined)).toBeUndefined();
  });

  it("lets the review open the deployment's thread too, so a redelivered copy never posts it on its own", () => {
    const event = read<DeploymentStateChangeEvent>("02-api-deployment-in-progress.json");

    const thread = reviewThread(event, SERVICE);

    expect(thread).toMatchObject({
      key: `deployment#${SERVICE}#${DEPLOYMENT}`,
      opening: { kind: "deployment" },
    });
    expect(thread?.joinOnly).toBeUndefined();
  });
});

describe("the threads of stopped tasks", () => {
  it("joins the thread of the deployment that started the task, else its incident", () => {
    const event = read<TaskStateChangeEvent>("03-api-crash-1.json");
    const diagnosis = diagnoseTask(event.detail);
    const throttleKey = taskThrottleKey(diagnosis);

    const thread = stoppedTaskThread(event, diagnosis, throttleKey, serviceArnOf(event.detail), 1);

    expect(thread).toMatchObject({
      key: `deployment#${SERVICE}#${DEPLOYMENT}`,
      joinOnly: true,
      patch: { add: { "Failed tasks": 1 } },
      aliases: [`incident#${throttleKey}`],
      fallback: { key: `incident#${throttleKey}`, incident: true, patch: { add: { Occurrences: 1 } } },
    });
    expect(thread.detailKey).toBe(`app-exit#${diagnosis.subCause}#1`);
  });

  it("puts a task no deployment started into its incident's thread", () => {
    const event = read<TaskStateChangeEvent>("12-nightly-report-completed.json");
    const diagnosis = diagnoseTask(event.detail);

    const thread = stoppedTaskThread(event, diagnosis, "prod#family:nightly#completed", undefined, 1);

    expect(thread).toMatchObject({ key: "incident#prod#family:nightly#completed", incident: true });
    expect(thread.joinOnly).toBeUndefined();
  });
});
