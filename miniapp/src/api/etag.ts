/**
 * Conditional GETs for the mini-programs: the catalogue answers with ETags, and `wx.request` /
 * `my.request` keep no HTTP cache. We remember the last body per URL and send `If-None-Match`;
 * a 304 then costs a few bytes instead of the whole item guide. (H5 leaves this to the browser.)
 */
export class EtagCache<T = unknown> {
  private readonly entries = new Map<string, { etag: string; data: T }>();

  constructor(private readonly maxEntries = 100) {}

  /** The `If-None-Match` header for this URL, if we hold a body for it. */
  conditionalHeader(url: string): Record<string, string> {
    const entry = this.entries.get(url);
    return entry ? { 'If-None-Match': entry.etag } : {};
  }

  /** The body kept for this URL (on a 304), refreshed as most recently used. */
  get(url: string): T | undefined {
    const entry = this.entries.get(url);
    if (!entry) return undefined;
    this.entries.delete(url);
    this.entries.set(url, entry);
    return entry.data;
  }

  /** Keeps a 200 body that came with an ETag; drops the oldest entry beyond the limit. */
  put(url: string, etag: string | undefined, data: T): void {
    this.entries.delete(url);
    if (!etag) return;
    this.entries.set(url, { etag, data });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
