export * from "./image-ref.js";
export * from "./messages.js";
export * from "./placement-reasons.js";
export * from "./review.js";
export * from "./rollback-reason.js";
export * from "./secret-detection.js";
export * from "./service-action-catalog.js";
export * from "./service-ref.js";
