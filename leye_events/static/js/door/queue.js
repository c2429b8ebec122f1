/* The offline queue: scans admitted from the roster while offline, kept in a store (IndexedDB in the
   page, memory in tests) under their nonce, and uploaded to POST /api/v1/checkins/batch when the
   network is back. The nonce is the idempotency key: the server answers a repeated nonce as before,
   so an upload whose answer was lost is simply sent again. No DOM here. */

export const MAX_BATCH = 500; // the API's limit per upload

/** The fields of a queued scan that the API takes (the rest is for the page: name, hash, times). */
const SCAN_FIELDS = ["code", "event_id", "session_id", "gate", "device", "nonce", "scanned_at"];

export class OfflineQueue {
  /**
   * @param store   async key-value store (``get``, ``set``, ``del``, ``values``), see storage.js
   * @param eventId the event whose scans this page queues and uploads (a device may hold others)
   * @param upload  async (scans) -> {ok, status, data}; throws when the network is down
   */
  constructor({ store, eventId, upload }) {
    this.store = store;
    this.eventId = eventId;
    this.upload = upload;
    this.pending = [];
  }

  /** Reload this event's queued scans from the store, oldest first. */
  async load() {
    const all = (await this.store.values()) || [];
    this.pending = all.filter((item) => item && item.event_id === this.eventId)
      .sort((a, b) => (a.queued_at || 0) - (b.queued_at || 0));
    return this.pending;
  }

  /** Queue a scan (its body as for the API, with a nonce). A nonce already queued keeps its first
      entry: the same scan is never queued twice. Returns the queued item. */
  async add(scan, { hash, name, now = Date.now() }) {
    if (!scan.nonce) throw new Error("a queued scan needs its nonce");
    const existing = await this.store.get(scan.nonce);
    if (existing) return existing;
    const item = { ...scan, event_id: this.eventId, code_hash: hash, name, queued_at: now };
    await this.store.set(item.nonce, item);
    await this.load();
    return item;
  }

  async remove(nonce) {
    await this.store.del(nonce);
    await this.load();
  }

  /** The queued scan of this ticket (by code hash) for that session, if any. */
  find(hash, sessionId) {
    return this.pending.find((item) => item.code_hash === hash && String(item.session_id) === String(sessionId));
  }

  countFor(sessionId) {
    return this.pending.filter((item) => String(item.session_id) === String(sessionId)).length;
  }

  /**
   * Upload everything queued, ``MAX_BATCH`` at a time. An item leaves the queue once the server has
   * answered it for good: admitted, already in, refused by a rule or malformed; a 5xx answer keeps it
   * for the next try. Network errors propagate (the caller goes offline); what was settled stays settled.
   *
   * @returns {{settled: Array<{item, answer, problem}>, refused: number|null}} ``problem`` is null, or
   *   ``{kind: "conflict"|"error"|"refused", ...}`` for staff to look at; ``refused`` is the HTTP status
   *   when the server refused a whole upload (e.g. 401), else null.
   */
  async flush() {
    const settled = [];
    await this.load();
    let batch = this.pending.slice(0, MAX_BATCH);
    while (batch.length) {
      const r = await this.upload(batch.map(scanOf));
      if (!r.ok) return { settled, refused: r.status };
      const results = (r.data && r.data.results) || [];
      let progress = 0;
      for (let i = 0; i < Math.min(results.length, batch.length); i++) {
        const answer = results[i] || {};
        if (answer.error && answer.status >= 500) continue; // keep it for the next try
        await this.store.del(batch[i].nonce);
        progress++;
        settled.push({ item: batch[i], answer, problem: problemOf(answer) });
      }
      await this.load();
      if (!progress) break; // the server is struggling: try again later, not in a loop
      batch = this.pending.slice(0, MAX_BATCH);
    }
    return { settled, refused: null };
  }
}

function scanOf(item) {
  const scan = {};
  SCAN_FIELDS.forEach((field) => { if (item[field] !== undefined) scan[field] = item[field]; });
  return scan;
}

/** What staff must see about one uploaded scan, or null when all is well. */
export function problemOf(answer) {
  if (answer.conflict) {
    return { kind: "conflict", firstCheckedInAt: answer.first_checked_in_at, firstGate: answer.first_gate || "" };
  }
  if (answer.error) return { kind: "error", message: answer.error.message };
  if (answer.result !== "ok" && answer.result !== "already_checked_in") {
    return { kind: "refused", result: answer.result, message: answer.message };
  }
  return null;
}
