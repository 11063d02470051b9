/** A table: a header row and body rows, every cell already a string. */
export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table (method, goal, caveats). */
  readonly notes?: readonly string[];
}

/** Plain-text table for stdout; numbers (cells starting with a digit) right-aligned. */
export function formatText(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? "").length)));
  const numeric = (cell: string): boolean => /^[\d.,-]/.test(cell);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [t.title, line(t.headers), widths.map((w) => "-".repeat(w)).join("  "), ...t.rows.map(line), ...(t.notes ?? []).map((n) => `  ${n}`)].join("\n");
}

/** GitHub-flavoured Markdown table, with its title as a heading. */
export function formatMarkdown(t: Table): string {
  const escapeCell = (c: string): string => c.replaceAll("|", "\\|");
  const right = t.headers.map((_, i) => t.rows.length > 0 && t.rows.every((r) => /^[\d.,-]/.test(r[i] ?? "") || r[i] === "n/a"));
  return [
    `### ${t.title}`,
    "",
    `| ${t.headers.map(escapeCell).join(" | ")} |`,
    `|${right.map((r) => (r ? "---:" : "---")).join("|")}|`,
    ...t.rows.map((r) => `| ${r.map(escapeCell).join(" | ")} |`),
    ...(t.notes && t.notes.length > 0 ? ["", ...t.notes.map((n) => `- ${n}`)] : []),
  ].join("\n");
}

/** 1234567.8 -> "1,234,568"; small numbers keep `digits` decimals. */
export function num(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return "n/a";
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString("en-US") : value.toFixed(digits);
}

/** A ratio against the baseline, "1.23x". */
export function ratio(value: number, baseline: number | undefined): string {
  return baseline === undefined || baseline === 0 || !Number.isFinite(value) ? "n/a" : `${(value / baseline).toFixed(2)}x`;
}
