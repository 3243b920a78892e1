/**
 * The PagerDuty Events API v2 endpoint, apart from the sender so that reading the configuration does not load
 * the transports. https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
 */
export const DEFAULT_PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
