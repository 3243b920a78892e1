import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { JOB_FIELDS } from "../../src/shared/jobs/job-fields.js";
import { JOB_KEYS } from "../../src/shared/jobs/job-validation.js";
import { parseJobsFile } from "../../src/shared/jobs/jobs-file.js";
import {
  jobFieldPaths,
  jobsFieldTable,
  jobsJsonSchema,
  jobsJsonSchemaText,
} from "../../src/shared/jobs/jobs-schema.js";
import { replaceFieldTable } from "../../src/shared/jobs/readme-table.js";

const README = readFileSync("README.md", "utf8");
const EXAMPLE = readFileSync("examples/jobs.yml", "utf8");

function schemaValidator() {
  return new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(jobsJsonSchema());
}

/** One job that sets every top-level field to its documented example. */
function jobOfExamples(): string {
  const lines = JOB_FIELDS.map((field) => `    ${field.name}: ${field.example}`);
  return `jobs:\n  -${lines.join("\n").slice(3)}\n`;
}

describe("the generated JSON Schema and README table", () => {
  it("the committed schema is what `npm run schema` generates (run it after changing job-fields.ts)", () => {
    expect(readFileSync("schemas/jobs.schema.json", "utf8")).toBe(jobsJsonSchemaText());
  });

  it("the README's field table is what `npm run schema` generates", () => {
    expect(README).toBe(replaceFieldTable(README, jobsFieldTable()));
  });

  it("the README table names every field of the schema, nested ones with their path", () => {
    const paths = jobFieldPaths();

    expect(paths).toContain("overrides.containers[].command");
    expect(paths).toContain("capacity.capacityProviderStrategy[].weight");
    for (const path of paths) expect(README).toContain(`| \`${path}\` |`);
  });

  it("the schema has the same job fields as the validator, each with a description", () => {
    const top = jobsJsonSchema().properties as { jobs: { items: { properties: object } } };
    const properties = top.jobs.items.properties as Record<string, { description?: string }>;

    expect(Object.keys(properties)).toEqual([...JOB_KEYS]);
    for (const property of Object.values(properties))
      expect(property.description?.length).toBeGreaterThan(10);
  });

  it("is a valid draft-07 schema that accepts the example file", () => {
    const validate = schemaValidator();

    expect(validate(parse(EXAMPLE)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("accepts a job made of every field's documented example, and so does the validator", () => {
    const text = jobOfExamples();
    const validate = schemaValidator();

    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(parseJobsFile(text).jobs).toHaveLength(1);
  });

  it("rejects a misspelt field and a wrong enum value, as the validator does", () => {
    const validate = schemaValidator();

    expect(validate(parse("jobs:\n  - { name: a, schedule: rate(1 hour), maxRunTime: 2h }\n"))).toBe(false);
    expect(validate(parse("jobs:\n  - { name: a, schedule: rate(1 hour), overlap: maybe }\n"))).toBe(false);
    expect(validate(parse("jobs:\n  - { name: a }\n"))).toBe(false);
  });

  it("is referenced from the example file for editor completion", () => {
    expect(EXAMPLE.split("\n")[0]).toBe("# yaml-language-server: $schema=../schemas/jobs.schema.json");
  });
});
