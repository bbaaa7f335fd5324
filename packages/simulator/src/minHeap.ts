/** A binary min-heap ordered by a numeric priority (ties keep insertion order). */
export class MinHeap<T> {
  private items: { p: number; seq: number; value: T }[] = [];
  private seq = 0;

  /** Number of entries. */
  get size(): number {
    return this.items.length;
  }

  /** Adds a value with its priority. */
  push(priority: number, value: T): void {
    const items = this.items;
    items.push({ p: priority, seq: this.seq++, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** The smallest priority, or undefined when empty. */
  peekPriority(): number | undefined {
    return this.items[0]?.p;
  }

  /** Removes and returns the value with the smallest priority. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    if (!top) return undefined;
    const last = items.pop()!;
    if (items.length) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top.value;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.p < y.p || (x.p === y.p && x.seq < y.seq);
  }
}
