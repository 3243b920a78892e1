import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import type { EcsTask } from "../../src/shared/events/index.js";
import { parseTask } from "../../src/shared/events/index.js";
import { type DiagnosisEnv, fromDiagnosis } from "../../src/shared/notify/from-diagnosis.js";
import type { Message } from "../../src/shared/notify/message.js";
import { renderConsole, renderEmail, renderSlack } from "../../src/shared/notify/render/index.js";
import { diagnosisEnvArb, ENV_SECRET, hostileRawTaskArb, hugeString, strangeString } from "./arbitraries.js";
import {
  BARE_BROADCAST_STRICT,
  consoleProblems,
  EMAIL_BODY_TOO_LARGE,
  emailProblems,
  slackInjectionProblems,
  slackProblems,
} from "./checks.js";
import { generatedTaskArb, mutatedTaskArb, parsedTaskArb } from "./parsed-tasks.js";
import { FUZZ_TIMEOUT, runs } from "./runs.js";

function messageFor(task: EcsTask, env: DiagnosisEnv): Message {
  return fromDiagnosis(diagnoseTask(task), env);
}

/** Every rendering of the task's message, with what is wrong with each. */
function renderingProblems(message: Message): string[] {
  return [
    ...slackProblems(renderSlack(message)).map((p) => `slack: ${p}`),
    ...emailProblems(renderEmail(message)).map((p) => `email: ${p}`),
    ...consoleProblems(renderConsole(message, { color: false }), false).map((p) => `console: ${p}`),
    ...consoleProblems(renderConsole(message, { color: true }), true).map((p) => `console (colour): ${p}`),
  ];
}

