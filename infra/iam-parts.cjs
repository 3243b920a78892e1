"use strict";
/**
 * The building blocks of the functions' IAM statements (infra/stack-config.cjs, infra/slack-actions.cjs): ARNs
 * as CloudFormation Fn::Sub strings, statements, and the one read of a named secret.
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */
// ARNs are CloudFormation Fn::Sub strings so the template stays account- and region-neutral.
const sub = (text) => ({ "Fn::Sub": text });
const ecsArn = (resource) => sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
/** The watched clusters, or `*` for watchedClusters=* (the explicit opt-in to every cluster). */
const clusterScope = (params) => (params.everyCluster ? ["*"] : params.watchedClusters);

const serviceArns = (params) => clusterScope(params).map((cluster) => ecsArn(`service/${cluster}/*`));
const serviceDeploymentArns = (params) =>
  clusterScope(params).map((cluster) => ecsArn(`service-deployment/${cluster}/*/*`));
const serviceRevisionArns = (params) =>
  clusterScope(params).map((cluster) => ecsArn(`service-revision/${cluster}/*/*`));

const allow = (sid, action, resource, condition) => ({
  Sid: sid,
  Effect: "Allow",
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

/**
 * Grants exactly the one read the handler makes of a secret named by a `*_FROM` variable
 * (src/shared/secret-source.ts): GetSecretValue on that secret, or GetParameter on that parameter.
 * No kms:Decrypt: a secret under the AWS managed key needs none (docs/security.md, customer managed keys).
 */
function readSecretStatement(sid, name) {
  if (name.startsWith("arn:")) return allow(sid, ["secretsmanager:GetSecretValue"], [name]);
  if (name.startsWith("ssm:") || name.startsWith("/")) {
    const parameterPath = name.replace(/^ssm:/, "").replace(/^\/+/, "");
    return allow(
      sid,
      ["ssm:GetParameter"],
      [sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${parameterPath}`)],
    );
  }
  // Secrets Manager appends six random characters to a secret's ARN.
  return allow(
    sid,
    ["secretsmanager:GetSecretValue"],
    [sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`)],
  );
}

module.exports = {
  allow,
  clusterScope,
  ecsArn,
  readSecretStatement,
  serviceArns,
  serviceDeploymentArns,
  serviceRevisionArns,
  sub,
};
