import { ChannelRouter } from "@fawkes/core";
import { consume, type MicroCase } from "./suite.js";

/**
 * Topic routing with many routes: half exact topics, half trailing-splat
 * prefixes, looked up at the front, the back and past the end.
 */
export function routingCases(routes: number): MicroCase[] {
  const router = new ChannelRouter<number>();
  const half = routes / 2;
  for (let i = 0; i < half; i++) {
    router.add(`exact:${i}`, i);
    router.add(`ns${i}:*`, half + i);
  }
  if (router.match(`ns${half - 1}:room`) === undefined || router.match(`exact:${half - 1}`) === undefined)
    throw new Error("routing bench: routes do not match");
  return [
    { name: `${routes} routes: first splat`, fn: () => consume(router.match("ns0:room")) },
    { name: `${routes} routes: last splat`, fn: () => consume(router.match(`ns${half - 1}:room`)) },
    { name: `${routes} routes: exact (last added)`, fn: () => consume(router.match(`exact:${half - 1}`)) },
    { name: `${routes} routes: no match`, fn: () => consume(router.match("nowhere:1")) },
  ];
}
