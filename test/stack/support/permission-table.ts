/**
 * Renders each function role's statements of a packaged template as the Markdown table docs/security.md
 * shows, so the review is made from the template and a test can tell when the two drift apart.
 *
 * ARNs lose their `arn:${AWS::Partition}:` prefix; `${AWS::Region}` and `${AWS::AccountId}` read `{region}`
 * and `{account}`; a reference to a resource of this stack reads as its logical id.
 */
import {
  asArray,
  functionStatements,
  functionsIn,
  HOOK_INVOKE_ROLE,
  roleIdStatements,
  type Statement,
} from "./iam.js";
import type { CfnTemplate } from "./package-stack.js";

export const TABLE_BEGIN = "<!-- permission-table:begin -->";
export const TABLE_END = "<!-- permission-table:end -->";

function arnText(arn: string): string {
  return arn
    .replace(/^arn:\$\{AWS::Partition\}:/, "")
    .replace(/^arn:aws:/, "")
    .replaceAll(`\${AWS::Region}`, "{region}")
    .replaceAll(`\${AWS::AccountId}`, "{account}");
}

export function resourceText(resource: unknown): string {
  if (typeof resource === "string") return arnText(resource);
  const value = resource as Record<string, unknown>;
  if (typeof value["Fn::Sub"] === "string")
    return arnText(value["Fn::Sub"]).replace(/\$\{(\w+)\.Arn\}/, "$1");
  if (Array.isArray(value["Fn::GetAtt"])) return `${(value["Fn::GetAtt"] as string[])[0]} (this stack)`;
  if (typeof value.Ref === "string") return `${value.Ref} (this stack)`;
  return JSON.stringify(resource);
}

function conditionText(condition: Statement["Condition"]): string {
  if (!condition) return "";
  return Object.entries(condition)
    .flatMap(([operator, keys]) =>
      Object.entries(keys).map(
        ([key, value]) => `${operator} ${key} = ${asArray(value).map(resourceText).join(", ")}`,
      ),
    )
    .join("; ");
}

/** serverless-iam-roles-per-function's statement for the function's own log group has no Sid. */
const UNNAMED = "(own log group, added by osls)";

const code = (text: string) => (text === "" ? "" : `\`${text.replaceAll("|", "\\|")}\``);

const EVERY_FUNCTION = "every function";
/** Not a function's role: the role ECS assumes to invoke deploymentHook, listed after the functions. */
const ECS_INVOKES_HOOK = `ECS → deploymentHook (${HOOK_INVOKE_ROLE})`;

const statementCell = (statement: Statement) => {
  const actions = asArray(statement.Action).map(code).join("<br>");
  const resources = asArray(statement.Resource).map(resourceText).map(code).join("<br>");
  return `${statement.Sid ?? UNNAMED} | ${actions} | ${resources} | ${code(conditionText(statement.Condition))} |`;
};

/**
 * One row per statement: function, Sid, actions, resources, condition. A statement every function has alike
 * (the function's own name aside) is one row for "every function". The role ECS assumes to invoke the
 * deployment hook comes last.
 */
export function permissionTable(template: CfnTemplate): string {
  const byFunction = functionsIn(template).map((fn) => {
    const name = fn.charAt(0).toLowerCase() + fn.slice(1);
    const cells = functionStatements(template, fn).map((statement) =>
      statementCell(statement).replaceAll(`-${name}:`, "-{function}:"),
    );
    return { name, cells };
  });
  const shared =
    byFunction[0]?.cells.filter((cell) => byFunction.every(({ cells }) => cells.includes(cell))) ?? [];
  const rows = ["| function | statement | actions | resources | condition |", "|---|---|---|---|---|"];
  for (const cell of shared) rows.push(`| ${EVERY_FUNCTION} | ${cell}`);
  for (const { name, cells } of byFunction) {
    for (const cell of cells) if (!shared.includes(cell)) rows.push(`| ${name} | ${cell}`);
  }
  for (const statement of roleIdStatements(template, HOOK_INVOKE_ROLE))
    rows.push(`| ${ECS_INVOKES_HOOK} | ${statementCell(statement)}`);
  return rows.join("\n");
}

/** The table between the markers of a document, or undefined when the markers are missing. */
export function tableIn(document: string): string | undefined {
  const begin = document.indexOf(TABLE_BEGIN);
  const end = document.indexOf(TABLE_END);
  if (begin < 0 || end < begin) return undefined;
  return document.slice(begin + TABLE_BEGIN.length, end).trim();
}
