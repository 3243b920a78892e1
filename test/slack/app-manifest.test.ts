/**
 * slack/app-manifest.yml, the manifest a user pastes into Slack ("Create New App → From a manifest"): it
 * parses, uses only field names of Slack's manifest schema (slackapi/manifest-schema, manifest.schema.1.0.0:
 * the limits below are its own), asks for the scopes app mode and the buttons need, and turns nothing on that
 * ecs-sentinel does not serve: interactivity only, pointed at a placeholder the stack output replaces.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { projectRoot } from "../stack/support/package-stack.js";

const text = readFileSync(join(projectRoot, "slack", "app-manifest.yml"), "utf8");
const manifest = YAML.parse(text) as Record<string, Record<string, unknown>>;
const section = (name: string) => (manifest[name] ?? {}) as Record<string, unknown>;
const display = section("display_information");
const features = section("features");
const settings = section("settings");
const botUser = (features.bot_user ?? {}) as Record<string, unknown>;
const scopes = (section("oauth_config").scopes ?? {}) as Record<string, unknown>;
const interactivity = (settings.interactivity ?? {}) as Record<string, unknown>;

/** Keys Slack's schema allows in each part we use (additionalProperties: false there). */
const SCHEMA_KEYS: Record<string, string[]> = {
  top: ["_metadata", "display_information", "features", "oauth_config", "settings"],
  _metadata: ["major_version", "minor_version"],
  display_information: ["name", "description", "background_color", "long_description"],
  features: ["app_home", "bot_user", "shortcuts", "slash_commands", "unfurl_domains"],
  bot_user: ["display_name", "always_online"],
  oauth_config: ["redirect_urls", "scopes", "token_management_enabled", "pkce_enabled"],
  scopes: ["bot", "user", "bot_optional", "user_optional"],
  interactivity: ["is_enabled", "request_url", "message_menu_options_url"],
  settings: [
    "allowed_ip_address_ranges",
    "event_subscriptions",
    "incoming_webhooks",
    "interactivity",
    "org_deploy_enabled",
    "socket_mode_enabled",
    "token_rotation_enabled",
  ],
};

describe("slack/app-manifest.yml", () => {
  it("uses only Slack's manifest field names", () => {
    const parts: Record<string, object> = {
      top: manifest,
      _metadata: section("_metadata"),
      display_information: display,
      features,
      bot_user: botUser,
      oauth_config: section("oauth_config"),
      scopes,
      settings,
      interactivity,
    };

    for (const [part, value] of Object.entries(parts)) {
      const unknown = Object.keys(value).filter((key) => !SCHEMA_KEYS[part]?.includes(key));
      expect(unknown, part).toEqual([]);
    }
  });

  it("has the required display information within Slack's limits", () => {
    expect(display.name).toBe("ecs-sentinel");
    expect(String(display.name).length).toBeLessThanOrEqual(35);
    expect(String(display.description).length).toBeGreaterThan(0);
    expect(String(display.description).length).toBeLessThanOrEqual(140);
    expect(String(display.long_description).length).toBeGreaterThanOrEqual(175);
    expect(String(display.long_description).length).toBeLessThanOrEqual(4000);
    expect(display.background_color).toMatch(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/);
  });

  it("has a bot user, which is what issues the xoxb- bot token", () => {
    expect(botUser.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
  });

  it("asks for chat:write and, for user-group approvers, usergroups:read only, with chat:write.public left commented out", () => {
    expect(scopes).toEqual({ bot: ["chat:write", "usergroups:read"] });
    expect(text).toMatch(/^\s*# - chat:write\.public$/m);
    expect(text).toMatch(/usergroups\.users\.list/);
  });

  it("turns interactivity on, pointed at a placeholder of the stack output's path that a user cannot miss", () => {
    expect(interactivity.is_enabled).toBe(true);
    const url = new URL(String(interactivity.request_url));
    expect(url.protocol).toBe("https:");
    expect(url.hostname).toMatch(/^REPLACE-WITH-SlackActionsUrl\./i);
    expect(url.pathname).toBe("/slack/actions");
    expect(interactivity).not.toHaveProperty("message_menu_options_url");
    expect(text).toMatch(/REPLACE the placeholder with the stack output SlackActionsUrl/);
  });

  it("uses the path the stack output ends with", async () => {
    const { ACTIONS_PATH } = await import("../../infra/slack-actions.cjs");

    expect(new URL(String(interactivity.request_url)).pathname).toBe(`/${ACTIONS_PATH}`);
  });

  it("turns on no events, slash commands or token rotation", () => {
    expect(settings).not.toHaveProperty("event_subscriptions");
    expect(features).not.toHaveProperty("slash_commands");
    expect(settings.socket_mode_enabled).toBe(false);
    expect(settings.token_rotation_enabled).toBe(false);
  });
});
