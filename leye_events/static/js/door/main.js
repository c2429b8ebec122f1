/* The door page: camera scanner, manual look-up, typed code, image upload, walk-ins, undo, and an
   offline mode that decides from the downloaded roster and uploads its queue when the network is back.
   Every answer comes from the API's check-in endpoints when online (with this page's login session);
   offline, the roster (hashes of ticket codes, never the codes) stands in until the queue is uploaded.
   This module wires the parts together: queue.js, roster.js, scanner.js, verdict.js, net.js. */
import { Offline, createClient, errorText } from "./net.js";
import { OfflineQueue } from "./queue.js";
import { Roster, currentSessionId, decideOffline, sessionOpen } from "./roster.js";
import { createScanner } from "./scanner.js";
import { adoptLegacyQueue, idbStore } from "./storage.js";
import { fill, hhmm, localIso, newNonce, randomHex, rosterTime, sha256hex } from "./util.js";
import { createSound, createVerdictView } from "./verdict.js";

const GATE_KEY = "leye.door.gate";
const DEVICE_KEY = "leye.door.device";

const $ = (id) => document.getElementById(id);

function readJson(id) {
  const node = $(id);
  try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
}

function storageGet(key) {
  try { return window.localStorage.getItem(key) || ""; } catch (e) { return ""; }
}

function storageSet(key, value) {
  try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
}

