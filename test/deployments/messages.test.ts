import { describe, expect, it } from "vitest";
import {
  dedupeKey,
  deploymentMessage,
  SERVICE_ACTION_EVENT_NAMES,
  serviceActionMessage,
} from "../../src/shared/deployments/index.js";
import type { Severity } from "../../src/shared/diagnosis/types.js";
import {
  adaptedDeployment,
  adaptedServiceAction,
  deploymentFixture,
  serviceActionFixture,
} from "./fixtures.js";

const SERVICE_ARN = "arn:aws:ecs:us-west-2:111122223333:service/default/servicetest";
const CLUSTER = "default";
const TASK_DEFINITION = "arn:aws:ecs:us-west-2:111122223333:task-definition/web:12";

describe("deploymentMessage", () => {
  it("announces a started deployment as info, naming service, cluster, deployment and revision", () => {
    const event = deploymentFixture("deployment-in-progress.doc.json");

    const message = deploymentMessage(event, { taskDefinition: TASK_DEFINITION });

    expect(message).toMatchObject({
      kind: "deployment",
      severity: "info",
      category: "SERVICE_DEPLOYMENT_IN_PROGRESS",
      title: "servicetest: deployment started to web:12",
      service: "servicetest",
      cluster: CLUSTER,
      region: "us-west-2",
      account: "111122223333",
      time: "2020-05-23T12:31:14Z",
    });
    expect(message.facts).toEqual(
      expect.arrayContaining([
        { label: "Cluster", value: "default" },
        { label: "Service", value: "servicetest" },
        { label: "Deployment", value: "ecs-svc/123" },
        { label: "Revision", value: "web:12" },
      ]),
    );
    expect(message.links[0]?.url).toBe(
      "https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/default/services/servicetest/deployments?region=us-west-2",
    );
  });

  it("reports a circuit-breaker rollback as a warning (doc example keeps the deploymentID placeholder)", () => {
    const event = deploymentFixture("deployment-in-progress-rollback.doc.json");

    const message = deploymentMessage(event);

    expect(message.severity).toBe("warning");
    expect(message.title).toBe("servicetest: rolling back");
    expect(message.reason).toBe("ECS deployment circuit breaker: rolling back to deploymentId deploymentID.");
    expect(message.remediation.length).toBeGreaterThan(0);
  });

  it("names the deployment a real rollback returns to (reason adapted to the real wording)", () => {
    const event = adaptedDeployment("deployment-in-progress-rollback.doc.json", {
      reason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/9223370564341623665.",
    });

    const message = deploymentMessage(event);

    expect(message.title).toBe("servicetest: rolling back to ecs-svc/9223370564341623665");
    expect(message.facts).toContainEqual({ label: "Rolling back to", value: "ecs-svc/9223370564341623665" });
  });

  it("reports a completed deployment as info", () => {
    const message = deploymentMessage(deploymentFixture("deployment-completed.doc.json"));

    expect(message.severity).toBe("info");
    expect(message.title).toBe("servicetest: deployment completed");
    expect(message.remediation).toEqual([]);
  });

  it("reports a failed deployment as critical with the verbatim reason and what to do", () => {
    const message = deploymentMessage(deploymentFixture("deployment-failed.doc.json"));

    expect(message.severity).toBe("critical");
    expect(message.title).toBe("servicetest: deployment failed");
    expect(message.reason).toBe("ECS deployment circuit breaker: task failed to start.");
    expect(message.cause).toContain("circuit breaker");
    expect(message.remediation.join(" ")).toMatch(/rollback is off/i);
  });

  it("blames the alarm when a deployment failed because of a CloudWatch alarm (reason adapted)", () => {
    const event = adaptedDeployment("deployment-failed.doc.json", {
      reason: "ECS deployment alarm: one or more CloudWatch alarms are in ALARM state.",
    });

    const message = deploymentMessage(event);

    expect(message.cause).toContain("CloudWatch alarm");
    expect(message.links.map((l) => l.url)).toContain(
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html",
    );
  });

  it("falls back to the eventType for an undocumented deployment eventName", () => {
    const event = adaptedDeployment("deployment-failed.doc.json", { eventName: "SERVICE_DEPLOYMENT_PAUSED" });

    const message = deploymentMessage(event);

    expect(message.severity).toBe("critical");
    expect(message.title).toBe("servicetest: SERVICE_DEPLOYMENT_PAUSED");
  });

  it("uses the event id as the dedupe key", () => {
    expect(dedupeKey(deploymentFixture("deployment-failed.doc.json"))).toBe(
      "ddca6449-b258-46c0-8653-e0e3aEXAMPLE",
    );
  });
});

