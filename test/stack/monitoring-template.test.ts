/**
 * ecs-sentinel's own monitoring in the packaged stack (infra/monitoring.cjs): the dashboard SERVICE-STAGE with a
 * valid JSON body graphing every metric the code emits, the dead-letter queue and Lambda's own metrics; the
 * alarms on dead letters, delivery failures and handler errors, notifying the topic; metrics switched on.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { monitoringResources } from "../../infra/monitoring.cjs";
import { METRIC } from "../../src/shared/metrics/port.js";
import { danglingReferences, type CfnTemplate as EvaluatedTemplate } from "./support/cfn-evaluate.js";
import { MINIMAL_PARAMS } from "./support/documented-stack.js";
import {
  type CfnResource,
  type CfnTemplate,
  packageStack,
  resourcesOfType,
} from "./support/package-stack.js";

const STAGE = "mon";
const FUNCTIONS = ["TaskState", "DeploymentEvents", "RunJob", "Watchdog", "DeploymentHook"];

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][]; alarms?: string[] };
}

/** The dashboard body with its Fn::Sub variables replaced by their names, parsed as the console would. */
function dashboardOf(resource: CfnResource | undefined): { widgets: Widget[]; variables: string[] } {
  if (!resource) throw new Error("the template has no Dashboard");
  const body = resource.Properties.DashboardBody as { "Fn::Sub": [string, object] };
  const [text, variables] = body["Fn::Sub"];
  const substituted = text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => `value-of-${name}`);
  return { ...(JSON.parse(substituted) as { widgets: Widget[] }), variables: Object.keys(variables) };
}

