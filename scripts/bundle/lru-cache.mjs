// Stands in for mnemonist/lru-cache in the Lambda bundles (esbuild alias in esbuild.config.js). Its one user there is
// the SDK's endpoint-discovery cache (@aws-sdk/endpoint-cache, loaded by every DynamoDB client), which calls only
// new LRUCache(capacity), get, set, has, peek and clear. mnemonist's typed-array implementation is ~5 KiB minified;
// a Map keeps insertion order, which is all an LRU of a few entries needs: same eviction, same answers.
export default class LRUCache {
  constructor(capacity) {
    if (!(capacity > 0)) throw new Error('LRUCache: capacity should be a positive number');
    this.capacity = capacity;
    this.items = new Map();
  }
  get size() {
    return this.items.size;
  }
  /** The value, now the most recently used. */
  get(key) {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key);
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }
  /** The value, without touching its recency. */
  peek(key) {
    return this.items.get(key);
  }
  has(key) {
    return this.items.has(key);
  }
  /** Stores the value as the most recently used; past capacity, the least recently used entry goes. */
  set(key, value) {
    this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value);
    return this;
  }
  clear() {
    this.items.clear();
  }
}
