import { cpus, loadavg, totalmem } from "node:os";
import { hasTaskset } from "../load/child.js";

/** Where and how the figures were taken. */
export interface Environment {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly platform: string;
  readonly pinned: boolean;
  /** 1-minute load average when the run started: others' work on the machine. */
  readonly loadAverage: number;
  readonly date: string;
  readonly quick: boolean;
  readonly profiled: boolean;
}

export function environment(quick: boolean, profiled: boolean): Environment {
  const list = cpus();
  return {
    node: process.version,
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    pinned: hasTaskset(),
    loadAverage: loadavg()[0] ?? 0,
    date: new Date().toISOString(),
    quick,
    profiled,
  };
}