describe("serviceActionMessage for the documented examples", () => {
  it("reports steady state as info with nothing to do", () => {
    const message = serviceActionMessage(serviceActionFixture("service-action-steady-state.doc.json"));

    expect(message).toMatchObject({
      kind: "service-action",
      severity: "info",
      category: "SERVICE_STEADY_STATE",
      title: "servicetest: steady state",
      cluster: CLUSTER,
      service: "servicetest",
    });
    expect(message.remediation).toEqual([]);
  });

  it("lists the capacity providers of CAPACITY_PROVIDER_STEADY_STATE as evidence", () => {
    const message = serviceActionMessage(
      serviceActionFixture("service-action-capacity-provider-steady-state.doc.json"),
    );

    expect(message.severity).toBe("info");
    expect(message.evidence).toContain("capacity provider ASG-tutorial-capacity-provider");
  });

  it("reports an impaired task start as critical and points at the stopped tasks", () => {
    const message = serviceActionMessage(serviceActionFixture("service-action-task-start-impaired.doc.json"));

    expect(message.severity).toBe("critical");
    expect(message.title).toBe("servicetest: cannot start tasks");
    expect(message.remediation.join(" ")).toContain("stoppedReason");
  });

  it("explains an EC2 placement failure for lack of CPU, naming the container instance", () => {
    const message = serviceActionMessage(
      serviceActionFixture("service-action-placement-failure-ec2-cpu.doc.json"),
    );

    expect(message.severity).toBe("warning");
    expect(message.title).toBe("servicetest: cannot place tasks (RESOURCE:CPU)");
    expect(message.cause).toContain("CPU");
    expect(message.reason).toBe("RESOURCE:CPU");
    expect(message.evidence).toContain("container instance 2dd1b186f39845a584488d2ef155c131");
  });

  it("explains a Fargate Spot placement failure as missing Fargate capacity", () => {
    const message = serviceActionMessage(
      serviceActionFixture("service-action-placement-failure-fargate-spot.doc.json"),
    );

    expect(message.severity).toBe("warning");
    expect(message.cause).toContain("Fargate");
    expect(message.evidence).toContain("capacity provider FARGATE_SPOT");
  });
});

/** Every documented eventName, adapted from service-action-steady-state.doc.json (eventType/eventName/reason changed). */
const EVERY_EVENT: [string, string, string | undefined, Severity, string][] = [
  ["SERVICE_STEADY_STATE", "INFO", undefined, "info", "steady state"],
  ["TASKSET_STEADY_STATE", "INFO", undefined, "info", "task set in steady state"],
  ["CAPACITY_PROVIDER_STEADY_STATE", "INFO", undefined, "info", "capacity provider in steady state"],
  ["SERVICE_DESIRED_COUNT_UPDATED", "INFO", undefined, "info", "desired count updated by the scheduler"],
  ["TASKS_STOPPED", "INFO", undefined, "info", "tasks stopped by the service"],
  ["SERVICE_DEPLOYMENT_IN_PROGRESS", "INFO", undefined, "info", "deployment in progress"],
  ["SERVICE_DEPLOYMENT_COMPLETED", "INFO", undefined, "info", "deployment completed"],
  ["SERVICE_TASK_START_IMPAIRED", "WARN", undefined, "critical", "cannot start tasks"],
  [
    "SERVICE_DISCOVERY_INSTANCE_UNHEALTHY",
    "WARN",
    undefined,
    "warning",
    "unhealthy task in service discovery",
  ],
  ["VPC_LATTICE_TARGET_UNHEALTHY", "WARN", undefined, "warning", "unhealthy VPC Lattice target"],
  [
    "SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED",
    "ERROR",
    undefined,
    "warning",
    "daemon task violates placement constraints",
  ],
  ["ECS_OPERATION_THROTTLED", "ERROR", undefined, "warning", "scheduler throttled by the ECS API"],
  [
    "SERVICE_DISCOVERY_OPERATION_THROTTLED",
    "ERROR",
    undefined,
    "warning",
    "scheduler throttled by AWS Cloud Map",
  ],
  [
    "SERVICE_TASK_PLACEMENT_FAILURE",
    "ERROR",
    "RESOURCE:MEMORY",
    "warning",
    "cannot place tasks (RESOURCE:MEMORY)",
  ],
  [
    "SERVICE_TASK_CONFIGURATION_FAILURE",
    "ERROR",
    "Service was unable to assume the task role",
    "critical",
    "task configuration error",
  ],
  ["SERVICE_HEALTH_UNKNOWN", "ERROR", undefined, "warning", "task health unknown"],
  ["SERVICE_DEPLOYMENT_FAILED", "ERROR", undefined, "critical", "deployment failed"],
];

