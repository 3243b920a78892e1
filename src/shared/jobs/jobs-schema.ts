/**
 * The JSON Schema of jobs.yml and the README's field table, both generated from job-fields.ts (the definition
 * the validator uses). `npm run schema` writes them; tests fail when the committed copies are out of date.
 * The schema gives editors completion and first checks; `ecs-sentinel jobs validate` is the full check
 * (schedule syntax, time zones, cross-field rules, daylight-saving warnings). Pure.
 */
import { DEFAULT_FIELDS, FILE_FIELDS, type FieldDef, type FieldType, JOB_FIELDS } from "./job-fields.js";

type Schema = Record<string, unknown>;

/** The schema of one value of `type` (without its description). */
function typeSchema(type: FieldType): Schema {
  switch (type.kind) {
    case "string":
      return {
        type: "string",
        minLength: 1,
        ...(type.pattern ? { pattern: type.pattern } : {}),
        ...(type.maxLength ? { maxLength: type.maxLength } : {}),
      };
    case "enum":
      return { type: "string", enum: [...type.values] };
    case "integer":
      return { type: "integer", minimum: type.minimum, maximum: type.maximum };
    case "size":
      return {
        anyOf: [
          { type: "integer", minimum: 1 },
          { type: "string", pattern: "^[0-9]+$" },
        ],
      };
    case "boolean":
      return { type: "boolean" };
    case "duration":
      return { type: "string", pattern: "^\\s*([0-9]+[dhmsDHMS])+\\s*$" };
    case "schedule":
      return { type: "string", pattern: "^\\s*(cron|rate|at)\\(.*\\)\\s*$" };
    case "timezone":
      return { type: "string", minLength: 1 };
    case "string-list":
      return { type: "array", minItems: 1, items: { type: "string", minLength: 1 } };
    case "string-map":
      return { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } };
    case "object":
      return objectSchema(type.fields);
    case "object-list":
      return { type: "array", items: objectSchema(type.fields) };
  }
}

/** An example as JSON where it is a plain scalar, else the YAML text. */
function exampleValue(field: FieldDef): unknown {
  const { kind } = field.type;
  if (kind === "integer" || kind === "size") return Number(field.example);
  if (kind === "boolean") return field.example === "true";
  return field.example.startsWith("[") || field.example.startsWith("{") ? undefined : field.example;
}

function fieldSchema(field: FieldDef): Schema {
  const example = exampleValue(field);
  const defaultNote = field.default !== undefined ? ` Default: ${field.default}.` : "";
  return {
    description: `${field.description}${defaultNote}`,
    ...typeSchema(field.type),
    ...(example !== undefined ? { examples: [example] } : {}),
  };
}

/**
 * Required keys as written: in a job only name and schedule (cluster and taskDefinition may come from
 * `defaults`), none in `defaults`, the required ones elsewhere.
 */
function requiredNames(fields: readonly FieldDef[]): string[] {
  if (fields === DEFAULT_FIELDS) return [];
  return fields
    .filter((field) => field.required && (fields !== JOB_FIELDS || field.perJobOnly))
    .map((field) => field.name);
}

function objectSchema(fields: readonly FieldDef[]): Schema {
  const required = requiredNames(fields);
  return {
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(fields.map((field) => [field.name, fieldSchema(field)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

/** The JSON Schema (draft-07, which yaml-language-server reads) of a jobs file. */
export function jobsJsonSchema(): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "ecs-sentinel jobs file",
    description:
      "Scheduled one-off ECS tasks run by EventBridge Scheduler. Generated from src/shared/jobs/job-fields.ts by `npm run schema`; `ecs-sentinel jobs validate` checks everything this schema checks and more.",
    ...objectSchema(FILE_FIELDS),
  };
}

/** The schema as committed: two-space indented JSON with a final newline. */
export function jobsJsonSchemaText(): string {
  return `${JSON.stringify(jobsJsonSchema(), null, 2)}\n`;
}

function typeLabel(type: FieldType): string {
  switch (type.kind) {
    case "enum":
      return type.values.map((value) => `\`${value}\``).join(" \\| ");
    case "integer":
      return `integer ${type.minimum}–${type.maximum}`;
    case "size":
      return "number";
    case "string-list":
      return "list of strings";
    case "string-map":
      return "map of strings";
    case "object":
      return "mapping";
    case "object-list":
      return "list of mappings";
    case "duration":
      return "duration (`30m`, `2h`, `1h30m`)";
    case "timezone":
      return "IANA time zone";
    case "schedule":
      return "`cron(…)` \\| `rate(…)` \\| `at(…)`";
    default:
      return type.kind;
  }
}

function rows(fields: readonly FieldDef[], prefix: string): string[] {
  return fields.flatMap((field) => {
    const path = `${prefix}${field.name}`;
    const required =
      field.required && !prefix && !field.perJobOnly ? "required (or in `defaults`)" : "required";
    const defaultText =
      field.default !== undefined ? `\`${field.default}\`` : field.required ? required : "—";
    const cell = (text: string) => text.replaceAll("|", "\\|");
    const row = `| \`${path}\` | ${typeLabel(field.type)} | ${defaultText} | ${cell(field.description)} | \`${cell(field.example)}\` |`;
    const { type } = field;
    const nested =
      type.kind === "object"
        ? rows(type.fields, `${path}.`)
        : type.kind === "object-list"
          ? rows(type.fields, `${path}[].`)
          : [];
    return [row, ...nested];
  });
}

/** The README's table of every job field, in Markdown. */
export function jobsFieldTable(): string {
  return [
    "| field | type | default | meaning | example |",
    "|---|---|---|---|---|",
    ...rows(JOB_FIELDS, ""),
  ].join("\n");
}

/** The paths of every field of a job, as the README table names them (`overrides.containers[].name`). */
export function jobFieldPaths(): string[] {
  const walk = (fields: readonly FieldDef[], prefix: string): string[] =>
    fields.flatMap((field) => {
      const path = `${prefix}${field.name}`;
      const { type } = field;
      if (type.kind === "object") return [path, ...walk(type.fields, `${path}.`)];
      if (type.kind === "object-list") return [path, ...walk(type.fields, `${path}[].`)];
      return [path];
    });
  return walk(JOB_FIELDS, "");
}