describe("the packaged stack's monitoring", () => {
  let template: CfnTemplate;

  beforeAll(async () => {
    ({ template } = await packageStack(STAGE, MINIMAL_PARAMS));
  }, 240_000);

  it("has the dashboard SERVICE-STAGE whose body is valid JSON graphing every ecs-sentinel metric", () => {
    const dashboard = template.Resources.Dashboard;
    const { widgets } = dashboardOf(dashboard);
    const graphed = JSON.stringify(widgets.map((widget) => widget.properties.metrics ?? []));

    expect(dashboard?.Type).toBe("AWS::CloudWatch::Dashboard");
    expect(dashboard?.Properties.DashboardName).toBe(`ecs-sentinel-${STAGE}`);
    const missing = Object.values(METRIC)
      .filter((name) => name !== "ColdStarts" && name !== "DeliveryFailures")
      .filter((name) => !graphed.includes(`MetricName=\\"${name}\\"`));
    expect(missing).toEqual([]);
    expect(graphed).toContain(`stage=\\"${STAGE}\\"`);
  });

  it("graphs the dead-letter queue's depth and each function's errors, throttles and duration", () => {
    const { widgets, variables } = dashboardOf(template.Resources.Dashboard);
    const metricsOf = (title: string) =>
      JSON.stringify(
        widgets.find((widget) => widget.properties.title?.startsWith(title))?.properties.metrics,
      );

    expect(metricsOf("Dead-letter queue depth")).toContain(
      '"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","value-of-DeadLetterQueueName"',
    );
    for (const title of ["Lambda errors", "Lambda throttles", "Lambda duration"])
      for (const fn of FUNCTIONS) expect(metricsOf(title)).toContain(`"FunctionName","value-of-${fn}Name"`);
    expect(variables).toEqual(expect.arrayContaining(FUNCTIONS.map((fn) => `${fn}Name`)));
  });

  it("names only resources the template declares in the dashboard and the alarms", () => {
    const ours = ["Dashboard", "DeliveryFailuresAlarm", "HandlerErrorsAlarm", "DeadLetterQueueAlarm"];

    const problems = danglingReferences(template as unknown as EvaluatedTemplate).filter((problem) =>
      ours.some((id) => problem.includes(id)),
    );

    expect(problems).toEqual([]);
  });

  it("alarms on dead letters, failed deliveries and repeated handler errors, each notifying the topic", () => {
    const alarms = Object.fromEntries(resourcesOfType(template, "AWS::CloudWatch::Alarm"));

    expect(Object.keys(alarms).sort()).toEqual([
      "DeadLetterQueueAlarm",
      "DeliveryFailuresAlarm",
      "HandlerErrorsAlarm",
    ]);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: "NotifyTopic" }]);
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: "GreaterThanThreshold" });
    }
    expect(alarms.DeadLetterQueueAlarm?.Properties).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Period: 300,
    });
    expect(alarms.DeliveryFailuresAlarm?.Properties).toMatchObject({
      Namespace: "ECSSentinel",
      MetricName: "DeliveryFailures",
      Dimensions: [
        { Name: "service", Value: "ecs-sentinel" },
        { Name: "stage", Value: STAGE },
      ],
      Statistic: "Sum",
      Period: 300,
      EvaluationPeriods: 1,
    });
    const errorMetrics = alarms.HandlerErrorsAlarm?.Properties.Metrics as {
      Id: string;
      Expression?: string;
    }[];
    expect(errorMetrics.filter((metric) => !metric.Expression)).toHaveLength(FUNCTIONS.length);
    expect(errorMetrics.at(-1)?.Expression).toMatch(/^SUM\(\[errors0(,errors\d)+\]\)$/);
  });

  it("switches metrics on in every function, with its stage, and grants no CloudWatch permission for them", () => {
    const functions = resourcesOfType(template, "AWS::Lambda::Function");
    const policies = JSON.stringify(resourcesOfType(template, "AWS::IAM::Role"));

    for (const [, fn] of functions)
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        ECS_SENTINEL_METRICS: "on",
        ECS_SENTINEL_STAGE: STAGE,
        POWERTOOLS_SERVICE_NAME: "ecs-sentinel",
      });
    expect(policies).not.toContain("cloudwatch:PutMetricData");
  });

  const cfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
  it.skipIf(cfnLint.error !== undefined || cfnLint.status !== 0)(
    "passes cfn-lint on the dashboard and alarms",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "ecs-sentinel-monitoring-"));
      try {
        const path = join(dir, "template.json");
        writeFileSync(path, JSON.stringify(template));
        const lint = spawnSync("cfn-lint", ["--format", "json", path], { encoding: "utf8" });
        const findings = JSON.parse(lint.stdout || "[]") as { Location: { Path: (string | number)[] } }[];

        const ours = findings.filter((finding) =>
          ["Dashboard", "DeliveryFailuresAlarm", "HandlerErrorsAlarm", "DeadLetterQueueAlarm"].includes(
            String(finding.Location.Path[1]),
          ),
        );
        expect(ours).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe("monitoringResources", () => {
  it("graphs the AWS SDK's retries by awsService, apart from the service dimension every metric carries", () => {
    const { Resources } = monitoringResources({
      service: "ecs-sentinel",
      stage: "prod",
      slackButtons: false,
    });

    const { widgets } = dashboardOf(Resources.Dashboard as CfnResource);
    const expressions = widgets.map(
      (widget) => (widget.properties.metrics?.[0]?.[0] as { expression?: string } | undefined)?.expression,
    );

    expect(expressions).toContain(
      `SEARCH('{ECSSentinel,service,stage,awsService} MetricName="AwsRetries" service="ecs-sentinel" stage="prod"', 'Sum', 300)`,
    );
  });

  it("graphs and alarms on slackActions too when the Slack buttons are on", () => {
    const { Resources } = monitoringResources({ service: "ecs-sentinel", stage: "prod", slackButtons: true });

    const { variables } = dashboardOf(Resources.Dashboard as CfnResource);
    const errorMetrics = Resources.HandlerErrorsAlarm?.Properties.Metrics as unknown[];

    expect(variables).toContain("SlackActionsName");
    expect(JSON.stringify(errorMetrics)).toContain('"Ref":"SlackActionsLambdaFunction"');
  });

  it("leaves slackActions out of a stack without the buttons", () => {
    const { Resources } = monitoringResources({
      service: "ecs-sentinel",
      stage: "prod",
      slackButtons: false,
    });

    expect(JSON.stringify(Resources)).not.toContain("SlackActions");
  });
});
