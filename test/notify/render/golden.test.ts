/**
 * Golden renderings, one Slack payload and one email per category: what users see. Review changes by eye.
 * Regenerate with UPDATE_GOLDEN=1 npx vitest run test/notify/render.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATEGORIES } from "../../../src/shared/diagnosis/types.js";
import { fromDiagnosis } from "../../../src/shared/notify/from-diagnosis.js";
import type { EmailMessage } from "../../../src/shared/notify/message.js";
import { renderEmail, renderSlack } from "../../../src/shared/notify/render/index.js";
import { DIAGNOSES, ENV } from "./diagnoses.js";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function emailFile(email: EmailMessage): string {
  const attributes = Object.entries(email.attributes)
    .map(([name, value]) => `${name}=${value}`)
    .join(", ");
  return `Subject: ${email.subject}\nAttributes: ${attributes}\n\n${email.body}`;
}

function matchesGolden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `${name} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe.each(CATEGORIES)("rendering a %s diagnosis", (category) => {
  const message = fromDiagnosis(DIAGNOSES[category], ENV);

  it("matches the golden Slack payload", () => {
    const payload = renderSlack(message);

    matchesGolden(`${category}.slack.json`, `${JSON.stringify(payload, null, 2)}\n`);
  });

  it("matches the golden email", () => {
    const email = renderEmail(message);

    matchesGolden(`${category}.email.txt`, emailFile(email));
  });
});
