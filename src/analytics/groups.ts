/**
 * Groups keyed by a few strings (store, day, carrier, …), for folds that aggregate rows in JavaScript. A unit of
 * rollup work hands a fold tens of thousands of rows: a joined key string per row (JSON.stringify, or a template)
 * is a new string each time, hashed anew on every lookup, and that was most of the folds' own time (issue #18's
 * bench/rollup-profile.ts `<fold> js`). Nested maps look each part up as it came, and the rows' strings keep their
 * hashes.
 */
export class Groups<T> {
  /** Every group, in the order each was first asked for. */
  readonly all: T[] = [];
  private readonly root = new Map<string, unknown>();

  constructor(private readonly make: (key: readonly string[]) => T) {}

  /** The group of these key parts, made on first sight. Every call passes the same number of parts. */
  get(...key: string[]): T {
    let level = this.root;
    for (let i = 0; i < key.length - 1; i++) {
      let next = level.get(key[i]!) as Map<string, unknown> | undefined;
      if (!next) level.set(key[i]!, (next = new Map()));
      level = next;
    }
    const last = key[key.length - 1]!;
    let group = level.get(last) as T | undefined;
    if (group === undefined) {
      group = this.make(key);
      level.set(last, group);
      this.all.push(group);
    }
    return group;
  }
}
