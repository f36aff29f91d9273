import { HistoryRow, RecentRunsQuery, RunHistory } from './types';

/** Run history without PostgreSQL: the latest `capacity` runs in a ring; older ones age out. */
export class MemoryRunHistory implements RunHistory {
  private readonly rows: HistoryRow[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  record(row: HistoryRow): void {
    this.rows[this.next] = row;
    this.next = (this.next + 1) % this.capacity;
  }

  async recent(query: RecentRunsQuery): Promise<HistoryRow[]> {
    const matching = query.dagId === undefined ? [...this.rows] : this.rows.filter((r) => r.dagId === query.dagId);
    return matching.sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime()).slice(0, query.limit);
  }

  isReady(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
