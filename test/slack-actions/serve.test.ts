/**
 * `ecs-sentinel actions serve` end to end: the real node:http server on a free port, real HTTP POSTs signed as
 * Slack signs them, a local response_url receiving the ephemeral answers, and an action service whose execution
 * is held open to prove the answer does not wait for it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type ActionsCliDeps, runActions } from "../../src/cli/actions.js";
import { main } from "../../src/cli/main.js";
import { MAX_BODY_BYTES } from "../../src/shared/slack-actions/endpoint.js";
import type { ClaimRef, ClickedAction } from "../../src/shared/slack-actions/types.js";
import { captureIo } from "../support/cli-io.js";
import { signSlackRequest, slackFormBody } from "../support/slack-signing.js";
import { fixturePayload, recordingLog, SECRET } from "./helpers.js";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A local response_url recording the ephemeral answers. */
async function responseUrlServer() {
  const answers: unknown[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      answers.push(JSON.parse(body));
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions/T1/1/x`, answers };
}

/** Starts `actions serve --port 0` and returns its URL, what it decided and executed, and how to stop it. */
async function serve() {
  const clicks: ClickedAction[] = [];
  const executed: ClaimRef[] = [];
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const io = captureIo();
  io.env = { SLACK_SIGNING_SECRET: SECRET };
  const deps: ActionsCliDeps = {
    service: () => ({
      decide: async (click) => {
        clicks.push(click);
        return {
          reply: `Rolling back (claimed by ${click.userId})`,
          execute: { claimId: `claim-${clicks.length}` },
        };
      },
      execute: async (claim) => {
        await held;
        executed.push(claim);
      },
    }),
    waitForStop: () => stopped,
    log: () => recordingLog(),
  };
  const exit = runActions(["serve", "--port", "0"], io, deps);
  for (let i = 0; i < 200 && !io.out().includes("Serving"); i++) await new Promise((r) => setImmediate(r));
  const url = /Serving Slack actions at (\S+)/.exec(io.out())?.[1] ?? "";
  return {
    url,
    clicks,
    executed,
    release,
    stop: async () => {
      stop("SIGTERM");
      return exit;
    },
    io,
  };
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: "POST", body, headers });

describe("ecs-sentinel actions serve", () => {
  it("answers a signed click over real HTTP before the execution runs, then replies and executes", async () => {
    const target = await responseUrlServer();
    const server = await serve();
    const body = slackFormBody({ ...fixturePayload(), response_url: target.url });

    const response = await post(server.url, body, signSlackRequest(body, SECRET, Date.now() / 1000));

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\/actions$/);
    expect(response.status).toBe(200);
    expect(server.clicks.map((click) => click.kind)).toEqual(["rollback"]);
    expect(server.executed).toEqual([]);

    server.release();
    const code = await server.stop();

    expect(code).toBe(0);
    expect(server.executed).toEqual([{ claimId: "claim-1" }]);
    expect(target.answers).toEqual([
      { response_type: "ephemeral", replace_original: false, text: "Rolling back (claimed by U0CA5AMY)" },
    ]);
    expect(server.io.out()).toContain("Stopped (SIGTERM).");
  });

  it("refuses forged, replayed, oversized, GET and other-path requests over real HTTP", async () => {
    const server = await serve();
    cleanups.push(async () => {
      server.release();
      await server.stop();
    });
    const body = slackFormBody(fixturePayload());
    const now = Date.now() / 1000;
    const origin = server.url.replace(/\/slack\/actions$/, "");

    const forged = await post(server.url, body, signSlackRequest(body, "f".repeat(32), now));
    const replayed = await post(server.url, body, signSlackRequest(body, SECRET, now - 301));
    const big = `payload=${"a".repeat(MAX_BODY_BYTES * 2)}`;
    const oversized = await post(server.url, big, signSlackRequest(big, SECRET, now));
    const get = await fetch(server.url);
    const otherPath = await post(`${origin}/slack/other`, body, signSlackRequest(body, SECRET, now));

    expect([forged.status, replayed.status, oversized.status, get.status, otherPath.status]).toEqual([
      401, 401, 413, 405, 404,
    ]);
    expect(await forged.text()).toBe("invalid signature");
    expect(server.clicks).toEqual([]);
  });

  it("refuses a bad port and a missing subcommand as usage errors", async () => {
    const io = captureIo();

    expect(await main(["actions", "serve", "--port", "99999"], io)).toBe(2);
    expect(await main(["actions"], io)).toBe(2);
    expect(io.err()).toContain("--port must be a port number from 0 to 65535");
  });

  it("is listed in the CLI's help, with its own --help", async () => {
    const io = captureIo();

    await main(["--help"], io);
    await main(["actions", "--help"], io);

    expect(io.out()).toContain("actions serve [--port N] [--host H]");
    expect(io.out()).toContain("POST /slack/actions");
  });

  it("does not start without approvers (exit 1, says what is missing)", async () => {
    const io = captureIo();
    io.env = { SLACK_SIGNING_SECRET: SECRET };

    const code = await main(["actions", "serve", "--port", "0"], io);

    expect(code).toBe(1);
    expect(io.err()).toContain("Slack buttons need SLACK_APPROVERS");
  });
});
