import { readFileSync } from "node:fs";

/** Kernel clock ticks per second for /proc/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time the whole machine has spent busy (all cores, all processes: user,
 * nice, system, irq, softirq, steal) since boot, ms, from /proc/stat; undefined
 * where there is none. Resolution 10 ms per core. Minus the bench's own
 * processes over the same window, it is what everyone else on the machine took.
 */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "latin1").split("\n", 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
    return Number.isFinite(busy) ? (busy * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
