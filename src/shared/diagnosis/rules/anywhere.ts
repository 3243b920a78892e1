/**
 * ECS Anywhere (launch type EXTERNAL): the container instance is the user's own server or VM, registered through an
 * SSM hybrid activation. The ECS agent gets its credentials through the SSM agent, so an SSM agent that is down or an
 * expired / deregistered managed instance disconnects the ECS agent too. The vendor's rules:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere.html (the agent and the SSM agent,
 * "Your external instances require an IAM role that allows them to communicate with AWS APIs") and, for a disconnected
 * agent, https://repost.aws/knowledge-center/ecs-agent-disconnected-linux2-ami.
 * No public stop reason is specific to external instances; the generic disconnected-agent verdicts (the AGENT
 * placement failure, "agent disconnected") read the launch type instead.
 */
import { DOCS } from "../docs.js";
import type { Rule } from "./rule.js";

const ANYWHERE_DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere.html";

const disconnectedRule = (rule: Rule): Rule => ({
  ...rule,
  category: rule.category === "placement" ? "placement" : "platform",
  subCause: "external-instance-disconnected",
  taskLevel: true,
  title: (c) => `Task of ${c.subject}: the ECS Anywhere host's agent is disconnected`,
  summary: () =>
    "The external (ECS Anywhere) instance's ECS agent is not connected to ECS, so ECS could not place, run or watch the task there. On external instances this is the on-premises host, its network or its SSM agent.",
  remediation: () => [
    "On the host: `systemctl status ecs amazon-ssm-agent docker`; read /var/log/ecs/ecs-agent.log and /var/log/amazon/ssm/amazon-ssm-agent.log.",
    "The ECS agent's credentials come through the SSM agent: check the managed instance is still registered and online in Systems Manager (Fleet Manager), and that its hybrid-activation role is intact.",
    "Check the host reaches the ECS, SSM and ssmmessages endpoints (proxy, firewall, clock skew) and was not powered off.",
  ],
  docs: [ANYWHERE_DOCS, DOCS.agentConfig],
});

/** The ECS Anywhere reading of a generic verdict, or undefined when it reads the same everywhere. */
export function externalVariant(rule: Rule, detail: string | undefined): Rule | undefined {
  if (rule.subCause === "container-instance-unhealthy") return disconnectedRule(rule);
  if (rule.subCause === "placement-rejected" && detail?.toUpperCase() === "AGENT")
    return disconnectedRule(rule);
  return undefined;
}
