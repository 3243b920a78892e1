"use strict";
/**
 * ecs-sentinel watching itself: the CloudWatch dashboard SERVICE-STAGE (its own metrics of namespace ECSSentinel,
 * written as EMF by src/app/metrics.ts, beside the dead-letter queue and Lambda's errors, throttles and
 * durations) and the alarm on failed deliveries and on repeated handler errors. The dead-letter queue's alarm is
 * infra/failures.yml's. Every alarm notifies the NotifyTopic, as that one does. No IAM: EMF is log output.
 *
 * Dashboard body: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 * SEARCH expressions (graphs only; an alarm cannot use them):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html
 * Metric math alarms: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */

const NAMESPACE = "ECSSentinel";

/** An Fn::Sub placeholder of the dashboard body (CloudFormation's `${Name}`, not a JavaScript template). */
const placeholder = (name) => ["$", "{", name, "}"].join("");
const REGION = placeholder("AWS::Region");
const PERIOD_SECONDS = 300;

/** The functions of every stack, and slackActions when the Slack buttons are on. */
const FUNCTION_KEYS = ["taskState", "deploymentEvents", "runJob", "watchdog", "deploymentHook"];

/** osls's logical id of a function: taskState -> TaskStateLambdaFunction. */
const functionLogicalId = (key) => `${key[0].toUpperCase()}${key.slice(1)}LambdaFunction`;
/** The Fn::Sub variable holding a function's deployed name. */
const functionVariable = (key) => `${key[0].toUpperCase()}${key.slice(1)}Name`;

/**
 * A graph of one ECSSentinel metric split by its own dimensions, for this stack's service and stage only.
 * `dimensions` are the metric's dimensions besides service and stage (src/shared/metrics/port.ts).
 */
function searchWidget({ title, metric, dimensions, stat = "Sum", service, stage }) {
  const schema = [NAMESPACE, "service", "stage", ...dimensions].join(",");
  const terms = `MetricName="${metric}" service="${service}" stage="${stage}"`;
  return {
    type: "metric",
    properties: {
      title,
      region: REGION,
      view: "timeSeries",
      stacked: false,
      period: PERIOD_SECONDS,
      metrics: [[{ expression: `SEARCH('{${schema}} ${terms}', '${stat}', ${PERIOD_SECONDS})`, id: "e1" }]],
    },
  };
}

/** A graph of one AWS/Lambda metric for each function. */
function lambdaWidget({ title, metric, stat, functionKeys }) {
  return {
    type: "metric",
    properties: {
      title,
      region: REGION,
      view: "timeSeries",
      stacked: false,
      period: PERIOD_SECONDS,
      stat,
      metrics: functionKeys.map((key) => [
        "AWS/Lambda",
        metric,
        "FunctionName",
        `\${${functionVariable(key)}}`,
        { label: key },
      ]),
    },
  };
}

/** Widgets laid out two to a row, 12 units wide and 6 high each. */
function placed(widgets) {
  return widgets.map((widget, index) => ({
    ...widget,
    x: (index % 2) * 12,
    y: Math.floor(index / 2) * 6,
    width: 12,
    height: 6,
  }));
}

function dashboardBody({ service, stage, functionKeys }) {
  const ours = { service, stage };
  return {
    widgets: placed([
      searchWidget({ ...ours, title: "Events by kind", metric: "Events", dimensions: ["kind"] }),
      searchWidget({
        ...ours,
        title: "Dropped events by reason",
        metric: "EventsDropped",
        dimensions: ["reason"],
      }),
      searchWidget({
        ...ours,
        title: "Diagnoses by category",
        metric: "Diagnoses",
        dimensions: ["category"],
      }),
      searchWidget({
        ...ours,
        title: "Notifications by channel and outcome",
        metric: "Notifications",
        dimensions: ["channel", "outcome"],
      }),
      searchWidget({
        ...ours,
        title: "Delivery retries by channel (webhooks and Slack's Web API)",
        metric: "DeliveryRetries",
        dimensions: ["channel"],
      }),
      searchWidget({
        ...ours,
        title: "AWS SDK retries by AWS service",
        metric: "AwsRetries",
        dimensions: ["awsService"],
      }),
      searchWidget({
        ...ours,
        title: "Rollback decisions",
        metric: "RollbackDecisions",
        dimensions: ["outcome", "reason"],
      }),
      searchWidget({ ...ours, title: "Job runs by outcome", metric: "JobRuns", dimensions: ["outcome"] }),
      searchWidget({
        ...ours,
        title: "Handler latency (ms, p99)",
        metric: "HandlerLatency",
        dimensions: ["function"],
        stat: "p99",
      }),
      {
        type: "metric",
        properties: {
          title: "Dead-letter queue depth",
          region: REGION,
          view: "timeSeries",
          stat: "Maximum",
          period: PERIOD_SECONDS,
          metrics: [
            [
              "AWS/SQS",
              "ApproximateNumberOfMessagesVisible",
              "QueueName",
              placeholder("DeadLetterQueueName"),
            ],
          ],
        },
      },
      lambdaWidget({ title: "Lambda errors", metric: "Errors", stat: "Sum", functionKeys }),
      lambdaWidget({ title: "Lambda throttles", metric: "Throttles", stat: "Sum", functionKeys }),
      lambdaWidget({ title: "Lambda duration (ms, p99)", metric: "Duration", stat: "p99", functionKeys }),
      {
        type: "alarm",
        properties: {
          title: "Alarms",
          alarms: ["DeadLetterAlarmArn", "DeliveryFailuresAlarmArn", "HandlerErrorsAlarmArn"].map(
            placeholder,
          ),
        },
      },
    ]),
  };
}

