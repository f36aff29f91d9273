import { EventEmitter } from 'events';

/** Things that arrived at a test's server, in order, with a way to wait for one. */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly events = new EventEmitter();

  /** @param describe Names an item in the error of a wait that timed out. */
  constructor(private readonly describe: (item: T) => string) {}

  add(item: T): void {
    this.items.push(item);
    this.events.emit('item', item);
  }

  /** The first recorded item that matches, waiting for one up to `timeoutMs`. */
  waitFor(predicate: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const found = this.items.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onItem = (item: T) => {
        if (!predicate(item)) return;
        clearTimeout(timer);
        this.events.off('item', onItem);
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.events.off('item', onItem);
        reject(new Error(`no ${what} within ${Math.round(timeoutMs / 1000)}s; received so far: ${this.items.map(this.describe).join(', ') || 'nothing'}`));
      }, timeoutMs);
      this.events.on('item', onItem);
    });
  }
}
