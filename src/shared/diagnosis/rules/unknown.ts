/** unknown: nothing recognisable in the event. The evidence still shows everything the event said. */
import { DOCS } from "../docs.js";
import type { Rule } from "./rule.js";

export const unknownRule: Rule = {
  category: "unknown",
  subCause: "unrecognised-stop",
  when: /$^/,
  title: (c) => `Task of ${c.subject} stopped for an unrecognised reason`,
  summary: () =>
    "The event does not carry a stop reason, stop code or exit code this tool recognises; the evidence shows what it does say.",
  remediation: () => [
    "Read the stoppedReason and container reasons in the evidence, and look them up in the stopped task error codes page.",
    "Check the service's events and the containers' logs around the stop time.",
    "Compare the task definition revision with the last one that ran well (image, environment, memory, ports).",
  ],
  docs: [DOCS.stoppedTaskErrors, DOCS.viewStoppedTaskErrors],
};

export const unknownExitRule: Rule = {
  ...unknownRule,
  subCause: "exited-without-exit-code",
  title: (c) => `Essential container of ${c.subject} exited without an exit code`,
  summary: () =>
    "ECS reports that an essential container exited but gives no exit code or reason, so the cause cannot be read from the event.",
  remediation: () => [
    "Read the container's last log lines in CloudWatch Logs; the process may have been killed before it could report.",
    "On EC2, check the ECS agent and Docker logs on the instance for the container around the stop time.",
    "Check the container's memory use before the stop (Container Insights): a kill without an exit code is often memory.",
  ],
};