describe("fromDiagnosis", () => {
  it(
    "builds a message with a title, the diagnosis' severity and category, and web links only",
    () => {
      fc.assert(
        fc.property(parsedTaskArb(), diagnosisEnvArb, (task, env) => {
          const diagnosis = diagnoseTask(task);

          const message = fromDiagnosis(diagnosis, env);

          expect(message.title.trim().length).toBeGreaterThan(0);
          expect(message.severity).toBe(diagnosis.severity);
          expect(message.category).toBe(diagnosis.category);
          for (const link of message.links) expect(link.url).toMatch(/^https:\/\/[^\s<>|]+$/);
        }),
        runs(1000),
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe("renderings of any diagnosis", () => {
  it(
    "stay within Block Kit limits, inert, and valid for SNS for generated tasks",
    () => {
      fc.assert(
        fc.property(generatedTaskArb(), diagnosisEnvArb, (task, env) => {
          expect(renderingProblems(messageFor(task, env))).toEqual([]);
        }),
        runs(1000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "stay within Block Kit limits, inert, and valid for SNS for mutated real task events",
    () => {
      fc.assert(
        fc.property(mutatedTaskArb(), diagnosisEnvArb, (task, env) => {
          expect(renderingProblems(messageFor(task, env))).toEqual([]);
        }),
        runs(1000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "stay within every limit with 200 containers and 100 KB strings",
    () => {
      fc.assert(
        fc.property(
          fc.oneof(generatedTaskArb({ maxContainers: 200 }), mutatedTaskArb({ huge: true })),
          diagnosisEnvArb,
          (task, env) => {
            expect(renderingProblems(messageFor(task, env))).toEqual([]);
          },
        ),
        runs(100),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "never show a container override's environment value",
    () => {
      fc.assert(
        fc.property(generatedTaskArb(), (task) => {
          const message = messageFor(task, {});

          expect(JSON.stringify(renderSlack(message))).not.toContain(ENV_SECRET);
          expect(JSON.stringify(renderEmail(message))).not.toContain(ENV_SECRET);
        }),
        runs(300),
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe("hostile text injected into every field a person controls", () => {
  it(
    "leaves no live mention or link in the Slack payload when stoppedReason, container reasons and names, group, task ARN and cluster are hostile",
    () => {
      fc.assert(
        fc.property(hostileRawTaskArb, diagnosisEnvArb, (raw, env) => {
          const payload = renderSlack(messageFor(parseTask(raw), env));

          expect(slackInjectionProblems(payload)).toEqual([]);
        }),
        runs(1500),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "keeps the email subject and attributes valid for SNS when those fields are hostile",
    () => {
      fc.assert(
        fc.property(hostileRawTaskArb, diagnosisEnvArb, (raw, env) => {
          expect(emailProblems(renderEmail(messageFor(parseTask(raw), env)))).toEqual([]);
        }),
        runs(1000),
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe("known findings, pinned until fixed (FINDINGS.md)", () => {
  const loneSurrogate = fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff");
  const nameWithLoneSurrogate = fc
    .tuple(strangeString, loneSurrogate, strangeString)
    .map(([before, lone, after]) => `${before}${lone}${after}`.replaceAll("/", ""));

  // F2: the fix belongs in src/shared/notify/console-links.ts (encodeURIComponent throws on lone surrogates).
  it(
    "builds a message when the cluster, task id or service name holds a lone surrogate (F2)",
    () => {
      fc.assert(
        fc.property(nameWithLoneSurrogate, fc.constantFrom("cluster", "task", "service"), (name, where) => {
          const cluster = where === "cluster" ? name : "prod";
          const taskId = where === "task" ? name : "0f6c1d2e3a4b4c5d8e9f0a1b2c3d4e5f";
          const task = parseTask({
            taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${cluster}/${taskId}`,
            clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${cluster}`,
            group: `service:${where === "service" ? name : "api"}`,
            lastStatus: "STOPPED",
            stopCode: "EssentialContainerExited",
            containers: [{ name: "web", exitCode: 1 }],
          });

          expect(() => fromDiagnosis(diagnoseTask(task), { region: "us-east-1" })).not.toThrow();
        }),
        runs(100),
      );
    },
    FUZZ_TIMEOUT,
  );

  // F4: the fix belongs in the email renderer (src/shared/notify/render/email.ts or text.ts): replace lone
  // surrogates (String.prototype.toWellFormed) as the SNS transport already does for the subject.
  it(
    "renders an email body SNS can encode when a reason holds a lone surrogate (F4)",
    () => {
      fc.assert(
        fc.property(nameWithLoneSurrogate, (reason) => {
          const task = parseTask({
            taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/0f6c1d2e3a4b4c5d8e9f0a1b2c3d4e5f",
            stoppedReason: reason,
            lastStatus: "STOPPED",
            containers: [{ name: "web", exitCode: 1, reason }],
          });

          const email = renderEmail(fromDiagnosis(diagnoseTask(task), {}));

          // The SDK's query protocol for SNS Publish runs encodeURIComponent on every field.
          expect(() => encodeURIComponent(email.body)).not.toThrow();
          for (const value of Object.values(email.attributes))
            expect(() => encodeURIComponent(value)).not.toThrow();
        }),
        runs(100),
      );
    },
    FUZZ_TIMEOUT,
  );

  // F5: the fix belongs in src/shared/notify/render/plain-body.ts (link URLs are not bounded, unlike Slack's).
  it(
    "keeps the email body under SNS's 256 KB when the cluster name is 100 KB long (F5)",
    () => {
      fc.assert(
        fc.property(hugeString, (huge) => {
          // Surrogates and slashes out: F2 and the ARN's own structure are not what this pins.
          const cluster = huge.replace(/[\ud800-\udfff/]/g, "x");
          const task = parseTask({
            taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${cluster}/0f6c1d2e3a4b4c5d8e9f0a1b2c3d4e5f`,
            clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${cluster}`,
            group: "service:api",
            lastStatus: "STOPPED",
            containers: [{ name: "web", exitCode: 1 }],
          });

          const message = fromDiagnosis(diagnoseTask(task), {});

          expect(emailProblems(renderEmail(message))).not.toContain(EMAIL_BODY_TOO_LARGE);
        }),
        runs(20),
      );
    },
    FUZZ_TIMEOUT,
  );

  // F3: the fix belongs in src/shared/notify/text.ts (MENTION leaves `@` after `.`, `+`, `-`, `_` alone).
  it(
    "neutralises @channel, @here and @everyone after '.', '+', '-' or '_' (F3)",
    () => {
      const broadcast = fc
        .tuple(
          fc.constantFrom("api", "x", ""),
          fc.constantFrom(".", "+", "-", "_"),
          fc.constantFrom("channel", "here", "everyone"),
        )
        .map(([word, glue, name]) => `${word}${glue}@${name}`);
      fc.assert(
        fc.property(broadcast, (text) => {
          const task = parseTask({
            taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/0f6c1d2e3a4b4c5d8e9f0a1b2c3d4e5f",
            stoppedReason: text,
            lastStatus: "STOPPED",
            containers: [{ name: text, exitCode: 1, reason: text }],
          });

          const payload = renderSlack(fromDiagnosis(diagnoseTask(task), {}));

          expect(slackInjectionProblems(payload, BARE_BROADCAST_STRICT)).toEqual([]);
        }),
        runs(100),
      );
    },
    FUZZ_TIMEOUT,
  );
});
