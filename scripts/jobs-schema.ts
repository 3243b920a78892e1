// `npm run schema`: writes schemas/jobs.schema.json and the README's jobs field table from
// src/shared/jobs/job-fields.ts. test/jobs/jobs-schema.test.ts fails when either is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { jobsFieldTable, jobsJsonSchemaText } from "../src/shared/jobs/jobs-schema.js";
import { replaceFieldTable } from "../src/shared/jobs/readme-table.js";

writeFileSync("schemas/jobs.schema.json", jobsJsonSchemaText());
const readme = readFileSync("README.md", "utf8");
writeFileSync("README.md", replaceFieldTable(readme, jobsFieldTable()));
console.log("wrote schemas/jobs.schema.json and the README's jobs field table");