function start(config) {
  const T = config.text;
  const urls = config.urls;
  // The server's clock, as far as this device can tell (a phone's clock may be wrong).
  const clockSkew = (config.serverNow || Date.now()) - Date.now();
  const serverNow = () => Date.now() + clockSkew;
  const net = createClient({
    csrfToken: (document.querySelector('meta[name="csrf-token"]') || {}).content || "",
    tokenUrl: urls.token,
  });
  const sound = createSound(window);
  const VT = readJson("door-verdict-texts");
  const view = createVerdictView({ doc: document, T, VT, labels: config.labels, sound });
  const rosters = idbStore("leye-door-rosters", "rosters");
  const queue = new OfflineQueue({
    store: idbStore("leye-door-queue", "queue"),
    eventId: config.eventId,
    upload: (scans) => net.request(urls.batch, { method: "POST", json: { scans } }),
  });
  const scanner = createScanner({
    video: $("door-video"),
    onScan: (text) => scanText(text, "qr"),
    onProblem: (kind) => {
      const words = { denied: [VT.cameraDenied, VT.cameraDeniedHelp], missing: [VT.noCamera, VT.noCameraHelp],
        busy: [VT.cameraBusy, VT.cameraBusyHelp] }[kind] || [T.cameraError, ""];
      view.show("bad", words[0] || T.cameraError, words[1] || "");
    },
  });

  const state = {
    sessionId: null,
    followedSessionId: config.sessionId, // the session the page last chose by itself
    gate: "",
    device: "",
    roster: null,
    offline: !navigator.onLine,
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

  /** Scans run one after another, so the queue and the counts never race. */
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

  // --- camera --------------------------------------------------------------------------------

  function renderWhere() {
    const option = $("door-session").selectedOptions[0];
    $("door-where").textContent = fill(T.scanning, {
      session: option && option.value ? option.textContent : T.noSession,
      gate: state.gate || T.noGate,
    });
  }

  function startCamera() {
    $("door-scanner").hidden = false;
    document.body.classList.add("door-scanning");
    renderWhere();
    return scanner.start();
  }

  function stopCamera() {
    view.hide();
    scanner.stop();
    $("door-scanner").hidden = true;
    document.body.classList.remove("door-scanning");
  }

  // --- manual look-up, walk-in, undo ---------------------------------------------------------

  async function search(query) {
    const list = $("door-search-results");
    const note = $("door-search-note");
    list.textContent = "";
    query = query.trim();
    if (!query || (/^\d+$/.test(query) && query.length < 4)) { note.textContent = T.searchShort; return; }
    let r;
    try {
      r = await net.request(urls.search + "?q=" + encodeURIComponent(query));
    } catch (e) {
      if (e instanceof Offline) { setOffline(true); note.textContent = T.searchOffline; return; }
      throw e;
    }
    if (!r.ok) { note.textContent = errorText(r, T); return; }
    note.textContent = r.data.results.length ? "" : T.searchEmpty;
    const sid = String(state.sessionId);
    r.data.results.forEach((row) => {
      const li = document.createElement("li");
      li.className = "door-search-row";
      const who = document.createElement("span");
      who.textContent = [row.attendee.name, row.attendee.phone, row.status_label].filter(Boolean).join(" · ");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small button-primary";
      button.textContent = row.checked_in && row.checked_in[sid] ? T.checkedIn : T.checkIn;
      button.dataset.registrationId = row.registration_id;
      button.addEventListener("click", () => enqueueWork(async () => {
        await submitScan({ registration_id: row.registration_id });
        await search(query);
      }));
      li.append(who, button);
      list.append(li);
    });
  }

  async function walkIn(form) {
    const error = $("door-walkin-error");
    error.hidden = true;
    const data = new FormData(form);
    await net.refreshToken(); // the form's own token may be stale (page left open, logged in again)
    data.set("csrf_token", net.token());
    data.set("session_id", state.sessionId || "");
    data.set("gate", state.gate);
    data.set("device", state.device);
    let r;
    try {
      r = await net.request(urls.walkIn, { method: "POST", form: data });
    } catch (e) {
      if (e instanceof Offline) { setOffline(true); error.textContent = T.searchOffline; error.hidden = false; return; }
      throw e;
    }
    if (!r.ok) { error.textContent = errorText(r, T); error.hidden = false; return; }
    view.showOutcome(r.data, false);
    if (r.data.result === "ok") setLastOk({ checkinId: r.data.checkin_id, name: r.data.attendee ? r.data.attendee.name : "" });
    form.reset();
    refreshStats();
    loadRoster();
  }

  async function undoLast() {
    const last = state.lastOk;
    if (!last || !window.confirm(fill(T.undoConfirm, { name: last.name || "" }))) return;
    if (last.nonce && !last.checkinId) {
      await queue.remove(last.nonce);
      view.renderNet(state.offline, queue.pending.length);
    } else {
      let r;
      try {
        r = await net.request(urls.checkins + "/" + encodeURIComponent(last.checkinId) + "/undo", { method: "POST", json: {} });
      } catch (e) {
        if (e instanceof Offline) { setOffline(true); view.show("bad", T.undoOffline, ""); return; }
        throw e;
      }
      if (!r.ok) { view.show("bad", errorText(r, T), ""); return; }
      await loadRoster();
    }
    setLastOk(null);
    view.show("info", T.undone, last.name || "");
    refreshStats();
  }

  // --- the session ---------------------------------------------------------------------------

  /** When the running session changes (the next module starts), the page switches to it and says so.
      A session the volunteer picked by hand stays until the next change. */
  function followSession() {
    const id = currentSessionId(config, serverNow());
    if (id === null || id === state.followedSessionId) return;
    state.followedSessionId = id;
    if (id === state.sessionId) return;
    const select = $("door-session");
    if (!Array.from(select.options).some((o) => o.value === String(id))) return;
    select.value = String(id);
    const blank = Array.from(select.options).find((o) => o.value === "");
    if (blank) blank.remove();
    readSetup();
    renderWhere();
    refreshStats();
    view.show("info", T.sessionSwitched, select.selectedOptions[0].textContent);
  }

  function readSetup() {
    const raw = $("door-session").value;
    state.sessionId = raw ? parseInt(raw, 10) : null;
    state.gate = $("door-gate").value.trim().slice(0, 64);
    storageSet(GATE_KEY, state.gate);
  }

  // --- wiring --------------------------------------------------------------------------------

  function wire() {
    $("door-session").addEventListener("change", () => { readSetup(); renderWhere(); refreshStats(); });
    $("door-gate").addEventListener("change", readSetup);
    $("door-start").addEventListener("click", () => { readSetup(); sound.unlock(); startCamera(); });
    $("door-result").addEventListener("click", (e) => { if (!e.target.closest("button")) view.hide(); });
    $("door-stop").addEventListener("click", stopCamera);
    $("door-undo").addEventListener("click", () => enqueueWork(undoLast));
    $("door-code-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sound.unlock();
      const input = $("door-code");
      const text = input.value;
      input.value = "";
      if (text.trim()) scanText(text, "manual");
    });
    $("door-search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sound.unlock();
      enqueueWork(() => search($("door-search-q").value));
    });
    $("door-image").addEventListener("change", async (event) => {
      const file = event.target.files && event.target.files[0];
      event.target.value = "";
      if (!file) return;
      sound.unlock();
      let text;
      try { text = await scanner.scanImage(file); } catch (e) { view.show("bad", T.imageNoCode, ""); return; }
      scanText(text, "qr");
    });
    $("door-walkin-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sound.unlock();
      enqueueWork(() => walkIn(event.target));
    });

    window.addEventListener("online", () => { setOffline(false); enqueueWork(flush); });
    window.addEventListener("offline", () => { setOffline(true); refreshStats(); });
    setInterval(() => { if (queue.pending.length && navigator.onLine) enqueueWork(flush); }, 15000);
    setInterval(() => { if (!state.offline) loadRoster(); }, 60000);
    setInterval(followSession, 20000);
    // Leaving the page (or putting it in the back/forward cache) releases the camera.
    window.addEventListener("pagehide", stopCamera);
  }

  async function init() {
    state.device = storageGet(DEVICE_KEY);
    if (!state.device) { state.device = "web-" + randomHex(6); storageSet(DEVICE_KEY, state.device); }
    $("door-gate").value = storageGet(GATE_KEY);
    readSetup();
    wire();
    if ("serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register(urls.serviceWorker, { scope: "/door/" }).catch(() => {});
    }
    try {
      const saved = await rosters.get(config.eventId);
      if (saved && !state.roster) useRoster(saved.data, saved.fetchedAt);
    } catch (e) { /* no saved roster */ }
    await adoptLegacyQueue(queue.store);
    await loadPending();
    await enqueueWork(async () => {
      await loadRoster();
      if (!state.offline && queue.pending.length) await flush();
      await refreshStats();
    });
  }

  init();
}

const root = document.getElementById("door");
if (root) start(readJson("door-config"));
