/**
 * Evaluates a plain CloudFormation template (no Transform) the way CloudFormation would for given parameter values,
 * account and region: conditions, Ref, Fn::Sub, Fn::Join, Fn::Split, Fn::Select, Fn::If and AWS::NoValue. A
 * resource's Ref becomes `ref:<LogicalId>` and Fn::GetAtt `getatt:<LogicalId>.<Attribute>`, which is all a test of
 * a template's shape needs. Also lists every reference that names nothing (the structural check cfn-lint would do).
 */

export type CfnValue = unknown;
export type CfnObject = Record<string, CfnValue>;

export interface CfnTemplate {
  Parameters?: Record<string, { Type: string; Default?: string }>;
  Conditions?: Record<string, CfnValue>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: CfnObject }>;
  Outputs?: Record<string, { Condition?: string; Value: CfnValue }>;
  Rules?: CfnObject;
}

export interface Deployment {
  partition: string;
  region: string;
  accountId: string;
  /** Values as given on the command line: a CommaDelimitedList as "a,b". */
  parameters: Record<string, string>;
}

export interface Evaluated {
  conditions: Record<string, boolean>;
  resources: Record<string, { Type: string; Properties: CfnObject }>;
  outputs: Record<string, CfnValue>;
}

export class TemplateEvaluationError extends Error {
  override readonly name = "TemplateEvaluationError";
}

const NO_VALUE = Symbol("AWS::NoValue");

const isObject = (value: CfnValue): value is CfnObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The single `Fn::*` / `Ref` / `Condition` key of an intrinsic function call, if `value` is one. */
function intrinsic(value: CfnValue): [string, CfnValue] | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined) return undefined;
  if (key === "Ref" || key === "Condition" || key.startsWith("Fn::")) return [key, value[key]];
  return undefined;
}

export function evaluateTemplate(template: CfnTemplate, deployment: Deployment): Evaluated {
  const parameterValues = resolveParameters(template, deployment);
  const pseudo: Record<string, string> = {
    "AWS::Partition": deployment.partition,
    "AWS::Region": deployment.region,
    "AWS::AccountId": deployment.accountId,
    "AWS::StackName": "ecs-sentinel-member",
    "AWS::URLSuffix": "amazonaws.com",
  };
  const conditions: Record<string, boolean> = {};

  const ref = (name: string): CfnValue => {
    if (name === "AWS::NoValue") return NO_VALUE;
    if (name in pseudo) return pseudo[name];
    if (name in parameterValues) return parameterValues[name];
    if (name in template.Resources) return `ref:${name}`;
    throw new TemplateEvaluationError(`Ref to unknown ${name}`);
  };

  const condition = (name: string): boolean => {
    if (name in conditions) return conditions[name] as boolean;
    const definition = template.Conditions?.[name];
    if (definition === undefined) throw new TemplateEvaluationError(`unknown condition ${name}`);
    const result = resolve(definition);
    if (typeof result !== "boolean") throw new TemplateEvaluationError(`condition ${name} is not a boolean`);
    conditions[name] = result;
    return result;
  };

  const substitute = (text: string, variables: CfnObject): string =>
    text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      if (name.startsWith("!")) return `\${${name.slice(1)}}`;
      if (name in variables) return String(resolve(variables[name]));
      const [logicalId, attribute] = name.split(".");
      if (attribute !== undefined && logicalId !== undefined) return `getatt:${logicalId}.${attribute}`;
      const value = ref(name);
      if (typeof value !== "string") throw new TemplateEvaluationError(`${whole} is not a string`);
      return value;
    });

  const strings = (value: CfnValue, what: string): string[] => {
    const list = resolve(value);
    if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) {
      throw new TemplateEvaluationError(`${what} needs a list of strings, got ${JSON.stringify(list)}`);
    }
    return list;
  };

  function resolve(value: CfnValue): CfnValue {
    const call = intrinsic(value);
    if (call) {
      const [name, args] = call;
      switch (name) {
        case "Ref":
          return ref(String(args));
        case "Condition":
          return condition(String(args));
        case "Fn::Sub":
          return Array.isArray(args)
            ? substitute(String(args[0]), (args[1] ?? {}) as CfnObject)
            : substitute(String(args), {});
        case "Fn::Join": {
          const [delimiter, list] = args as [string, CfnValue];
          return strings(list, "Fn::Join").join(delimiter);
        }
        case "Fn::Split": {
          const [delimiter, text] = args as [string, CfnValue];
          return String(resolve(text)).split(delimiter);
        }
        case "Fn::Select": {
          const [index, list] = args as [CfnValue, CfnValue];
          const items = resolve(list) as CfnValue[];
          const item = items[Number(resolve(index))];
          if (item === undefined) throw new TemplateEvaluationError("Fn::Select out of range");
          return item;
        }
        case "Fn::GetAtt": {
          const [logicalId, attribute] = args as [string, string];
          if (!(logicalId in template.Resources))
            throw new TemplateEvaluationError(`GetAtt of unknown ${logicalId}`);
          return `getatt:${logicalId}.${attribute}`;
        }
        case "Fn::If": {
          const [name, whenTrue, whenFalse] = args as [string, CfnValue, CfnValue];
          return resolve(condition(name) ? whenTrue : whenFalse);
        }
        case "Fn::Equals": {
          const [left, right] = args as [CfnValue, CfnValue];
          return JSON.stringify(resolve(left)) === JSON.stringify(resolve(right));
        }
        case "Fn::Not":
          return !(resolve((args as CfnValue[])[0]) as boolean);
        case "Fn::And":
          return (args as CfnValue[]).every((item) => resolve(item) === true);
        case "Fn::Or":
          return (args as CfnValue[]).some((item) => resolve(item) === true);
        default:
          throw new TemplateEvaluationError(`${name} is not supported here`);
      }
    }
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
    if (isObject(value)) {
      return Object.fromEntries(
        Object.entries(value)
          .map(([key, item]) => [key, resolve(item)] as const)
          .filter(([, item]) => item !== NO_VALUE),
      );
    }
    return value;
  }

  for (const name of Object.keys(template.Conditions ?? {})) condition(name);
  const included = (conditionName: string | undefined) =>
    conditionName === undefined || condition(conditionName);

  const resources = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => included(resource.Condition))
      .map(([id, resource]) => [
        id,
        { Type: resource.Type, Properties: resolve(resource.Properties ?? {}) as CfnObject },
      ]),
  );
  const outputs = Object.fromEntries(
    Object.entries(template.Outputs ?? {})
      .filter(([, output]) => included(output.Condition))
      .map(([name, output]) => [name, resolve(output.Value)]),
  );
  return { conditions, resources, outputs };
}

