/** `ecs-sentinel history` reading stops the task flow recorded in moto's DynamoDB. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";
import { type ContextWorld, createContextWorld } from "./context-fixture.js";

let server: SlackServer;
let world: ContextWorld;

beforeAll(async () => {
  server = await startSlackServer();
  world = await createContextWorld(server, "context-history-cli");
  // Stops of the last hours, recorded by the flow itself (no log streams: the tails say so).
  const hour = 60 * 60 * 1000;
  const recent = (hoursAgo: number) => new Date(Date.now() - hoursAgo * hour).toISOString();
  await world.alert(world.event({ taskId: "h1", stoppedAt: recent(5) }));
  await world.alert(world.event({ taskId: "h2", stoppedAt: recent(3) }));
  await world.alert(world.event({ taskId: "h3", stoppedAt: recent(2), kind: "app-exit", service: "worker" }));
  await world.alert(world.event({ taskId: "h4", stoppedAt: recent(30) }));
});
afterAll(async () => {
  await server.close();
});

function io() {
  const captured = captureIo();
  captured.env = { STATE_TABLE: world.tableName };
  return captured;
}

describe("ecs-sentinel history against the state table", () => {
  it("prints the cluster's stops of the last 24 h by category", async () => {
    const out = io();

    const status = await main(["history", "--cluster", "prod"], out);

    expect(status).toBe(0);
    expect(out.out()).toMatch(/^3 stops in cluster prod since .* \(24 h\)\n/);
    expect(out.out()).toContain("out-of-memory · 2 stops · critical\n");
    expect(out.out()).toContain("  services: api 2\n");
    expect(out.out()).toMatch(/app-exit · 1 stop · \w+\n/);
  });

  it("narrows to one service and a longer period", async () => {
    const out = io();

    await main(["history", "--cluster", "prod", "--service", "api", "--since", "2d", "--json"], out);

    const document = JSON.parse(out.out());
    expect(document).toMatchObject({ cluster: "prod", service: "api", stops: 3 });
    expect(document.categories).toEqual([expect.objectContaining({ category: "out-of-memory", count: 3 })]);
  });

  it("says so when nothing was recorded", async () => {
    const out = io();

    const status = await main(["history"], out);

    expect(status).toBe(0);
    expect(out.out()).toMatch(/^No stops recorded in cluster default since /);
  });

  it("exits 1 with one line when the table does not exist", async () => {
    const out = captureIo();
    out.env = { STATE_TABLE: "no-such-table" };

    const status = await main(["history", "--cluster", "prod"], out);

    expect(status).toBe(1);
    expect(out.err()).toMatch(
      /^ecs-sentinel history: could not read table no-such-table: ResourceNotFoundException: [^\n]*\n$/,
    );
  });
});
