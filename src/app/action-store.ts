/** Slack buttons' state (offers, claims, mutes), for the notification side and its channel adapters alike. */
import { dynamoActionStore } from "../shared/slack-actions/dynamo-store.js";
import { memoryActionStore } from "../shared/slack-actions/memory-store.js";
import type { ActionStore } from "../shared/slack-actions/store.js";
import { dynamoDocumentClient } from "./aws.js";
import type { Config } from "./config.js";

/** Offers, claims and mutes of Slack buttons: the state table, or memory for local runs without one. */
export function configuredActionStore(config: Config): ActionStore {
  return config.stateTable
    ? dynamoActionStore(dynamoDocumentClient(), config.stateTable)
    : memoryActionStore();
}

/** Slack buttons are on when app mode has approvers. */
export const buttonsEnabled = (config: Config) => config.slackApprovers.length > 0;
