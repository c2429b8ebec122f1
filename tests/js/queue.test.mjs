// The door's offline queue (leye_events/static/js/door/queue.js) on an in-memory store, with a fake
// upload that answers as POST /api/v1/checkins/batch does. Run: node --test tests/js/
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { MAX_BATCH, OfflineQueue, problemOf } from "../../leye_events/static/js/door/queue.js";
import { memoryStore } from "../../leye_events/static/js/door/storage.js";

const EVENT = 7;

function scan(n, extra = {}) {
  return { event_id: EVENT, code: `ticket-code-${String(n).padStart(4, "0")}`, session_id: 3, gate: "A 门",
    device: "web-1", nonce: `nonce-${n}`, scanned_at: "2026-12-03T14:02:11+08:00", method: "qr", ...extra };
}

/** A fake batch endpoint: remembers what it was sent; ``answer(scan)`` decides each result. */
function fakeServer(answer = () => ({ result: "ok", checkin_id: 1 })) {
  const calls = [];
  const seen = new Map();
  async function upload(scans) {
    calls.push(scans);
    const results = scans.map((s) => {
      if (seen.has(s.nonce)) return { ...seen.get(s.nonce), replayed: true };
      const result = answer(s);
      if (!result.error) seen.set(s.nonce, result);
      return result;
    });
    return { ok: true, status: 200, data: { results } };
  }
  return { calls, upload };
}

async function queueWith(server, store = memoryStore()) {
  const queue = new OfflineQueue({ store, eventId: EVENT, upload: server.upload });
  await queue.load();
  return queue;
}

describe("enqueue", () => {
  it("keeps scans in order with the page's fields, and finds them by code hash and session", async () => {
    const queue = await queueWith(fakeServer());
    await queue.add(scan(1), { hash: "h1", name: "王**", now: 20 });
    await queue.add(scan(2), { hash: "h2", name: "李*", now: 10 });
    assert.deepEqual(queue.pending.map((i) => i.nonce), ["nonce-2", "nonce-1"]);
    assert.equal(queue.find("h1", 3).name, "王**");
    assert.equal(queue.find("h1", "3").nonce, "nonce-1", "session ids from a <select> are strings");
    assert.equal(queue.find("h1", 4), undefined);
    assert.equal(queue.countFor(3), 2);
  });

  it("never queues one nonce twice (the nonce is the idempotency key)", async () => {
    const queue = await queueWith(fakeServer());
    const first = await queue.add(scan(1), { hash: "h1", name: "王**", now: 1 });
    const again = await queue.add(scan(1, { gate: "B 门" }), { hash: "h1", name: "王**", now: 2 });
    assert.equal(queue.pending.length, 1);
    assert.equal(again.gate, "A 门");
    assert.deepEqual(again, first);
  });

  it("refuses a scan without a nonce", async () => {
    const queue = await queueWith(fakeServer());
    await assert.rejects(queue.add(scan(1, { nonce: "" }), { hash: "h", name: "x" }));
  });

  it("survives a reload of the page (a new queue on the same store) and keeps other events apart", async () => {
    const store = memoryStore();
    const before = await queueWith(fakeServer(), store);
    await before.add(scan(1), { hash: "h1", name: "王**" });
    await store.set("other", { ...scan(9), event_id: 8 });
    const after = await queueWith(fakeServer(), store);
    assert.deepEqual(after.pending.map((i) => i.nonce), ["nonce-1"]);
  });

  it("removes one scan (undo while offline)", async () => {
    const queue = await queueWith(fakeServer());
    await queue.add(scan(1), { hash: "h1", name: "a" });
    await queue.add(scan(2), { hash: "h2", name: "b" });
    await queue.remove("nonce-1");
    assert.deepEqual(queue.pending.map((i) => i.nonce), ["nonce-2"]);
  });
});

