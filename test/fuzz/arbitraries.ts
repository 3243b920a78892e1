/**
 * Shared fast-check generators: hostile and strange text, wrong-typed values, and tasks built from the fields
 * of the task schema (src/shared/events/schemas.ts), with realistic values often enough to reach every rule.
 */
import fc from "fast-check";
import { REAL_REASONS, REAL_STOP_CODES } from "./fixtures.js";

/** Slack tokens that would notify people or disguise a link if they reached a payload unescaped. */
export const HOSTILE_TOKENS = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<@U123>",
  "<#C1>",
  "<!subteam^S1>",
  "<http://evil|click>",
  "<mailto:x|y>",
  "<https://evil.example>",
  "<!date^1392734382^{date}|x>",
  "@channel",
  "@here",
  "@everyone",
] as const;

/** Characters that break naive text handling: bidi, zero-width, lone surrogates, NUL, ANSI, line breaks, markup. */
export const STRANGE_PIECES = [
  "\u202e",
  "\u2066",
  "\u200b",
  "\u200d",
  "\ufeff",
  "\ud800",
  "\udfff",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u001b[2J",
  "\u001b]8;;http://evil\u0007",
  "\u0085",
  "\r\n",
  "\r",
  "\n",
  "\t",
  "\u2028",
  "\u2029",
  "😀",
  "👩‍👩‍👧‍👦",
  "🇺🇸",
  "e\u0301",
  "עברית",
  "中文",
  "`",
  "```",
  "*",
  "_",
  "~",
  "&",
  "&amp;",
  "&lt;!channel&gt;",
  "<",
  ">",
  "|",
  ":",
  "/",
  "%",
  "$",
  "\\",
  '"',
  "__proto__",
  "constructor",
] as const;

export const hostileToken = fc.constantFrom(...HOSTILE_TOKENS);

/** A short string mixing ordinary text, any code point (lone surrogates too), strange pieces and hostile tokens. */
export const strangeString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...STRANGE_PIECES, ...HOSTILE_TOKENS) },
      { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(""));

/** `text` with a hostile token somewhere in it. */
export function withHostile(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(text, hostileToken, text, fc.constantFrom("", " ", "\n", "x", "."))
    .map(([before, token, after, glue]) => `${before}${glue}${token}${glue}${after}`);
}

/** 100 KB or a little more, built by repeating a strange seed: huge, multi-byte and hostile at once. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(withHostile(strangeString), fc.integer({ min: 100_000, max: 110_000 }))
  .map(([seed, length]) => {
    const unit = seed.length > 0 ? seed : "x";
    return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  });

/** Numbers a field may wrongly hold: extremes, out of Date's range, negative zero, fractions. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    137,
    2 ** 31,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    1e300,
    -1e300,
    8.64e15,
    1e11,
    0.5,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A value of the wrong type for almost any field. */
export function wrongValue(options: { huge?: boolean } = {}): fc.Arbitrary<unknown> {
  const choices: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.boolean(),
    oddNumber,
    fc.constant(""),
    strangeString,
    withHostile(strangeString),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    fc.constant({}),
    fc.constant([]),
  ];
  if (options.huge) choices.push(hugeString);
  return fc.oneof(...choices);
}

/** Text for a free-form field: usually real, sometimes strange, sometimes hostile. */
function text(real: readonly string[]): fc.Arbitrary<string> {
  const realText = real.length > 0 ? fc.constantFrom(...real) : fc.string();
  return fc.oneof(
    { weight: 4, arbitrary: realText },
    { weight: 2, arbitrary: strangeString },
    { weight: 2, arbitrary: withHostile(realText) },
    { weight: 1, arbitrary: fc.string() },
  );
}

const REGIONS = ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "not a region"];
const PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso"];
const NAMES = ["api", "web", "worker", "log-router", "nightly-report", "envoy", "app"];
const STOP_CODES = [...new Set([...REAL_STOP_CODES, "UserInitiated", "ServiceSchedulerInitiated"])];

const name = text(NAMES);
const region = fc.oneof(fc.constantFrom(...REGIONS), strangeString);
const account = fc.oneof(fc.constantFrom("123456789012", "XXXXXXXXXXXX", ""), strangeString);

/** ARNs in the shapes ECS writes (old and new formats), with any part possibly strange or hostile. */
function arn(kind: "task" | "cluster" | "task-definition"): fc.Arbitrary<string> {
  const resource =
    kind === "task"
      ? fc.oneof(
          fc.tuple(name, hex(32, 32)).map(([c, id]) => `${c}/${id}`),
          hex(32, 32),
          name,
        )
      : kind === "task-definition"
        ? fc
            .tuple(name, fc.option(fc.nat(), { nil: undefined }))
            .map(([f, r]) => (r === undefined ? f : `${f}:${r}`))
        : name;
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...PARTITIONS), region, account, resource)
        .map(([p, r, a, res]) => `arn:${p}:ecs:${r}:${a}:${kind}/${res}`),
    },
    { weight: 1, arbitrary: strangeString },
  );
}

/** Lower-case hex, the way task ids are written. */
function hex(minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength, maxLength });
}

const exitCode: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 126, 127, 134, 137, 139, 143, 255, -1) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(null, "", "137", "1e3", "abc", 1.5, 1e300) },
);

