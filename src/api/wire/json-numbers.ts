/**
 * The number rule for JSON text arriving at an interface (an HTTP body): a number that would
 * not read back as the same value is a Usage error naming it. Core owns the rule
 * (src/core/json-numbers.ts); this is its door for the layers above the api.
 */
export { checkJsonNumbers } from "../../core/json-numbers.js";