describe("upload", () => {
  it("sends only the API's fields and empties the queue", async () => {
    const server = fakeServer();
    const queue = await queueWith(server);
    await queue.add(scan(1), { hash: "h1", name: "王**" });
    const { settled, refused } = await queue.flush();
    assert.equal(refused, null);
    assert.deepEqual(server.calls, [[{
      code: "ticket-code-0001", event_id: EVENT, session_id: 3, gate: "A 门", device: "web-1", nonce: "nonce-1",
      scanned_at: "2026-12-03T14:02:11+08:00",
    }]]);
    assert.equal(settled.length, 1);
    assert.equal(settled[0].problem, null);
    assert.deepEqual(queue.pending, []);
  });

  it(`uploads in batches of at most ${MAX_BATCH}`, async () => {
    const server = fakeServer();
    const queue = await queueWith(server);
    for (let n = 0; n < 1201; n++) await queue.add(scan(n), { hash: `h${n}`, name: "x", now: n });
    const { settled } = await queue.flush();
    assert.deepEqual(server.calls.map((c) => c.length), [500, 500, 201]);
    assert.equal(server.calls[0][0].nonce, "nonce-0", "oldest first");
    assert.equal(settled.length, 1201);
    assert.equal(queue.pending.length, 0);
  });

  it("sending again after a lost answer is harmless: the server replays by nonce", async () => {
    const server = fakeServer();
    const queue = await queueWith(server);
    await queue.add(scan(1), { hash: "h1", name: "a" });
    await server.upload([{ ...scan(1) }]); // the first upload reached the server, its answer was lost
    const { settled } = await queue.flush();
    assert.equal(settled[0].answer.replayed, true);
    assert.equal(settled[0].problem, null);
  });

  it("flags a conflict and a refusal for staff, and drops malformed items", async () => {
    const server = fakeServer((s) => ({
      "nonce-1": { result: "already_checked_in", conflict: true, first_checked_in_at: "2026-12-03T14:00:00+08:00", first_gate: "东门" },
      "nonce-2": { result: "cancelled", message: "报名已取消" },
      "nonce-3": { error: { code: "invalid_field", message: "此字段应为整数。" }, status: 400 },
      "nonce-4": { result: "already_checked_in", conflict: false },
    })[s.nonce]);
    const queue = await queueWith(server);
    for (let n = 1; n <= 4; n++) await queue.add(scan(n), { hash: `h${n}`, name: `p${n}`, now: n });
    const { settled } = await queue.flush();
    assert.deepEqual(settled.map((s) => s.problem && s.problem.kind), ["conflict", "refused", "error", null]);
    assert.equal(settled[0].problem.firstGate, "东门");
    assert.equal(settled[2].problem.message, "此字段应为整数。");
    assert.deepEqual(queue.pending, []);
  });

  it("keeps items the server failed on (5xx) for the next try, without looping", async () => {
    let failing = true;
    const server = fakeServer((s) => (failing && s.nonce === "nonce-2"
      ? { error: { code: "internal_error", message: "oops" }, status: 500 } : { result: "ok" }));
    const queue = await queueWith(server);
    await queue.add(scan(1), { hash: "h1", name: "a", now: 1 });
    await queue.add(scan(2), { hash: "h2", name: "b", now: 2 });
    const first = await queue.flush();
    assert.equal(first.settled.length, 1);
    assert.deepEqual(queue.pending.map((i) => i.nonce), ["nonce-2"]);
    assert.equal(server.calls.length, 2, "one more try for what was left, then it stops");
    failing = false;
    const second = await queue.flush();
    assert.deepEqual(second.settled.map((s) => s.item.nonce), ["nonce-2"]);
    assert.deepEqual(queue.pending, []);
  });

  it("keeps everything when the whole upload is refused (login expired)", async () => {
    const queue = await queueWith({ upload: async () => ({ ok: false, status: 401, data: null }) });
    await queue.add(scan(1), { hash: "h1", name: "a" });
    const { settled, refused } = await queue.flush();
    assert.equal(refused, 401);
    assert.deepEqual(settled, []);
    assert.equal(queue.pending.length, 1);
  });

  it("keeps what was not settled when the network drops mid-way", async () => {
    let call = 0;
    const queue = await queueWith({
      upload: async (scans) => {
        if (++call > 1) throw new Error("offline");
        return { ok: true, status: 200, data: { results: scans.map(() => ({ result: "ok" })) } };
      },
    });
    for (let n = 0; n < 600; n++) await queue.add(scan(n), { hash: `h${n}`, name: "x", now: n });
    await assert.rejects(queue.flush(), /offline/);
    assert.equal(queue.pending.length, 100);
    assert.equal(queue.pending[0].nonce, "nonce-500");
  });

  it("with nothing queued, sends nothing", async () => {
    const server = fakeServer();
    const queue = await queueWith(server);
    assert.deepEqual(await queue.flush(), { settled: [], refused: null });
    assert.deepEqual(server.calls, []);
  });
});

describe("problemOf", () => {
  it("is null for an admitted or already admitted scan", () => {
    assert.equal(problemOf({ result: "ok" }), null);
    assert.equal(problemOf({ result: "already_checked_in" }), null);
  });
});