/** The Fn::Sub variables of the dashboard body: deployed names and ARNs CloudFormation knows. */
function bodyVariables(functionKeys) {
  const variables = {
    DeadLetterQueueName: { "Fn::GetAtt": ["DeadLetterQueue", "QueueName"] },
    DeadLetterAlarmArn: { "Fn::GetAtt": ["DeadLetterQueueAlarm", "Arn"] },
    DeliveryFailuresAlarmArn: { "Fn::GetAtt": ["DeliveryFailuresAlarm", "Arn"] },
    HandlerErrorsAlarmArn: { "Fn::GetAtt": ["HandlerErrorsAlarm", "Arn"] },
  };
  for (const key of functionKeys) variables[functionVariable(key)] = { Ref: functionLogicalId(key) };
  return variables;
}

/** A delivery failed on some channel (after its retries) in a 5-minute period: the message did not reach people. */
function deliveryFailuresAlarm({ service, stage }) {
  return {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmName: `${service}-${stage}-delivery-failures`,
      AlarmDescription:
        "ecs-sentinel could not deliver a notification (Slack, email, PagerDuty, Teams or Amazon Q) after its retries. See docs/monitoring.md.",
      Namespace: NAMESPACE,
      MetricName: "DeliveryFailures",
      Dimensions: [
        { Name: "service", Value: service },
        { Name: "stage", Value: stage },
      ],
      Statistic: "Sum",
      Period: PERIOD_SECONDS,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: "NotifyTopic" }],
    },
  };
}

/**
 * Invocations of any function failed in 2 of the last 3 periods: not a passing throttle that Lambda's retries
 * absorb, but a fault that will fill the dead-letter queue (a metric math sum: one alarm for every function).
 */
function handlerErrorsAlarm({ service, stage, functionKeys }) {
  const perFunction = functionKeys.map((key, index) => ({
    Id: `errors${index}`,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: { Ref: functionLogicalId(key) } }],
      },
      Period: PERIOD_SECONDS,
      Stat: "Sum",
    },
  }));
  return {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmName: `${service}-${stage}-handler-errors`,
      AlarmDescription:
        "ecs-sentinel's functions failed invocations in 2 of the last 15 minutes' 5-minute periods. See docs/monitoring.md.",
      Metrics: [
        ...perFunction,
        {
          Id: "errors",
          Label: "Errors of every function",
          Expression: `SUM([${perFunction.map((metric) => metric.Id).join(",")}])`,
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: "NotifyTopic" }],
    },
  };
}

/** The resources of monitoring for a stack of `service` and `stage`; `slackButtons` adds slackActions. */
function monitoringResources({ service, stage, slackButtons }) {
  const functionKeys = slackButtons ? [...FUNCTION_KEYS, "slackActions"] : FUNCTION_KEYS;
  const ours = { service, stage, functionKeys };
  return {
    Resources: {
      Dashboard: {
        Type: "AWS::CloudWatch::Dashboard",
        Properties: {
          DashboardName: `${service}-${stage}`,
          DashboardBody: { "Fn::Sub": [JSON.stringify(dashboardBody(ours)), bodyVariables(functionKeys)] },
        },
      },
      DeliveryFailuresAlarm: deliveryFailuresAlarm(ours),
      HandlerErrorsAlarm: handlerErrorsAlarm(ours),
    },
    Outputs: {
      DashboardUrl: {
        Description: "ecs-sentinel's own dashboard (docs/monitoring.md)",
        Value: {
          "Fn::Sub": `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=${service}-${stage}`,
        },
      },
    },
  };
}

// ---------------------------------------------------------------- osls entry point

const stack = (input) => require("./stack-inputs.cjs").validatedStack(input);

/** serverless.yml `resources`: `${file(./infra/monitoring.cjs):resources}`. */
async function resources(input = {}) {
  const { params } = await stack(input);
  const { service, stage } = await require("./stack-inputs.cjs").stackNames(input);
  return monitoringResources({ service, stage, slackButtons: Boolean(params.slackButtons) });
}

module.exports = { NAMESPACE, monitoringResources, resources };
