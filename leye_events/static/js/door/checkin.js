/* The check-in flow of the door page: a scan goes to POST /api/v1/checkins (the API's own endpoint, with
   the page's login session) when online; offline it is judged from the roster and queued, and the queue
   is uploaded to POST /api/v1/checkins/batch when the network is back. Also the roster download and the
   live count. Scans run one after another (``enqueueWork``), so the queue and the counts never race. */
import { Offline, errorText } from "./net.js";
import { Roster, decideOffline, sessionOpen } from "./roster.js";
import { fill, hhmm, localIso, newNonce, rosterTime, sha256hex } from "./util.js";

/**
 * @param config    the page's config: eventId, sessions, door windows, urls, text, labels
 * @param net       from net.createClient
 * @param view      from verdict.createVerdictView
 * @param queue     an OfflineQueue
 * @param rosters   a store (storage.js) for the last roster of each event
 * @param serverNow () -> the server's time in ms, as far as this device can tell
 * @returns the shared ``state`` (the page's setup writes sessionId, gate, device) and the operations
 */
export function createCheckIn({ config, net, view, queue, rosters, serverNow, doc = globalThis.document }) {
  const T = config.text;
  const urls = config.urls;
  const $ = (id) => doc.getElementById(id);
  const state = {
    sessionId: null,
    gate: "",
    device: "",
    roster: null,
    offline: !globalThis.navigator.onLine,
    flushing: false,
    lastOk: null, // {checkinId, name} or {nonce, name} (queued offline), for undo
    busy: Promise.resolve(),
  };

  // --- state shown ---------------------------------------------------------------------------

  function setOffline(offline) {
    state.offline = offline;
    view.renderNet(offline, queue.pending.length);
  }

  async function loadPending() {
    await queue.load();
    view.renderNet(state.offline, queue.pending.length);
  }

  function setLastOk(last) {
    state.lastOk = last;
    view.renderUndo(last);
  }

  function useRoster(data, fetchedAt) {
    state.roster = new Roster(data, fetchedAt);
    $("door-roster").textContent = fill(T.rosterLoaded, { n: state.roster.size, time: rosterTime(fetchedAt) });
  }

  /** The roster saved by an earlier visit, until a fresh one is downloaded. */
  async function restoreRoster() {
    try {
      const saved = await rosters.get(config.eventId);
      if (saved && !state.roster) useRoster(saved.data, saved.fetchedAt);
    } catch (e) { /* none saved */ }
  }

  async function loadRoster() {
    try {
      const r = await net.request(urls.roster);
      if (!r.ok) return;
      const fetchedAt = Date.now();
      useRoster(r.data, fetchedAt);
      await rosters.set(config.eventId, { data: r.data, fetchedAt });
      setOffline(false);
    } catch (e) {
      if (e instanceof Offline) setOffline(true);
    }
  }

  function localCount() {
    return (state.roster ? state.roster.checkedInCount(state.sessionId) : 0) + queue.countFor(state.sessionId);
  }

  async function refreshStats() {
    if (!state.sessionId) return;
    try {
      if (state.offline) throw new Offline("offline");
      const r = await net.request(urls.stats + "?session_id=" + encodeURIComponent(state.sessionId));
      if (r.ok) view.renderCount(r.data.checked_in + queue.countFor(state.sessionId), r.data.confirmed);
    } catch (e) {
      if (e instanceof Offline) view.renderCount(localCount(), state.roster ? state.roster.confirmed : 0);
    }
  }

  // --- scanning ------------------------------------------------------------------------------

  function scanBody(extra) {
    return {
      event_id: config.eventId, session_id: state.sessionId, gate: state.gate, device: state.device,
      nonce: newNonce(), scanned_at: localIso(new Date()), ...extra,
    };
  }

  async function submitScan(extra) {
    if (!state.sessionId) { view.show("bad", T.noSession, ""); return; }
    const body = scanBody(extra);
    if (!state.offline && queue.pending.length) await flush();
    if (state.offline && body.code !== undefined) { await admitOffline(body); return; }
    try {
      const r = await net.request(urls.checkins, { method: "POST", json: body });
      setOffline(false);
      if (!r.ok) { view.show("bad", errorText(r, T), ""); return; }
      view.showOutcome(r.data, false);
      if (r.data.result === "ok") {
        setLastOk({ checkinId: r.data.checkin_id, name: r.data.attendee ? r.data.attendee.name : "" });
        if (state.roster) state.roster.markCheckedIn(r.data);
      }
      refreshStats();
    } catch (e) {
      if (!(e instanceof Offline)) throw e;
      setOffline(true);
      if (body.code !== undefined) await admitOffline(body); // same nonce: a late answer is not counted twice
      else view.show("bad", T.searchOffline, "");
    }
  }

  async function admitOffline(body) {
    const session = (config.sessions || []).find((s) => s.id === state.sessionId) || null;
    const verdict = await decideOffline({
      text: body.code, roster: state.roster, sessionId: state.sessionId,
      doorOpen: !session || sessionOpen(session, config, serverNow()),
      hashOf: sha256hex, findQueued: (hash, sid) => queue.find(hash, sid),
    });
    const labels = config.labels;
    if (verdict.result === "not_a_ticket") { view.show("bad", labels.unknown_code, T.notATicket); return; }
    if (verdict.result === "no_roster") { view.show("bad", T.noRoster, ""); return; }
    if (verdict.result === "event_cancelled") { view.show("bad", labels.event_cancelled, ""); return; }
    if (verdict.result === "not_open") { view.show("bad", labels.not_open, T.offlineNote); return; }
    if (verdict.result === "not_in_roster") {
      view.show("bad", T.notInRoster, fill(T.rosterAge, { time: rosterTime(state.roster.fetchedAt) }));
      view.offerAdmitAnyway(() => enqueueWork(async () => {
        await queueOffline(body, verdict.hash, T.unknownPerson + " …" + verdict.code.slice(-4));
        view.show("warn", T.admittedUnchecked, T.offlineNote);
      }));
      return;
    }
    if (verdict.result === "ok") await queueOffline(body, verdict.hash, verdict.attendee.name);
    view.showOutcome({ ...verdict, message: verdict.result === "ok" ? undefined : labels[verdict.result] }, true);
  }

  async function queueOffline(body, hash, name) {
    await queue.add(body, { hash, name });
    view.renderNet(state.offline, queue.pending.length);
    setLastOk({ nonce: body.nonce, name });
    view.renderCount(localCount(), state.roster ? state.roster.confirmed : 0);
  }

  function enqueueWork(work) {
    state.busy = state.busy.then(work).catch((e) => { view.show("bad", String(e && e.message ? e.message : e), ""); });
    return state.busy;
  }

  function scanText(text, method) {
    return enqueueWork(() => submitScan({ code: text, method }));
  }

  // --- offline queue upload --------------------------------------------------------------------

  async function flush() {
    if (state.flushing) return;
    state.flushing = true;
    try {
      const { settled, refused } = await queue.flush();
      setOffline(false);
      if (refused === 401) view.addProblem(T.loginAgain);
      settled.forEach(({ item, answer, problem }) => {
        if (problem) view.addProblem(problemText(item, problem));
        if (state.lastOk && state.lastOk.nonce === item.nonce) {
          setLastOk(answer.result === "ok" ? { checkinId: answer.checkin_id, name: item.name } : null);
        }
      });
    } catch (e) {
      if (e instanceof Offline) setOffline(true);
      else throw e;
    } finally {
      state.flushing = false;
      await loadPending();
    }
    if (!state.offline) {
      await loadRoster();
      refreshStats();
    }
  }

  function problemText(item, problem) {
    if (problem.kind === "conflict") {
      return fill(T.conflict, {
        name: item.name, gate: item.gate || T.noGate, time: hhmm(problem.firstCheckedInAt), first: problem.firstGate || T.noGate,
      });
    }
    return fill(T.problem, { name: item.name, message: problem.message });
  }

  return { state, setOffline, loadPending, setLastOk, restoreRoster, loadRoster, refreshStats, submitScan, scanText,
    enqueueWork, flush };
}
