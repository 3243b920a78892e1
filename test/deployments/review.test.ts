import type { Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import {
  deploymentReviewMessage,
  type FindingId,
  reviewDeployment,
} from "../../src/shared/deployments/review.js";

const ACCOUNT = "111122223333";

/** A revision with nothing to flag (DescribeTaskDefinition `taskDefinition` shape). */
function cleanTaskDefinition(): TaskDefinition {
  return {
    taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:12`,
    family: "web",
    revision: 12,
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
    containerDefinitions: [
      {
        name: "web",
        image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2`,
        essential: true,
        environment: [
          { name: "LOG_LEVEL", value: "info" },
          {
            name: "DB_PASSWORD_SECRET_ARN",
            value: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`,
          },
        ],
        secrets: [
          { name: "DB_PASSWORD", valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf` },
        ],
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/web" } },
        healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"] },
      },
      {
        name: "log-router",
        image: "public.ecr.aws/aws-observability/aws-for-fluent-bit@sha256:0123abcd",
        essential: false,
        logConfiguration: { logDriver: "awslogs" },
      },
    ],
  };
}

/** A service with nothing to flag (DescribeServices `services[0]` shape). */
function cleanService(): Service {
  return {
    serviceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/web`,
    serviceName: "web",
    clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`,
    launchType: "FARGATE",
    loadBalancers: [
      {
        targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/web/0123456789abcdef`,
        containerName: "web",
        containerPort: 8080,
      },
    ],
    healthCheckGracePeriodSeconds: 60,
    deploymentController: { type: "ECS" },
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ["subnet-0a4040e73895f04e1"], assignPublicIp: "DISABLED" },
    },
  };
}

type Mutation = (td: TaskDefinition, service: Service) => void;

function web(td: TaskDefinition) {
  const container = td.containerDefinitions?.[0];
  if (!container) throw new Error("fixture has no web container");
  return container;
}

const secretVar =
  (name: string, value: string): Mutation =>
  (td) => {
    web(td).environment?.push({ name, value });
  };

const CASES: [string, Mutation, FindingId][] = [
  [
    "image tagged latest",
    (td) => {
      web(td).image = "nginx:latest";
    },
    "mutable-image-tag",
  ],
  [
    "image without a tag",
    (td) => {
      web(td).image = "nginx";
    },
    "mutable-image-tag",
  ],
  [
    "a password in a plain environment variable",
    secretVar("DB_PASSWORD", "correct-horse-battery"),
    "plaintext-secret",
  ],
  [
    "an AWS access key id in a plain environment variable",
    secretVar("UPLOADER", "AKIAIOSFODNN7EXAMPLE"),
    "plaintext-secret",
  ],
  [
    "a PEM private key in a plain environment variable",
    secretVar("TLS", "-----BEGIN PRIVATE KEY-----\nMIIEvQ"),
    "plaintext-secret",
  ],
  [
    "a long random token in a plain environment variable",
    secretVar("UPSTREAM", "q8ZrT2xW9vLmN4pK7sYd3Hf6Gj1Bc5Ae0Ru"),
    "plaintext-secret",
  ],
  [
    "task role equal to the execution role",
    (td) => {
      td.taskRoleArn = td.executionRoleArn;
    },
    "task-role-is-execution-role",
  ],
  [
    "no health check grace period behind a load balancer",
    (_td, s) => {
      s.healthCheckGracePeriodSeconds = 0;
    },
    "no-health-check-grace-period",
  ],
  [
    "circuit breaker off",
    (_td, s) => {
      s.deploymentConfiguration = { deploymentCircuitBreaker: { enable: false, rollback: false } };
    },
    "circuit-breaker-off",
  ],
  [
    "no deployment configuration at all",
    (_td, s) => {
      s.deploymentConfiguration = undefined;
    },
    "circuit-breaker-off",
  ],
  [
    "circuit breaker without rollback",
    (_td, s) => {
      s.deploymentConfiguration = { deploymentCircuitBreaker: { enable: true, rollback: false } };
    },
    "circuit-breaker-rollback-off",
  ],
  [
    "a container without log configuration",
    (td) => {
      web(td).logConfiguration = undefined;
    },
    "no-log-configuration",
  ],
  [
    "a public IP on Fargate",
    (_td, s) => {
      s.networkConfiguration = { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "ENABLED" } };
    },
    "public-ip",
  ],
  [
    "a public IP on Fargate Spot through a capacity provider strategy",
    (_td, s) => {
      s.launchType = undefined;
      s.capacityProviderStrategy = [{ capacityProvider: "FARGATE_SPOT", weight: 1 }];
      s.networkConfiguration = { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "ENABLED" } };
    },
    "public-ip",
  ],
  [
    "an essential container without a health check",
    (td) => {
      web(td).healthCheck = undefined;
    },
    "no-container-health-check",
  ],
];

describe("reviewDeployment", () => {
  it("finds nothing in a well-configured revision and service", () => {
    expect(reviewDeployment({ taskDefinition: cleanTaskDefinition(), service: cleanService() })).toEqual([]);
  });

  it.each(CASES)("flags %s", (_name, mutate, id) => {
    const taskDefinition = cleanTaskDefinition();
    const service = cleanService();
    mutate(taskDefinition, service);

    const findings = reviewDeployment({ taskDefinition, service });

    expect(findings.map((f) => f.id)).toEqual([id]);
    const [finding] = findings;
    expect(finding?.why.length).toBeGreaterThan(20);
    expect(finding?.fix.length).toBeGreaterThan(20);
    expect(finding?.docs).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it("does not flag a circuit breaker on services deployed by CodeDeploy", () => {
    const service = cleanService();
    service.deploymentController = { type: "CODE_DEPLOY" };
    service.deploymentConfiguration = undefined;

    expect(reviewDeployment({ taskDefinition: cleanTaskDefinition(), service })).toEqual([]);
  });

  it("does not flag a public IP on EC2 tasks", () => {
    const service = cleanService();
    service.launchType = "EC2";
    service.networkConfiguration = {
      awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "ENABLED" },
    };

    expect(reviewDeployment({ taskDefinition: cleanTaskDefinition(), service })).toEqual([]);
  });

  it("does not ask non-essential containers for a health check", () => {
    const taskDefinition = cleanTaskDefinition();

    const ids = reviewDeployment({ taskDefinition, service: cleanService() }).map((f) => f.id);

    expect(taskDefinition.containerDefinitions?.[1]?.healthCheck).toBeUndefined();
    expect(ids).not.toContain("no-container-health-check");
  });

  it("puts the most severe finding first", () => {
    const taskDefinition = cleanTaskDefinition();
    web(taskDefinition).healthCheck = undefined;
    web(taskDefinition).environment?.push({ name: "API_TOKEN", value: "tok-123" });

    const findings = reviewDeployment({ taskDefinition, service: cleanService() });

    expect(findings.map((f) => f.severity)).toEqual(["critical", "info"]);
  });
});

describe("deploymentReviewMessage", () => {
  it("sends nothing when nothing is flagged", () => {
    expect(
      deploymentReviewMessage({ taskDefinition: cleanTaskDefinition(), service: cleanService() }),
    ).toBeUndefined();
  });

  it("summarises all findings in one message with the top severity", () => {
    const taskDefinition = cleanTaskDefinition();
    const service = cleanService();
    web(taskDefinition).image = "nginx:latest";
    service.deploymentConfiguration = { deploymentCircuitBreaker: { enable: true, rollback: false } };

    const message = deploymentReviewMessage({ taskDefinition, service });

    expect(message).toMatchObject({
      kind: "deployment-review",
      category: "deployment-review",
      severity: "warning",
      title: "web: review of web:12: 2 findings",
      service: "web",
      cluster: "prod",
      region: "us-east-1",
    });
    expect(message?.evidence).toHaveLength(2);
    expect(message?.remediation).toHaveLength(2);
    expect(message?.facts).toContainEqual({ label: "Revision", value: "web:12" });
  });

  it("names the variable but never includes the secret value anywhere in the message", () => {
    const secrets = [
      "correct-horse-battery-staple",
      "AKIAIOSFODNN7EXAMPLE",
      "q8ZrT2xW9vLmN4pK7sYd3Hf6Gj1Bc5Ae0Ru",
      "-----BEGIN PRIVATE KEY-----MIIEvQ",
    ];
    const taskDefinition = cleanTaskDefinition();
    web(taskDefinition).environment?.push(
      { name: "DB_PASSWORD", value: secrets[0] },
      { name: "UPLOADER", value: secrets[1] },
      { name: "UPSTREAM", value: secrets[2] },
      { name: "TLS", value: secrets[3] },
    );

    const message = deploymentReviewMessage({ taskDefinition, service: cleanService() });
    const serialized = JSON.stringify(message);

    expect(message?.severity).toBe("critical");
    expect(serialized).toContain("DB_PASSWORD");
    expect(serialized).toContain("UPLOADER");
    for (const secret of secrets) expect(serialized).not.toContain(secret);
    expect(serialized).not.toContain("AKIA");
    expect(serialized).not.toContain("BEGIN");
  });
});
