import { describe, expect, it } from "vitest";
import {
  cloudWatchEncode,
  cloudWatchLogStreamUrl,
  consoleOrigin,
  ecsServiceDeploymentsUrl,
  ecsServiceUrl,
  ecsTaskLogsUrl,
  ecsTaskUrl,
  parseArn,
} from "../../../src/shared/notify/console-links.js";

const EU = { partition: "aws", region: "eu-west-1" };

describe("ECS console links", () => {
  it("links a task's configuration in the new console", () => {
    expect(ecsTaskUrl(EU, "prod", "abc123")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/abc123/configuration?region=eu-west-1",
    );
  });

  it("links a task's Logs tab", () => {
    expect(ecsTaskLogsUrl(EU, "prod", "abc123")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/abc123/logs?region=eu-west-1",
    );
  });

  it("links a service's health and deployments tabs", () => {
    expect(ecsServiceUrl(EU, "prod", "api")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/api/health?region=eu-west-1",
    );
    expect(ecsServiceDeploymentsUrl(EU, "prod", "api")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/api/deployments?region=eu-west-1",
    );
  });

  it("uses the China and GovCloud console hosts for their partitions", () => {
    expect(consoleOrigin({ partition: "aws-cn", region: "cn-north-1" })).toBe(
      "https://cn-north-1.console.amazonaws.cn",
    );
    expect(consoleOrigin({ partition: "aws-us-gov", region: "us-gov-west-1" })).toBe(
      "https://us-gov-west-1.console.amazonaws-us-gov.com",
    );
  });

  it("gives no link for partitions without a public console", () => {
    expect(ecsTaskUrl({ partition: "aws-iso", region: "us-iso-east-1" }, "prod", "abc")).toBeUndefined();
  });

  it("gives no link without a well-formed region or a name", () => {
    expect(ecsTaskUrl({ region: "evil.example/#" }, "prod", "abc")).toBeUndefined();
    expect(ecsTaskUrl({}, "prod", "abc")).toBeUndefined();
    expect(ecsTaskUrl(EU, "", "abc")).toBeUndefined();
  });

  it("encodes names as path segments", () => {
    expect(ecsServiceUrl(EU, "prod", "a/b?c")).toContain("/services/a%2Fb%3Fc/health?");
  });
});

describe("CloudWatch log stream links", () => {
  it("encodes names the console's way: twice URI-encoded, % written as $", () => {
    expect(cloudWatchEncode("/ecs/api")).toBe("$252Fecs$252Fapi");
  });

  it("links a log stream of a log group", () => {
    expect(cloudWatchLogStreamUrl(EU, "/ecs/api", "ecs/web/abc123")).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/" +
        "$252Fecs$252Fapi/log-events/ecs$252Fweb$252Fabc123",
    );
  });
});

describe("parseArn", () => {
  it("splits an ARN into partition, service, region, account and resource", () => {
    expect(parseArn("arn:aws-cn:ecs:cn-north-1:123456789012:task/prod/abc")).toEqual({
      partition: "aws-cn",
      service: "ecs",
      region: "cn-north-1",
      account: "123456789012",
      resource: "task/prod/abc",
    });
  });

  it("returns undefined for text that is not an ARN", () => {
    expect(parseArn("not-an-arn")).toBeUndefined();
  });
});
