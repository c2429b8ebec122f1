// The door's request client, storage fallback and repeat guard. Run: node --test tests/js/
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { Offline, createClient, errorText } from "../../leye_events/static/js/door/net.js";
import { RepeatGuard, cameraErrorKind } from "../../leye_events/static/js/door/scanner.js";
import { idbStore, memoryStore } from "../../leye_events/static/js/door/storage.js";

function json(status, body) {
  return { ok: status < 400, status, json: async () => { if (body === undefined) throw new Error("not json"); return body; } };
}

describe("request client", () => {
  it("sends the CSRF token on writes and renews a stale one once", async () => {
    const sent = [];
    const answers = [json(400, { error: { code: "csrf_failed", message: "expired" } }), json(200, { csrf_token: "fresh" }),
      json(200, { result: "ok" })];
    const client = createClient({
      csrfToken: "stale", tokenUrl: "/door/token",
      fetch: async (url, init) => { sent.push([url, init.method, init.headers["X-CSRFToken"]]); return answers.shift(); },
    });
    const r = await client.request("/api/v1/checkins", { method: "POST", json: { code: "x" } });
    assert.deepEqual(r, { ok: true, status: 200, data: { result: "ok" } });
    assert.deepEqual(sent, [["/api/v1/checkins", "POST", "stale"], ["/door/token", "GET", undefined],
      ["/api/v1/checkins", "POST", "fresh"]]);
  });

  it("does not retry another 400", async () => {
    let calls = 0;
    const client = createClient({
      csrfToken: "t", tokenUrl: "/door/token",
      fetch: async () => { calls++; return json(400, { error: { code: "invalid_field", message: "bad" } }); },
    });
    const r = await client.request("/api/v1/checkins", { method: "POST", json: {} });
    assert.equal(r.status, 400);
    assert.equal(calls, 1);
    assert.equal(errorText(r, {}), "bad");
    assert.equal(errorText({ status: 401 }, { loginAgain: "login" }), "login");
    assert.equal(errorText({ status: 502, data: null }, { serverError: "error {status}" }), "error 502");
  });

  it("throws Offline on a network error or a hang", async () => {
    const down = createClient({ tokenUrl: "/t", fetch: async () => { throw new TypeError("Failed to fetch"); } });
    await assert.rejects(down.request("/x"), Offline);
    const hang = createClient({
      tokenUrl: "/t", timeoutMs: 20,
      fetch: (url, init) => new Promise((resolve, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted")))),
    });
    await assert.rejects(hang.request("/x"), Offline);
  });
});

describe("storage", () => {
  it("keeps values in memory where IndexedDB is missing (Node, private mode)", async () => {
    for (const store of [memoryStore(), idbStore("db", "store", undefined)]) {
      await store.set("a", { n: 1 });
      assert.deepEqual(await store.get("a"), { n: 1 });
      assert.deepEqual(await store.values(), [{ n: 1 }]);
      await store.del("a");
      assert.equal(await store.get("a"), undefined);
    }
  });

  it("falls back to memory when IndexedDB fails", async () => {
    const broken = { open() { throw new Error("SecurityError"); } };
    globalThis.indexedDB = broken; // idb-keyval's createStore opens the global one
    try {
      const store = idbStore("db", "store", broken);
      await store.set("k", 1);
      assert.equal(await store.get("k"), 1);
    } finally {
      delete globalThis.indexedDB;
    }
  });
});

describe("RepeatGuard", () => {
  it("lets a code through once while it stays in front of the camera", () => {
    const guard = new RepeatGuard(2000);
    assert.equal(guard.accept("A", 0), true);
    assert.equal(guard.accept("A", 1500), false);
    assert.equal(guard.accept("A", 3000), false, "still in view: the window moves on");
    assert.equal(guard.accept("A", 5001), true);
    assert.equal(guard.accept("B", 5002), true);
    assert.equal(guard.accept("A", 5003), true);
  });

  it("names camera problems", () => {
    assert.equal(cameraErrorKind({ name: "NotAllowedError" }), "denied");
    assert.equal(cameraErrorKind({ name: "NotFoundError" }), "missing");
    assert.equal(cameraErrorKind("Camera not found."), "", "qr-scanner's catch-all: the page asks the browser again");
    assert.equal(cameraErrorKind({ name: "NotReadableError" }), "busy");
    assert.equal(cameraErrorKind(new Error("odd")), "");
  });
});
