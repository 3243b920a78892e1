/** The readable `diagnose` report and its JSON Lines form. Pure. */
import type { Diagnosis } from "../shared/diagnosis/types.js";
import { arnName } from "../shared/events/arns.js";
import { stripControl } from "../shared/notify/text.js";
import type { Palette } from "./colors.js";

/** The JSON Lines record: the contract's required fields first, then the rest of the diagnosis. */
export function diagnosisJson(d: Diagnosis): string {
  const { taskArn, category, severity, title, summary, remediation, evidence, docs, ...rest } = d;
  return JSON.stringify({
    taskArn,
    category,
    severity,
    title,
    summary,
    remediation,
    evidence,
    docs,
    status: "diagnosed",
    ...rest,
  });
}

// Terminal text is untrusted too: control and bidi characters are stripped so a reason cannot rewrite the
// screen or reorder what it shows.
const clean = (s: string) => stripControl(s);

export function diagnosisReport(d: Diagnosis, p: Palette): string {
  const severityTag =
    d.severity === "critical"
      ? p.red(p.bold("CRITICAL"))
      : d.severity === "warning"
        ? p.yellow(p.bold("WARNING"))
        : p.blue(p.bold("INFO"));
  const owner = d.service ? `service ${d.service}` : d.family ? `task family ${d.family}` : undefined;
  const where = [owner, d.clusterArn ? `cluster ${arnName(d.clusterArn)}` : undefined]
    .filter(Boolean)
    .join(", ");
  const lines = [
    `${severityTag} ${p.bold(d.category)}${d.subCause && d.subCause !== d.category ? p.dim(` (${d.subCause})`) : ""}  ${clean(d.title)}`,
    p.dim(`  task ${d.taskArn}${where ? `  ${where}` : ""}`),
    "",
    `  ${clean(d.summary)}`,
  ];
  if (d.evidence.length > 0) {
    lines.push("", p.bold("  Evidence"));
    for (const item of d.evidence) lines.push(`    - ${clean(item)}`);
  }
  if (d.remediation.length > 0) {
    lines.push("", p.bold("  What to do"));
    d.remediation.forEach((step, i) => {
      lines.push(`    ${i + 1}. ${clean(step)}`);
    });
  }
  if (d.docs.length > 0) {
    lines.push("", p.bold("  Docs"));
    for (const url of d.docs) lines.push(`    ${url}`);
  }
  return `${lines.join("\n")}\n`;
}