describe("serviceActionMessage for every documented eventName", () => {
  it("covers the whole documented list", () => {
    expect(EVERY_EVENT.map(([name]) => name).sort()).toEqual([...SERVICE_ACTION_EVENT_NAMES].sort());
  });

  it.each(EVERY_EVENT)("%s (%s, reason %s) is %s: %s", (eventName, eventType, reason, severity, headline) => {
    const event = adaptedServiceAction("service-action-steady-state.doc.json", {
      eventName,
      eventType,
      reason,
    });

    const message = serviceActionMessage(event);

    expect(message.severity).toBe(severity);
    expect(message.category).toBe(eventName);
    expect(message.title).toBe(`servicetest: ${headline}`);
    expect(message.cause.length).toBeGreaterThan(20);
    expect(message.service).toBe("servicetest");
    expect(message.cluster).toBe(CLUSTER);
    if (severity !== "info") expect(message.remediation.length).toBeGreaterThan(0);
  });

  it("states the new desired count of SERVICE_DESIRED_COUNT_UPDATED when the event carries it", () => {
    const event = adaptedServiceAction("service-action-steady-state.doc.json", {
      eventName: "SERVICE_DESIRED_COUNT_UPDATED",
      desiredCount: 4,
    });

    const message = serviceActionMessage(event);

    expect(message.cause).toContain("desired count to 4");
    expect(message.facts).toContainEqual({ label: "Desired count", value: "4" });
  });

  it.each([
    ["INFO", "info"],
    ["WARN", "warning"],
    ["WARNING", "warning"],
    ["ERROR", "critical"],
  ] as const)("rates an undocumented eventName with eventType %s as %s", (eventType, severity) => {
    const event = adaptedServiceAction("service-action-steady-state.doc.json", {
      eventName: "SERVICE_SOMETHING_NEW",
      eventType,
    });

    const message = serviceActionMessage(event);

    expect(message.severity).toBe(severity);
    expect(message.title).toBe("servicetest: SERVICE_SOMETHING_NEW");
  });

  it("takes the cluster from the service ARN in resources, not from the detail", () => {
    const event = adaptedServiceAction("service-action-steady-state.doc.json", { clusterArn: undefined });

    const message = serviceActionMessage(event);

    expect(message.cluster).toBe(CLUSTER);
  });

  it("finds the service of a task-set ARN (TASKSET_STEADY_STATE, resources adapted)", () => {
    const event = adaptedServiceAction("service-action-steady-state.doc.json", {
      eventName: "TASKSET_STEADY_STATE",
    });
    event.resources = ["arn:aws:ecs:us-west-2:111122223333:task-set/default/servicetest/ecs-svc/1234567890"];

    const message = serviceActionMessage(event);

    expect(message.service).toBe("servicetest");
    expect(message.cluster).toBe(CLUSTER);
  });

  it("names an unknown service when resources is empty, keeping the detail's cluster", () => {
    const event = adaptedServiceAction("service-action-steady-state.doc.json", {});
    event.resources = [];

    const message = serviceActionMessage(event);

    expect(message.title).toBe("unknown service: steady state");
    expect(message.cluster).toBe(CLUSTER);
  });

  it("keeps SERVICE_ARN in sync with the fixtures", () => {
    expect(serviceActionFixture("service-action-steady-state.doc.json").resources[0]).toBe(SERVICE_ARN);
  });
});
