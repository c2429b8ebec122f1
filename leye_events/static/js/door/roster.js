/* The roster (GET /api/v1/events/{id}/roster: SHA-256 hashes of ticket codes, never the codes, with
   masked names, status and per-session check-ins) and the verdicts the page gives from it while
   offline, plus the session rule the server uses. No DOM here. */
import { extractCode } from "./util.js";

export class Roster {
  constructor(data, fetchedAt) {
    this.entries = new Map();
    (data.entries || []).forEach((entry) => this.entries.set(entry.code_hash, entry));
    this.data = data;
    this.confirmed = data.confirmed || 0;
    this.event = data.event || null;
    this.fetchedAt = fetchedAt;
  }

  get size() { return this.entries.size; }

  lookup(hash) { return this.entries.get(hash) || null; }

  /** Note a check-in the server just made, so that an offline verdict a moment later knows it. */
  markCheckedIn(outcome) {
    if (!outcome.registration_id) return;
    this.entries.forEach((entry) => {
      if (entry.registration_id === outcome.registration_id) {
        entry.checked_in = entry.checked_in || {};
        entry.checked_in[String(outcome.session_id)] = outcome.checked_in_at || outcome.scanned_at;
      }
    });
  }

  /** How many of the roster were checked in to the session when it was downloaded (or since, here). */
  checkedInCount(sessionId) {
    const sid = String(sessionId);
    let n = 0;
    this.entries.forEach((entry) => { if (entry.checked_in && entry.checked_in[sid]) n++; });
    return n;
  }
}

/** Whether a session's door is open at ``now`` (ms), as the server's ``session_window_contains``. */
export function sessionOpen(session, { opensBefore, closesAfter }, now) {
  return session.starts - opensBefore <= now && now <= session.ends + closesAfter;
}

/** The same rule as the server's current_session: running now, else next to start, else last ended. */
export function currentSessionId({ sessions = [], opensBefore, closesAfter }, now) {
  const open = sessions.filter((s) => sessionOpen(s, { opensBefore, closesAfter }, now));
  const running = open.filter((s) => s.starts <= now && now <= s.ends);
  const pick = (list, better) => list.reduce((a, b) => (a === null || better(b, a) ? b : a), null);
  if (running.length) return pick(running, (b, a) => b.starts > a.starts || (b.starts === a.starts && b.id > a.id)).id;
  const upcoming = open.filter((s) => s.starts > now);
  if (upcoming.length) return pick(upcoming, (b, a) => b.starts < a.starts || (b.starts === a.starts && b.id < a.id)).id;
  if (open.length) return pick(open, (b, a) => b.ends > a.ends || (b.ends === a.ends && b.id > a.id)).id;
  return sessions.length === 1 ? sessions[0].id : null;
}

/**
 * The verdict on a scanned text while offline, from the roster and what this device queued.
 *
 * @param text       what was scanned or typed
 * @param roster     a Roster, or null when none was ever downloaded
 * @param sessionId  the session being admitted to
 * @param doorOpen   whether that session's door is open now
 * @param hashOf     async (code) -> hex SHA-256
 * @param findQueued (hash, sessionId) -> the queued scan of that ticket, if any
 * @returns {result, attendee?, first_checked_in_at?, first_gate?, hash?, code?}; ``result`` is an API
 *   result (``ok`` means: admit and queue it) or one of the page's own ``not_a_ticket``, ``no_roster``
 *   and ``not_in_roster`` (staff look at the ticket and may admit it anyway).
 */
export async function decideOffline({ text, roster, sessionId, doorOpen, hashOf, findQueued }) {
  const code = extractCode(text);
  if (!code) return { result: "not_a_ticket" };
  if (!roster) return { result: "no_roster" };
  if (roster.event && roster.event.status === "cancelled") return { result: "event_cancelled" };
  if (!doorOpen) return { result: "not_open" };
  const hash = await hashOf(code);
  const entry = roster.lookup(hash);
  const queued = findQueued(hash, sessionId);
  const attendee = entry ? { name: entry.name, walk_in: entry.walk_in } : undefined;
  const queuedAnswer = () => ({
    result: "already_checked_in", first_checked_in_at: queued.scanned_at, first_gate: queued.gate, attendee, hash, code,
  });
  if (!entry) {
    // Registered (or re-issued) after the roster was downloaded? Staff look at the ticket and decide.
    return queued ? queuedAnswer() : { result: "not_in_roster", hash, code };
  }
  if (entry.status === "cancelled" || entry.status === "waitlisted") return { result: entry.status, attendee, hash, code };
  const first = entry.checked_in && entry.checked_in[String(sessionId)];
  if (first) return { result: "already_checked_in", first_checked_in_at: first, first_gate: "", attendee, hash, code };
  if (queued) return queuedAnswer();
  return { result: "ok", attendee, hash, code };
}