/** Parameter values with the template's defaults; a CommaDelimitedList becomes a list. */
function resolveParameters(template: CfnTemplate, deployment: Deployment): Record<string, CfnValue> {
  const declared = template.Parameters ?? {};
  const unknown = Object.keys(deployment.parameters).filter((name) => !(name in declared));
  if (unknown.length > 0) throw new TemplateEvaluationError(`unknown parameters: ${unknown.join(", ")}`);
  return Object.fromEntries(
    Object.entries(declared).map(([name, declaration]) => {
      const given = deployment.parameters[name] ?? declaration.Default;
      if (given === undefined)
        throw new TemplateEvaluationError(`parameter ${name} has no value and no default`);
      return [name, declaration.Type === "CommaDelimitedList" ? given.split(",") : given];
    }),
  );
}

const PSEUDO_PARAMETERS = new Set([
  "AWS::AccountId",
  "AWS::NoValue",
  "AWS::NotificationARNs",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
]);

/**
 * Every Ref, Fn::GetAtt, `${...}` of Fn::Sub, Fn::If condition and resource/output Condition that names nothing
 * the template declares, as readable lines (empty when the template is consistent).
 */
export function danglingReferences(template: CfnTemplate): string[] {
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const resources = new Set(Object.keys(template.Resources));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const problems: string[] = [];
  const refTarget = (name: string, where: string) => {
    if (!PSEUDO_PARAMETERS.has(name) && !parameters.has(name) && !resources.has(name)) {
      problems.push(`${where}: ${name} is neither a parameter nor a resource`);
    }
  };
  const conditionTarget = (name: string, where: string) => {
    if (!conditions.has(name)) problems.push(`${where}: condition ${name} does not exist`);
  };

  const walk = (value: CfnValue, where: string): void => {
    const call = intrinsic(value);
    if (call) {
      const [name, args] = call;
      if (name === "Ref") refTarget(String(args), where);
      if (name === "Condition") conditionTarget(String(args), where);
      if (name === "Fn::GetAtt") {
        const [logicalId] = args as [string];
        if (!resources.has(logicalId))
          problems.push(`${where}: GetAtt of ${logicalId}, which is no resource`);
      }
      if (name === "Fn::If") conditionTarget(String((args as CfnValue[])[0]), where);
      if (name === "Fn::Sub") {
        const [text, variables] = Array.isArray(args)
          ? [String(args[0]), (args[1] ?? {}) as CfnObject]
          : [String(args), {}];
        for (const [, variable] of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const target = variable as string;
          if (target in variables) continue;
          const [logicalId, attribute] = target.split(".");
          if (attribute !== undefined && logicalId !== undefined) {
            if (!resources.has(logicalId)) problems.push(`${where}: \${${target}} names no resource`);
          } else {
            refTarget(target, where);
          }
        }
      }
    }
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, `${where}[${index}]`);
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) walk(item, `${where}.${key}`);
    }
  };

  for (const [name, definition] of Object.entries(template.Conditions ?? {}))
    walk(definition, `Conditions.${name}`);
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Condition !== undefined) conditionTarget(resource.Condition, `Resources.${id}.Condition`);
    walk(resource.Properties ?? {}, `Resources.${id}.Properties`);
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined) conditionTarget(output.Condition, `Outputs.${name}.Condition`);
    walk(output.Value, `Outputs.${name}.Value`);
  }
  walk(template.Rules ?? {}, "Rules");
  return problems;
}
