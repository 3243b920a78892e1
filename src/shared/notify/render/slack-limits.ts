/** Block Kit limits (Slack's block, text object and element references), in UTF-16 code units. */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  contextElements: 10,
  /** Top-level `text`: Slack truncates past 40,000; a notification line needs far less. */
  fallbackText: 3000,
} as const;
