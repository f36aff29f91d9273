/** What a tests/bench/*.bench.ts file exports as default. */
export interface Benchmark {
  readonly name: string;
  /** Prints its own table; resolves false when a goal was missed. */
  run(print: (line: string) => void): Promise<boolean>;
}

/** Formats rows as an aligned plain-text table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
