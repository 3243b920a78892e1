/**
 * Slack channel IDs as app mode needs them (SLACK_CHANNEL, the stack's slackChannel, the service tag
 * ecs-sentinel:slack-channel): `C…` (channel) or `G…` (private channel of old workspaces), upper-case
 * letters and digits. The Web API takes a #name too, but an ID survives a rename and is what a thread's
 * state is keyed on, so a name is refused with where to find the ID. infra/slack-params.cjs applies the
 * same rules at packaging (a test keeps the two in step).
 */

export const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;

export const CHANNEL_ID_HINT =
  "use the channel ID, not its #name: in Slack, channel details → About → Channel ID";

/** Why `candidate` is not a channel ID, or undefined when it is one. The text quotes nothing. */
export function channelIdProblem(candidate: string): string | undefined {
  const value = candidate.trim();
  if (CHANNEL_ID.test(value)) return undefined;
  if (value === "") return "is empty: give a channel ID (C…)";
  if (/^[DUWB][A-Z0-9]{8,}$/.test(value)) {
    const what = value.startsWith("D")
      ? "a direct-message conversation"
      : value.startsWith("B")
        ? "a bot"
        : "a user";
    return `is the ID of ${what}, not of a channel (C… or G…)`;
  }
  if (value.startsWith("#") || /[a-z\s_.-]/.test(value))
    return `looks like a channel name: ${CHANNEL_ID_HINT}`;
  return `is not a channel ID (C… or G…, then upper-case letters and digits): ${CHANNEL_ID_HINT}`;
}
