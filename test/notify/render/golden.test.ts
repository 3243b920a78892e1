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
import type { EmailMessage, LogTailSection } from "../../../src/shared/notify/message.js";
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

describe("rendering an out-of-memory diagnosis with its alert context", () => {
  const tail: LogTailSection = {
    lines: [
      "GET /api/reports 200 41ms",
      "DATABASE_URL=postgres://app:[masked]@db:5432/app",
      'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
      "\tat com.example.ReportCache.put(ReportCache.java:88)",
      "\tat com.example.Api.handle(Api.java:17)",
    ],
    source: "container web · /ecs/api",
    link:
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/" +
      "$252Fecs$252Fapi/log-events/ecs$252Fweb$252F0f6c1d2e3a4b4c5d8e9f0a1b2c3d4e5f",
  };
  const message = fromDiagnosis(DIAGNOSES["out-of-memory"], {
    ...ENV,
    logTail: tail,
    changes: {
      summary: "Since api:41, the last successful revision",
      lines: [
        "web image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2 -> 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.5.0",
        "web memory: 1024 -> 512",
      ],
    },
    history: "3rd out-of-memory stop of `api` in 24 h, first at 08:12 UTC",
  });

  it("matches the golden Slack payload", () => {
    matchesGolden(
      "out-of-memory-with-context.slack.json",
      `${JSON.stringify(renderSlack(message), null, 2)}\n`,
    );
  });

  it("matches the golden email", () => {
    matchesGolden("out-of-memory-with-context.email.txt", emailFile(renderEmail(message)));
  });
});
