/**
 * @fawkes/json: Phoenix's JSON serializers.
 *
 * ```ts
 * import { jsonV1, jsonV2 } from "@fawkes/json";
 * const userSocket = defineSocket({ serializers: [jsonV2, jsonV1] });
 * ```
 */
export { jsonV1 } from "./v1.js";
export { jsonV2 } from "./v2.js";
