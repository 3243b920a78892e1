/**
 * Real VPC resources in moto's EC2: `awsvpc` RunTask rejects made-up subnet ids (InvalidSubnetID.NotFound) and
 * fails with an HTML 500 without security groups.
 */
import { emulatorEndpoint } from "./endpoint.js";
import { callQueryApi, firstXmlText } from "./query-api.js";

const EC2_API_VERSION = "2016-11-15";

export interface EmulatorNetwork {
  vpcId: string;
  subnetId: string;
  securityGroupId: string;
}

async function ec2(action: string, params: Record<string, string>): Promise<string> {
  return callQueryApi({
    endpoint: emulatorEndpoint(),
    service: "ec2",
    version: EC2_API_VERSION,
    action,
    params,
  });
}

export async function createNetwork(name = "ecs-sentinel-test"): Promise<EmulatorNetwork> {
  const vpcId = firstXmlText(await ec2("CreateVpc", { CidrBlock: "10.0.0.0/16" }), "vpcId");
  const subnetId = firstXmlText(
    await ec2("CreateSubnet", { VpcId: vpcId, CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a" }),
    "subnetId",
  );
  const securityGroupId = firstXmlText(
    await ec2("CreateSecurityGroup", { VpcId: vpcId, GroupName: name, GroupDescription: name }),
    "groupId",
  );
  return { vpcId, subnetId, securityGroupId };
}
