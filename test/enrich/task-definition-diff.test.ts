import { describe, expect, it } from "vitest";
import {
  type ContainerShape,
  describeChanges,
  diffTaskDefinitions,
  displayImage,
  formatChange,
  type TaskDefinitionShape,
} from "../../src/shared/enrich/task-definition-diff.js";

const web: ContainerShape = {
  name: "web",
  image: "repo/api:1.4.2",
  cpu: 256,
  memory: 512,
  essential: true,
  command: ["node", "server.js"],
  environment: [
    { name: "DB_HOST", value: "db-old.internal" },
    { name: "LOG_LEVEL", value: "info" },
  ],
  secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:db-a" }],
  healthCheck: { command: ["CMD-SHELL", "curl -f localhost/health"], interval: 30, retries: 3 },
  logConfiguration: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/ecs/api", "awslogs-stream-prefix": "ecs" },
  },
};

const base: TaskDefinitionShape = {
  cpu: "512",
  memory: "1024",
  taskRoleArn: "arn:aws:iam::123456789012:role/api-task",
  executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  networkMode: "awsvpc",
  runtimePlatform: { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" },
  containerDefinitions: [web],
};

function withWeb(changes: Partial<ContainerShape>): TaskDefinitionShape {
  return { ...base, containerDefinitions: [{ ...web, ...changes }] };
}

const lines = (before: TaskDefinitionShape, after: TaskDefinitionShape) =>
  diffTaskDefinitions(before, after).map(formatChange);

describe("diffTaskDefinitions", () => {
  it("finds nothing between identical task definitions", () => {
    expect(diffTaskDefinitions(base, structuredClone(base))).toEqual([]);
  });

  it("reports an image change", () => {
    expect(lines(base, withWeb({ image: "repo/api:1.5.0" }))).toEqual([
      "web image: repo/api:1.4.2 -> repo/api:1.5.0",
    ]);
  });

  it("shortens digest-pinned images so two digests stay readable", () => {
    const before = `repo/api@sha256:${"a".repeat(64)}`;
    const after = `repo/api@sha256:${"b".repeat(64)}`;

    expect(lines(withWeb({ image: before }), withWeb({ image: after }))).toEqual([
      `web image: repo/api@sha256:${"a".repeat(12)}… -> repo/api@sha256:${"b".repeat(12)}…`,
    ]);
    expect(displayImage("repo/api:1.0")).toBe("repo/api:1.0");
  });

  it("reports task memory and cpu", () => {
    expect(lines(base, { ...base, memory: "2048", cpu: "1024" })).toEqual([
      "task memory: 1024 -> 2048",
      "task cpu: 512 -> 1024",
    ]);
  });

  it("reports container memory, memory reservation and cpu", () => {
    expect(lines(base, withWeb({ memory: 1024, memoryReservation: 256, cpu: 512 }))).toEqual([
      "web memory: 512 -> 1024",
      "web memory reservation: none -> 256",
      "web cpu: 256 -> 512",
    ]);
  });

  it("reports environment names added, removed and changed, never a value", () => {
    const after = withWeb({
      environment: [
        { name: "DB_HOST", value: "db-new.internal" },
        { name: "FEATURE_X", value: "on" },
      ],
    });

    const changed = lines(base, after);

    expect(changed).toEqual([
      "web environment: added FEATURE_X, removed LOG_LEVEL, changed DB_HOST (value hidden)",
    ]);
    expect(changed.join()).not.toMatch(/db-new|db-old|\bon\b|info/);
  });

  it("reports secrets by name when their source changes, never the source", () => {
    const after = withWeb({
      secrets: [
        { name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:db-b" },
        { name: "API_KEY", valueFrom: "/prod/api-key" },
      ],
    });

    const changed = lines(base, after);

    expect(changed).toEqual(["web secrets: added API_KEY, changed DB_PASSWORD (source changed)"]);
    expect(changed.join()).not.toContain("secret:db-");
  });

  it("reports command and entryPoint, with secrets in arguments masked", () => {
    const after = withWeb({
      command: ["node", "server.js", "--password", "hunter2"],
      entryPoint: ["/entry.sh"],
    });

    expect(lines(base, after)).toEqual([
      "web entryPoint: none -> /entry.sh",
      "web command: node server.js -> node server.js --password [masked]",
    ]);
  });

  it("reports a health check change", () => {
    const after = withWeb({
      healthCheck: { command: ["CMD-SHELL", "curl -f localhost/ready"], interval: 10, retries: 3 },
    });

    expect(lines(base, after)).toEqual([
      'web health check: CMD-SHELL "curl -f localhost/health", every 30s, 3 retries -> CMD-SHELL "curl -f localhost/ready", every 10s, 3 retries',
    ]);
  });

  it("reports log driver, group and stream prefix changes", () => {
    const after = withWeb({
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": "/ecs/api-v2", "awslogs-stream-prefix": "v2" },
      },
    });

    expect(lines(base, after)).toEqual([
      "web log group: /ecs/api -> /ecs/api-v2",
      "web log stream prefix: ecs -> v2",
    ]);
    expect(lines(base, withWeb({ logConfiguration: { logDriver: "awsfirelens" } }))).toEqual([
      "web log driver: awslogs -> awsfirelens",
      "web log group: /ecs/api -> none",
      "web log stream prefix: ecs -> none",
    ]);
  });

  it("treats an absent essential flag as true", () => {
    const { essential: _essential, ...implicit } = web;

    expect(lines(base, { ...base, containerDefinitions: [implicit] })).toEqual([]);
    expect(lines(base, withWeb({ essential: false }))).toEqual(["web essential: true -> false"]);
  });

  it("reports containers added and removed", () => {
    const after = {
      ...base,
      containerDefinitions: [
        { ...web, name: "app" },
        { name: "envoy", image: "envoy:1" },
      ],
    };

    expect(lines(base, after)).toEqual(["containers: added app, envoy, removed web"]);
  });

  it("reports task role, execution role, network mode and runtime platform", () => {
    const after: TaskDefinitionShape = {
      ...base,
      taskRoleArn: "arn:aws:iam::123456789012:role/service/api-task-v2",
      executionRoleArn: undefined,
      networkMode: "bridge",
      runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
    };

    expect(lines(base, after)).toEqual([
      "task role: api-task -> service/api-task-v2",
      "execution role: ecsTaskExecutionRole -> none",
      "network mode: awsvpc -> bridge",
      "runtime platform: LINUX/X86_64 -> LINUX/ARM64",
    ]);
  });

  it("lists the most telling changes first", () => {
    const after = {
      ...withWeb({ image: "repo/api:2", memory: 1024 }),
      networkMode: "bridge",
      memory: "2048",
    };

    const fields = diffTaskDefinitions(base, after).map((change) => change.field);

    expect(fields).toEqual(["image", "task memory", "memory", "network mode"]);
  });
});

describe("describeChanges", () => {
  it("keeps the first N changes and says how many more there are", () => {
    const after: TaskDefinitionShape = {
      ...withWeb({ image: "repo/api:2", memory: 1024, cpu: 1024, essential: false }),
      memory: "4096",
      cpu: "2048",
    };
    const changes = diffTaskDefinitions(base, after);

    const described = describeChanges(changes, 3);

    expect(described).toHaveLength(4);
    expect(described[0]).toBe("web image: repo/api:1.4.2 -> repo/api:2");
    expect(described[3]).toBe(`and ${changes.length - 3} more`);
  });

  it("adds no 'more' line when everything fits", () => {
    const changes = diffTaskDefinitions(base, withWeb({ image: "repo/api:2" }));

    expect(describeChanges(changes)).toEqual(["web image: repo/api:1.4.2 -> repo/api:2"]);
  });
});
