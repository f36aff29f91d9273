/** A length of time with its unit in the type, so props never carry bare numbers of unknown unit. */
export class Duration {
  static seconds(n: number): Duration {
    return new Duration(n);
  }
  static minutes(n: number): Duration {
    return new Duration(n * 60);
  }
  static hours(n: number): Duration {
    return new Duration(n * 3600);
  }
  static days(n: number): Duration {
    return new Duration(n * 86400);
  }

  /** Parses Prometheus-style durations: `90s`, `5m`, `1h30m`, `28d`. */
  static parse(text: string): Duration {
    const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
    const parts = [...text.matchAll(/(\d+)([smhdw])/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
      throw new Error(`"${text}" is not a duration; write it like 90s, 5m, 1h30m or 28d`);
    }
    return new Duration(parts.reduce((sum, p) => sum + Number(p[1]) * unitSeconds[p[2]], 0));
  }

  private constructor(private readonly totalSeconds: number) {
    if (!Number.isFinite(totalSeconds) || totalSeconds < 0 || !Number.isInteger(totalSeconds)) {
      throw new Error(`a duration must be a whole, non-negative number of seconds, got ${totalSeconds}`);
    }
  }

  toSeconds(): number {
    return this.totalSeconds;
  }

  /** Shortest Prometheus duration string: 300 s -> `5m`, 5400 s -> `1h30m`. */
  toPromDuration(): string {
    if (this.totalSeconds === 0) return '0s';
    let rest = this.totalSeconds;
    let out = '';
    for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
      const n = Math.floor(rest / size);
      if (n > 0) out += `${n}${unit}`;
      rest -= n * size;
    }
    return out;
  }

  toString(): string {
    return this.toPromDuration();
  }
}