const numberish: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("256", "512", "null", "", null, 0, 512, "0", "-1"),
  fc.integer(),
  strangeString,
);

const timestamp: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("2024-05-14T10:42:07.512Z", "2023-05-02T15:29:11.177Z", "not a time", ""),
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
  fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true }),
  strangeString,
);

const status = (values: string[]) =>
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...values) }, strangeString);

export const containerArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name,
    containerArn: fc.string(),
    image: fc.oneof(
      text(["123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1", "nginx:latest"]),
      fc.constant(null),
    ),
    lastStatus: status(["STOPPED", "RUNNING", "PENDING"]),
    exitCode,
    reason: fc.oneof(text(REAL_REASONS), fc.constant(null), fc.constant("")),
    healthStatus: status(["HEALTHY", "UNHEALTHY", "UNKNOWN"]),
    cpu: numberish,
    memory: numberish,
    memoryReservation: numberish,
    essential: fc.boolean(),
  },
  { requiredKeys: ["name"] },
);

/** The secret a container override carries: it must never reach a diagnosis or a message. */
export const ENV_SECRET = "s3cr3t-ENV-VALUE-do-not-leak";

const overrides = fc.record({
  containerOverrides: fc.array(
    fc.record(
      {
        name,
        command: fc.array(fc.string(), { maxLength: 3 }),
        environment: fc.array(
          fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), value: fc.constant(ENV_SECRET) }),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
});

export interface TaskArbOptions {
  /** How many containers at most (200 for the flood case). */
  maxContainers?: number;
}

/** A raw task as ECS could describe it: every field of the schema, with realistic, strange or hostile values. */
export function rawTaskArb(options: TaskArbOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      taskArn: arn("task"),
      clusterArn: arn("cluster"),
      taskDefinitionArn: arn("task-definition"),
      containerInstanceArn: fc.string(),
      group: fc.oneof(
        name.map((n) => `service:${n}`),
        name.map((n) => `family:${n}`),
        strangeString,
      ),
      startedBy: fc.oneof(
        fc.constantFrom("ecs-svc/8646900195280463695", "events-rule/nightly", "ecs-sentinel"),
        strangeString,
      ),
      launchType: status(["FARGATE", "EC2", "EXTERNAL"]),
      capacityProviderName: status(["FARGATE", "FARGATE_SPOT", "ec2-spot-cp"]),
      platformVersion: fc.constantFrom("1.4.0", "LATEST"),
      availabilityZone: fc.constantFrom("us-east-1a", "eu-west-1b"),
      lastStatus: status(["STOPPED", "STOPPED", "RUNNING", "PENDING", "DEPROVISIONING"]),
      desiredStatus: status(["STOPPED", "RUNNING"]),
      healthStatus: status(["HEALTHY", "UNHEALTHY", "UNKNOWN"]),
      stopCode: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...STOP_CODES) },
        fc.constant(null),
        strangeString,
      ),
      stoppedReason: fc.oneof(text(REAL_REASONS), fc.constant(null)),
      cpu: numberish,
      memory: numberish,
      containers: fc.array(containerArb, { maxLength: options.maxContainers ?? 5 }),
      overrides,
      attachments: fc.array(fc.record({ type: fc.constantFrom("eni", "ElasticNetworkInterface") }), {
        maxLength: 2,
      }),
      tags: fc.array(fc.record({ key: fc.string(), value: strangeString }), { maxLength: 2 }),
      createdAt: timestamp,
      startedAt: timestamp,
      stoppingAt: timestamp,
      stoppedAt: timestamp,
      version: fc.nat(),
    },
    { requiredKeys: ["taskArn"] },
  );
}

/** A raw task whose every free-text field the brief names carries a hostile token. */
export const hostileRawTaskArb: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    rawTaskArb(),
    fc.array(withHostile(text(NAMES)), { minLength: 1, maxLength: 4 }),
    withHostile(text(REAL_REASONS)),
    fc.array(withHostile(text(REAL_REASONS)), { minLength: 4, maxLength: 4 }),
    withHostile(name),
    withHostile(name),
    withHostile(hex(1, 32)),
  )
  .map(([task, names, stoppedReason, reasons, group, cluster, taskId]) => ({
    ...task,
    lastStatus: "STOPPED",
    stoppedReason,
    group: `service:${group}`,
    clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${cluster}`,
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${cluster}/${taskId}`,
    containers: names.map((containerName, i) => ({
      name: containerName,
      reason: reasons[i % reasons.length],
      exitCode: i === 0 ? 1 : 137,
    })),
  }));

/** What the caller may know from the event envelope: account, region, time (strange too). */
export const diagnosisEnvArb = fc.record(
  {
    account: account,
    region,
    time: fc.oneof(fc.constantFrom("2024-05-14T10:42:07Z", "garbage"), strangeString),
    history: withHostile(strangeString),
  },
  { requiredKeys: [] },
);

/** Task-definition knowledge with odd values: NaN, negative and infinite limits, unknown names. */
export const diagnosisContextArb = fc.record(
  {
    containerMemoryLimits: fc.dictionary(
      name,
      fc.oneof(fc.constantFrom(512, 0, -1, Number.NaN, Number.POSITIVE_INFINITY), fc.double()),
      { maxKeys: 3 },
    ),
    essentialContainers: fc.array(name, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
