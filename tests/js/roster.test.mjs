// The door's roster and its offline verdicts (leye_events/static/js/door/roster.js), the session rule,
// and the ticket-code helpers they rely on. Run: node --test tests/js/
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";

import { OfflineQueue } from "../../leye_events/static/js/door/queue.js";
import { Roster, currentSessionId, decideOffline, sessionOpen } from "../../leye_events/static/js/door/roster.js";
import { memoryStore } from "../../leye_events/static/js/door/storage.js";
import { extractCode, sha256hex } from "../../leye_events/static/js/door/util.js";

const hashOf = async (code) => createHash("sha256").update(code).digest("hex");
const CODES = { wang: "wang-ticket-code-0001", li: "li-ticket-code-000002", gone: "cancelled-code-000003", wait: "waitlisted-code-0004" };

async function roster({ status = "published" } = {}) {
  const entry = async (code, registrationId, name, extra = {}) => ({
    code_hash: await hashOf(code), registration_id: registrationId, name, status: "confirmed", walk_in: false,
    checked_in: {}, ...extra,
  });
  return new Roster({
    event: { id: 7, status },
    confirmed: 2,
    entries: [
      await entry(CODES.wang, 1, "王**"),
      await entry(CODES.li, 2, "李*", { walk_in: true, checked_in: { 3: "2026-12-03T14:00:00+08:00" } }),
      await entry(CODES.gone, 3, "赵*", { status: "cancelled" }),
      await entry(CODES.wait, 4, "钱*", { status: "waitlisted" }),
    ],
  }, 1000);
}

function verdict(text, options = {}) {
  return decideOffline({
    text, sessionId: 3, doorOpen: true, hashOf, findQueued: () => undefined, ...options,
  });
}

describe("Roster", () => {
  it("looks entries up by the SHA-256 of the code, never the code", async () => {
    const r = await roster();
    assert.equal(r.size, 4);
    assert.equal(r.lookup(await hashOf(CODES.wang)).name, "王**");
    assert.equal(r.lookup(CODES.wang), null);
    assert.equal(await sha256hex(CODES.wang), await hashOf(CODES.wang), "the page hashes as the server does");
  });

  it("counts check-ins per session and learns the ones made online since", async () => {
    const r = await roster();
    assert.equal(r.checkedInCount(3), 1);
    r.markCheckedIn({ registration_id: 1, session_id: 3, checked_in_at: "2026-12-03T14:05:00+08:00" });
    assert.equal(r.checkedInCount("3"), 2);
    assert.equal(r.checkedInCount(4), 0);
  });
});

describe("offline verdicts", () => {
  it("admits a confirmed ticket, from its URL or the bare code", async () => {
    const r = await roster();
    const answer = await verdict(`https://leye.example/tickets/${CODES.wang}`, { roster: r });
    assert.equal(answer.result, "ok");
    assert.deepEqual(answer.attendee, { name: "王**", walk_in: false });
    assert.equal(answer.hash, await hashOf(CODES.wang));
    assert.equal((await verdict(`  ${CODES.wang}\n`, { roster: r })).result, "ok");
  });

  it("says already checked in when the roster or this device's queue says so", async () => {
    const r = await roster();
    const li = await verdict(CODES.li, { roster: r });
    assert.equal(li.result, "already_checked_in");
    assert.equal(li.first_checked_in_at, "2026-12-03T14:00:00+08:00");
    assert.deepEqual(li.attendee, { name: "李*", walk_in: true });
    assert.equal((await verdict(CODES.li, { roster: r, sessionId: 4 })).result, "ok", "another session");

    const queue = new OfflineQueue({ store: memoryStore(), eventId: 7, upload: async () => null });
    await queue.add({ code: CODES.wang, session_id: 3, nonce: "n1", gate: "B 门", scanned_at: "2026-12-03T14:06:00+08:00" },
      { hash: await hashOf(CODES.wang), name: "王**" });
    const again = await verdict(CODES.wang, { roster: r, findQueued: (h, s) => queue.find(h, s) });
    assert.equal(again.result, "already_checked_in");
    assert.equal(again.first_gate, "B 门");
  });

  it("refuses cancelled and waitlisted registrations", async () => {
    const r = await roster();
    assert.equal((await verdict(CODES.gone, { roster: r })).result, "cancelled");
    assert.equal((await verdict(CODES.wait, { roster: r })).result, "waitlisted");
  });

  it("leaves a ticket missing from the roster to staff, unless this device already admitted it", async () => {
    const r = await roster();
    const missing = await verdict("registered-after-download", { roster: r });
    assert.equal(missing.result, "not_in_roster");
    assert.equal(missing.code, "registered-after-download");
    const queued = { scanned_at: "2026-12-03T14:06:00+08:00", gate: "A 门" };
    const admitted = await verdict("registered-after-download", { roster: r, findQueued: () => queued });
    assert.equal(admitted.result, "already_checked_in");
  });

  it("refuses what is not a ticket, without a roster, at a cancelled event, or with the door closed", async () => {
    const r = await roster();
    assert.equal((await verdict("not a ticket!", { roster: r })).result, "not_a_ticket");
    assert.equal((await verdict(CODES.wang, { roster: null })).result, "no_roster");
    assert.equal((await verdict(CODES.wang, { roster: await roster({ status: "cancelled" }) })).result, "event_cancelled");
    assert.equal((await verdict(CODES.wang, { roster: r, doorOpen: false })).result, "not_open");
  });
});

describe("the session rule (as the server's current_session)", () => {
  const minute = 60_000;
  const windows = { opensBefore: 30 * minute, closesAfter: 60 * minute };
  const sessions = [
    { id: 1, starts: 0, ends: 60 * minute },
    { id: 2, starts: 70 * minute, ends: 130 * minute },
  ];

  it("prefers the running session, then the next to start, then the last ended", () => {
    assert.equal(currentSessionId({ sessions, ...windows }, 30 * minute), 1);
    assert.equal(currentSessionId({ sessions, ...windows }, 65 * minute), 2);
    assert.equal(currentSessionId({ sessions, ...windows }, 150 * minute), 2);
    assert.equal(currentSessionId({ sessions, ...windows }, 500 * minute), null);
    assert.equal(currentSessionId({ sessions: sessions.slice(0, 1), ...windows }, 500 * minute), 1);
  });

  it("opens the door before the start and closes it after the end", () => {
    assert.equal(sessionOpen(sessions[0], windows, -30 * minute), true);
    assert.equal(sessionOpen(sessions[0], windows, -31 * minute), false);
    assert.equal(sessionOpen(sessions[0], windows, 120 * minute), true);
    assert.equal(sessionOpen(sessions[0], windows, 121 * minute), false);
  });
});

describe("extractCode", () => {
  it("finds the code in a ticket URL or takes a bare one", () => {
    assert.equal(extractCode("http://elsewhere/tickets/abcdefghij_-12?x=1"), "abcdefghij_-12");
    assert.equal(extractCode("short"), "");
    assert.equal(extractCode(null), "");
  });
});
