export { type ConsoleOptions, renderConsole } from "./console.js";
export { emailAttributes, emailSubject, renderEmail } from "./email.js";
export { renderSlack } from "./slack.js";
export { SLACK_LIMITS } from "./slack-limits.js";
