/* The door page: camera scanner, manual look-up, typed code, image upload, walk-ins, undo, and an
   offline mode that decides from the downloaded roster and uploads its queue when the network is back.
   Every answer comes from the server's check-in operation when online; offline, the roster (SHA-256
   hashes of ticket codes, never the codes) stands in until the queue is uploaded. */
(function () {
  "use strict";

  const root = document.getElementById("door");
  if (!root) return;
  const config = JSON.parse(document.getElementById("door-config").textContent);
  const T = config.text;
  const urls = config.urls;
  const $ = (id) => document.getElementById(id);
  const REPEAT_MS = 2000; // the camera sees the same code many times a second
  const TIMEOUT_MS = 8000; // a request that hangs this long counts as offline
  const GATE_KEY = "leye.door.gate";
  const DEVICE_KEY = "leye.door.device";
  const TICKET_IN_TEXT = /\/tickets\/([A-Za-z0-9_-]{10,64})/;
  const BARE_CODE = /^[A-Za-z0-9_-]{10,64}$/;

  let csrfToken = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // The server's clock, as far as this device can tell (a phone's clock may be wrong).
  const clockSkew = (config.serverNow || Date.now()) - Date.now();
  const serverNow = () => Date.now() + clockSkew;

  const state = {
    sessionId: null,
    followedSessionId: config.sessionId, // the session the page last chose by itself
    rosterFetchedAt: 0,
    rosterEvent: null,
    gate: "",
    device: "",
    roster: null, // Map code_hash -> entry
    rosterConfirmed: 0,
    offline: !navigator.onLine,
    pending: [],
    flushing: false,
    recent: null, // {text, at}: the repeat-scan guard
    lastOk: null, // {checkinId} or {nonce} (queued offline), for undo
    busy: Promise.resolve(),
  };

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
  }

  function storageGet(key) {
    try { return window.localStorage.getItem(key) || ""; } catch (e) { return ""; }
  }

  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }

  // --- ids, times, hashes ----------------------------------------------------------------------

  function randomHex(bytes) {
    const buffer = new Uint8Array(bytes);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(buffer);
    } else {
      for (let i = 0; i < bytes; i++) buffer[i] = Math.floor(Math.random() * 256);
    }
    return Array.from(buffer, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function newNonce() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const h = randomHex(16);
    return [h.slice(0, 8), h.slice(8, 12), "4" + h.slice(13, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function pad(n) { return String(Math.floor(Math.abs(n))).padStart(2, "0"); }

  /** The device's time as ISO 8601 with its offset, e.g. 2026-12-03T14:02:11+08:00. */
  function localIso(d) {
    const offset = -d.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) +
      ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + sign + pad(offset / 60) + ":" + pad(offset % 60);
  }

  /** "14:02" from an ISO time as the server sends it (already in Shanghai time). */
  function hhmm(iso) {
    const m = /T(\d{2}:\d{2})/.exec(iso || "");
    return m ? m[1] : "";
  }

  async function sha256hex(text) {
    if (window.isSecureContext && window.crypto && window.crypto.subtle) {
      const digest = await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
      return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    }
    return window.sha256(text); // vendored js-sha256 where crypto.subtle is missing (plain HTTP)
  }

  function extractCode(text) {
    text = (text || "").trim();
    const found = TICKET_IN_TEXT.exec(text);
    if (found) return found[1];
    return BARE_CODE.test(text) ? text : "";
  }

  // --- IndexedDB: the offline queue and the last roster (in memory where IndexedDB is missing) ---

  const store = (function () {
    let opening = null;
    const memory = { queue: new Map(), rosters: new Map() };
    const keys = { queue: "nonce", rosters: "eventId" };

    function open() {
      if (!opening) {
        opening = new Promise((resolve) => {
          if (!window.indexedDB) { resolve(null); return; }
          let request;
          try { request = window.indexedDB.open("leye-door", 1); } catch (e) { resolve(null); return; }
          request.onupgradeneeded = () => {
            const db = request.result;
            db.createObjectStore("queue", { keyPath: "nonce" });
            db.createObjectStore("rosters", { keyPath: "eventId" });
          };
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => resolve(null);
        });
      }
      return opening;
    }

    async function run(name, mode, action) {
      const db = await open();
      if (!db) {
        const map = memory[name];
        return action({
          put: (value) => map.set(value[keys[name]], value),
          get: (key) => map.get(key),
          getAll: () => Array.from(map.values()),
          delete: (key) => map.delete(key),
        }, true);
      }
      return new Promise((resolve, reject) => {
        const tx = db.transaction(name, mode);
        let result;
        const request = action(tx.objectStore(name), false);
        if (request) request.onsuccess = () => { result = request.result; };
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    }

    return {
      put: (name, value) => run(name, "readwrite", (s) => s.put(value)),
      get: (name, key) => run(name, "readonly", (s) => s.get(key)),
      all: (name) => run(name, "readonly", (s) => s.getAll()),
      remove: (name, key) => run(name, "readwrite", (s) => s.delete(key)),
    };
  })();

  async function loadPending() {
    const all = (await store.all("queue")) || [];
    state.pending = all.filter((item) => item.event_id === config.eventId)
      .sort((a, b) => (a.queued_at || 0) - (b.queued_at || 0));
    renderNet();
    return state.pending;
  }

  // --- the network ---------------------------------------------------------------------------

  class Offline extends Error {}

  async function request(url, options) {
    options = options || {};
    const method = options.method || "GET";
    const headers = { Accept: "application/json" };
    let body;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    }
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
    const controller = window.AbortController ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), TIMEOUT_MS) : null;
    let response;
    try {
      response = await fetch(url, {
        method, headers, body, credentials: "same-origin", cache: "no-store",
        signal: controller ? controller.signal : undefined,
      });
    } catch (e) {
      throw new Offline(String(e)); // a network error (or a hang), never an HTTP status
    } finally {
      if (timer) clearTimeout(timer);
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (method !== "GET" && response.status === 400 && data === null && !options.retried) {
      // Most likely an expired CSRF token (a page reloaded from the cache): fetch a fresh one, once.
      if (await refreshToken()) return request(url, Object.assign({}, options, { retried: true }));
    }
    return { ok: response.ok, status: response.status, data };
  }

  async function refreshToken() {
    try {
      const r = await request(urls.token);
      if (r.ok && r.data && r.data.csrf_token) { csrfToken = r.data.csrf_token; return true; }
    } catch (e) { /* offline */ }
    return false;
  }

  function errorText(r) {
    if (r.status === 401) return T.loginAgain;
    if (r.data && r.data.error && r.data.error.message) return r.data.error.message;
    return fill(T.serverError, { status: r.status });
  }

  function setOffline(offline) {
    state.offline = offline;
    renderNet();
  }

  // --- showing results -------------------------------------------------------------------------

  let audio = null;

  function unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      if (!audio) audio = new Context();
      if (audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
  }

  function beep(tone) {
    if (!audio) return;
    const notes = tone === "ok" ? [[880, 0, 0.12]] : tone === "warn" ? [[660, 0, 0.1], [660, 0.18, 0.1]] : [[220, 0, 0.45]];
    try {
      notes.forEach(([frequency, at, length]) => {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = "square";
        oscillator.frequency.value = frequency;
        gain.gain.value = 0.08;
        oscillator.connect(gain);
        gain.connect(audio.destination);
        const start = audio.currentTime + at;
        oscillator.start(start);
        oscillator.stop(start + length);
      });
    } catch (e) { /* no sound is fine */ }
  }

  function vibrate(tone) {
    if (!navigator.vibrate) return;
    try { navigator.vibrate(tone === "ok" ? 80 : tone === "warn" ? [80, 60, 80] : [300]); } catch (e) { /* ignore */ }
  }

  // The verdict, read at arm's length: while scanning it covers the screen in its colour (green / amber /
  // red) with the name large, stays for a moment (longer for a problem), then the camera view is back.
  // A tap dismisses it at once. The amber and red ones wait for the admit-anyway button when it shows.
  const HOLD_MS = { ok: 1600, warn: 2800, bad: 3600, info: 1800 };
  const VT = readVerdictTexts();
  let verdictTimer = null;

  function readVerdictTexts() {
    const node = document.getElementById("door-verdict-texts");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function hideVerdict() {
    clearTimeout(verdictTimer);
    verdictTimer = null;
    document.body.classList.remove("door-verdict-open");
  }

  function show(tone, title, detail, name) {
    $("door-admit-anyway").hidden = true;
    const box = $("door-result");
    box.dataset.tone = tone;
    $("door-result-title").textContent = title;
    $("door-result-name").textContent = name || "";
    $("door-result-detail").textContent = detail || "";
    box.hidden = false;
    renderUndo();
    if (tone === "ok" || tone === "warn" || tone === "bad") { beep(tone); vibrate(tone); }
    clearTimeout(verdictTimer);
    if (document.body.classList.contains("door-scanning")) {
      document.body.classList.add("door-verdict-open");
      verdictTimer = setTimeout(() => {
        if ($("door-admit-anyway").hidden) hideVerdict();
      }, HOLD_MS[tone] || HOLD_MS.info);
    }
  }

  function renderUndo() {
    const button = $("door-undo");
    const last = state.lastOk;
    if (!VT.undoWhat) return;
    button.textContent = last ? fill(VT.undoWhat, { name: last.name || VT.unnamed }) : VT.undoNothing;
  }

  function attendeeText(attendee) {
    if (!attendee) return "";
    return attendee.walk_in ? T.walkIn : "";
  }

  function wrongTicketText(outcome) {
    const other = outcome.ticket_event;
    if (!other || !VT.wrongTicket) return "";
    return fill(VT.wrongTicket, { title: other.title, station: other.station });
  }

  function showOutcome(outcome, offline) {
    const attendee = outcome.attendee;
    const name = attendee ? attendee.name : "";
    const note = offline ? T.offlineNote : "";
    if (outcome.result === "ok") {
      show("ok", T.ok, [attendeeText(attendee), note].filter(Boolean).join(" — "), name);
    } else if (outcome.result === "already_checked_in") {
      const title = fill(T.already, { time: hhmm(outcome.first_checked_in_at), gate: outcome.first_gate || T.noGate });
      show("warn", title, [attendeeText(attendee), note].filter(Boolean).join(" — "), name);
    } else if (outcome.result === "wrong_event") {
      show("bad", outcome.message || config.labels.wrong_event, wrongTicketText(outcome), "");
    } else {
      show("bad", outcome.message || config.labels[outcome.result] || outcome.result, attendeeText(attendee), name);
    }
  }

  function renderNet() {
    const net = $("door-net");
    const n = state.pending.length;
    let text = "";
    if (state.offline) text = n ? fill(T.pendingOffline, { n }) : T.offline;
    else if (n) text = fill(T.pendingOnline, { n });
    net.textContent = text;
    net.hidden = !text;
    net.dataset.offline = state.offline ? "1" : "0";
    root.classList.toggle("is-offline", state.offline);
  }

  function renderCount(checkedIn, confirmed) {
    $("door-count").textContent = fill(T.count, { n: checkedIn, m: confirmed });
  }

  function addProblem(text) {
    const li = document.createElement("li");
    li.textContent = text;
    $("door-problem-list").prepend(li);
    $("door-problems").hidden = false;
  }

  // --- roster and counts -----------------------------------------------------------------------

  function useRoster(data, fetchedAt) {
    const map = new Map();
    (data.entries || []).forEach((entry) => map.set(entry.code_hash, entry));
    state.roster = map;
    state.rosterConfirmed = data.confirmed || 0;
    state.rosterFetchedAt = fetchedAt;
    state.rosterEvent = data.event || null;
    $("door-roster").textContent = fill(T.rosterLoaded, { n: map.size, time: rosterTime(fetchedAt) });
  }

  async function loadRoster() {
    try {
      const r = await request(urls.roster);
      if (!r.ok) return;
      const fetchedAt = Date.now();
      useRoster(r.data, fetchedAt);
      await store.put("rosters", { eventId: config.eventId, data: r.data, fetchedAt });
      setOffline(false);
    } catch (e) {
      if (e instanceof Offline) setOffline(true);
    }
  }

  function localCount() {
    const sid = String(state.sessionId);
    let n = 0;
    if (state.roster) state.roster.forEach((entry) => { if (entry.checked_in && entry.checked_in[sid]) n++; });
    n += state.pending.filter((item) => String(item.session_id) === sid).length;
    return n;
  }

  async function refreshStats() {
    if (!state.sessionId) return;
    try {
      if (state.offline) throw new Offline("offline");
      const r = await request(urls.stats + "?session_id=" + encodeURIComponent(state.sessionId));
      const sid = String(state.sessionId);
      const waiting = state.pending.filter((item) => String(item.session_id) === sid).length;
      if (r.ok) renderCount(r.data.checked_in + waiting, r.data.confirmed);
    } catch (e) {
      if (e instanceof Offline) renderCount(localCount(), state.rosterConfirmed);
    }
  }

  function markInRoster(outcome) {
    if (!state.roster || !outcome.registration_id) return;
    state.roster.forEach((entry) => {
      if (entry.registration_id === outcome.registration_id) {
        entry.checked_in = entry.checked_in || {};
        entry.checked_in[String(outcome.session_id)] = outcome.checked_in_at || outcome.scanned_at;
      }
    });
  }

  // --- scanning --------------------------------------------------------------------------------

  function scanBody(extra) {
    return Object.assign({
      session_id: state.sessionId, gate: state.gate, device: state.device,
      nonce: newNonce(), scanned_at: localIso(new Date()),
    }, extra);
  }

  async function decideOffline(body) {
    const code = extractCode(body.code);
    if (!code) { show("bad", config.labels.unknown_code, T.notATicket); return; }
    if (!state.roster) { show("bad", T.noRoster, ""); return; }
    if (state.rosterEvent && state.rosterEvent.status === "cancelled") { show("bad", config.labels.event_cancelled, ""); return; }
    const session = sessionById(state.sessionId);
    const now = serverNow();
    if (session && !(session.starts - config.opensBefore <= now && now <= session.ends + config.closesAfter)) {
      show("bad", config.labels.not_open, T.offlineNote);
      return;
    }
    const hash = await sha256hex(code);
    const entry = state.roster.get(hash);
    const sid = String(state.sessionId);
    if (!entry) {
      // Registered (or re-issued) after the roster was downloaded? Staff look at the ticket and decide.
      const queued = await findQueued(hash, sid);
      if (queued) {
        showOutcome({ result: "already_checked_in", first_checked_in_at: queued.scanned_at, first_gate: queued.gate }, true);
        return;
      }
      show("bad", T.notInRoster, fill(T.rosterAge, { time: rosterTime(state.rosterFetchedAt) }));
      offerAdmitAnyway(body, hash);
      return;
    }
    const attendee = { name: entry.name, walk_in: entry.walk_in };
    if (entry.status === "cancelled" || entry.status === "waitlisted") {
      showOutcome({ result: entry.status, message: config.labels[entry.status], attendee }, true);
      return;
    }
    if (entry.checked_in && entry.checked_in[sid]) {
      showOutcome({ result: "already_checked_in", first_checked_in_at: entry.checked_in[sid], first_gate: "", attendee }, true);
      return;
    }
    const queued = await findQueued(hash, sid);
    if (queued) {
      showOutcome({ result: "already_checked_in", first_checked_in_at: queued.scanned_at, first_gate: queued.gate, attendee }, true);
      return;
    }
    await queueOffline(body, hash, entry.name);
    showOutcome({ result: "ok", attendee }, true);
    renderCount(localCount(), state.rosterConfirmed);
  }

  async function findQueued(hash, sid) {
    await loadPending();
    return state.pending.find((item) => item.code_hash === hash && String(item.session_id) === sid);
  }

  async function queueOffline(body, hash, name) {
    const item = Object.assign({}, body, {
      event_id: config.eventId, code_hash: hash, name, queued_at: Date.now(),
    });
    await store.put("queue", item);
    await loadPending();
    state.lastOk = { nonce: item.nonce, name };
    $("door-undo").disabled = false; renderUndo();
  }

  /** A ticket missing from the roster: one tap admits it and queues it; the upload then checks it. */
  function offerAdmitAnyway(body, hash) {
    const button = $("door-admit-anyway");
    button.hidden = false;
    button.onclick = () => enqueueWork(async () => {
      button.hidden = true;
      hideVerdict();
      const code = extractCode(body.code);
      await queueOffline(body, hash, T.unknownPerson + " …" + code.slice(-4));
      show("warn", T.admittedUnchecked, T.offlineNote);
      renderCount(localCount(), state.rosterConfirmed);
    });
  }

  function rosterTime(fetchedAt) {
    if (!fetchedAt) return "";
    const d = new Date(fetchedAt);
    const iso = localIso(d);
    const sameDay = new Date().toDateString() === d.toDateString();
    return (sameDay ? "" : iso.slice(5, 10) + " ") + hhmm(iso);
  }

  async function submitScan(extra) {
    if (!state.sessionId) { show("bad", T.noSession, ""); return; }
    const body = scanBody(extra);
    if (!state.offline && state.pending.length) await flush();
    if (state.offline && body.code !== undefined) { await decideOffline(body); return; }
    try {
      const r = await request(urls.scan, { method: "POST", json: body });
      setOffline(false);
      if (!r.ok) { show("bad", errorText(r), ""); return; }
      showOutcome(r.data, false);
      if (r.data.result === "ok") {
        state.lastOk = { checkinId: r.data.checkin_id, name: r.data.attendee ? r.data.attendee.name : "" };
        $("door-undo").disabled = false; renderUndo();
        markInRoster(r.data);
      }
      refreshStats();
    } catch (e) {
      if (!(e instanceof Offline)) throw e;
      setOffline(true);
      if (body.code !== undefined) await decideOffline(body); // same nonce: a late answer is not counted twice
      else show("bad", T.searchOffline, "");
    }
  }

  /** Scans run one after another, so the queue and the counts never race. */
  function enqueueWork(work) {
    state.busy = state.busy.then(work).catch((e) => { show("bad", String(e && e.message ? e.message : e), ""); });
    return state.busy;
  }

  function scanText(text, method) {
    return enqueueWork(() => submitScan({ code: text, method }));
  }

  function onDecoded(text) {
    const now = Date.now();
    if (state.recent && state.recent.text === text && now - state.recent.at < REPEAT_MS) {
      state.recent.at = now; // still in front of the camera: keep ignoring it
      return;
    }
    state.recent = { text, at: now };
    scanText(text, "qr");
  }

  // --- offline queue upload --------------------------------------------------------------------

  async function flush() {
    if (state.flushing) return;
    state.flushing = true;
    try {
      const items = await loadPending();
      if (!items.length) return;
      await refreshToken();
      const scans = items.slice(0, 500).map((item) => ({
        code: item.code, session_id: item.session_id, gate: item.gate, device: item.device,
        nonce: item.nonce, scanned_at: item.scanned_at,
      }));
      const r = await request(urls.batch, { method: "POST", json: { scans } });
      setOffline(false);
      if (!r.ok) {
        if (r.status === 401) addProblem(T.loginAgain);
        return;
      }
      const results = (r.data && r.data.results) || [];
      for (let i = 0; i < results.length; i++) {
        const answer = results[i];
        const item = items[i];
        if (answer.error && answer.status >= 500) continue; // keep it for the next try
        await store.remove("queue", item.nonce);
        if (answer.conflict) {
          addProblem(fill(T.conflict, {
            name: item.name, gate: item.gate || T.noGate,
            time: hhmm(answer.first_checked_in_at), first: answer.first_gate || T.noGate,
          }));
        } else if (answer.error) {
          addProblem(fill(T.problem, { name: item.name, message: answer.error.message }));
        } else if (answer.result !== "ok" && answer.result !== "already_checked_in") {
          addProblem(fill(T.problem, { name: item.name, message: answer.message }));
        }
        if (state.lastOk && state.lastOk.nonce === item.nonce) {
          state.lastOk = answer.result === "ok" ? { checkinId: answer.checkin_id, name: item.name } : null;
          renderUndo();
        }
      }
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

  // --- camera ----------------------------------------------------------------------------------

  let scanner = null;

  async function startCamera() {
    $("door-scanner").hidden = false;
    document.body.classList.add("door-scanning");
    renderWhere();
    if (!window.QrScanner) { show("bad", T.cameraError, ""); return; }
    if (!scanner) {
      scanner = new window.QrScanner($("door-video"), (result) => onDecoded(result.data), {
        returnDetailedScanResult: true,
        preferredCamera: "environment",
        maxScansPerSecond: 8,
        onDecodeError: () => {},
      });
    }
    try {
      await scanner.start();
    } catch (e) {
      const problem = cameraErrorKind(e) ? e : await probeCamera(e);
      show("bad", cameraErrorText(problem), cameraErrorHelp(problem));
    }
  }

  /** What went wrong with the camera, in words a volunteer can act on (permission vs no camera). */
  function cameraErrorKind(e) {
    const name = String((e && e.name) || e || "");
    if (/NotAllowed|Permission|Security/i.test(name)) return "denied";
    if (/NotFound|Overconstrained|DevicesNotFound|no camera/i.test(name)) return "missing";
    if (/NotReadable|TrackStart|AbortError/i.test(name)) return "busy";
    return "";
  }

  /** qr-scanner reports every failure as "Camera not found.": ask the browser once more for the reason. */
  async function probeCamera(original) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return { name: "NotFoundError" };
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      stream.getTracks().forEach((track) => track.stop());
      return original;
    } catch (e) {
      return e;
    }
  }

  function cameraErrorText(e) {
    const kind = cameraErrorKind(e);
    return ({ denied: VT.cameraDenied, missing: VT.noCamera, busy: VT.cameraBusy })[kind] || T.cameraError;
  }

  function cameraErrorHelp(e) {
    const kind = cameraErrorKind(e);
    return ({ denied: VT.cameraDeniedHelp, missing: VT.noCameraHelp, busy: VT.cameraBusyHelp })[kind] || "";
  }

  function renderWhere() {
    const option = $("door-session").selectedOptions[0];
    $("door-where").textContent = fill(T.scanning, {
      session: option && option.value ? option.textContent : T.noSession,
      gate: state.gate || T.noGate,
    });
  }

  function stopCamera() {
    hideVerdict();
    if (scanner) scanner.stop();
    $("door-scanner").hidden = true;
    document.body.classList.remove("door-scanning");
  }

  // --- manual look-up, typed code, image, walk-in, undo ----------------------------------------

  async function search(query) {
    const list = $("door-search-results");
    const note = $("door-search-note");
    list.textContent = "";
    query = query.trim();
    if (!query || (/^\d+$/.test(query) && query.length < 4)) { note.textContent = T.searchShort; return; }
    let r;
    try {
      r = await request(urls.search + "?q=" + encodeURIComponent(query));
    } catch (e) {
      if (e instanceof Offline) { setOffline(true); note.textContent = T.searchOffline; return; }
      throw e;
    }
    if (!r.ok) { note.textContent = errorText(r); return; }
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
      const inAlready = row.checked_in && row.checked_in[sid];
      button.textContent = inAlready ? T.checkedIn : T.checkIn;
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
    await refreshToken(); // the form's own token may be stale (page left open, logged in again)
    data.set("csrf_token", csrfToken);
    data.set("session_id", state.sessionId || "");
    data.set("gate", state.gate);
    data.set("device", state.device);
    let r;
    try {
      r = await request(urls.walkIn, { method: "POST", form: data });
    } catch (e) {
      if (e instanceof Offline) { setOffline(true); error.textContent = T.searchOffline; error.hidden = false; return; }
      throw e;
    }
    if (!r.ok) { error.textContent = errorText(r); error.hidden = false; return; }
    showOutcome(r.data, false);
    if (r.data.result === "ok") {
      state.lastOk = { checkinId: r.data.checkin_id, name: r.data.attendee ? r.data.attendee.name : "" };
      $("door-undo").disabled = false; renderUndo();
    }
    form.reset();
    refreshStats();
    loadRoster();
  }

  async function undoLast() {
    const last = state.lastOk;
    if (!last || !window.confirm(fill(T.undoConfirm, { name: last.name || "" }))) return;
    if (last.nonce && !last.checkinId) {
      await store.remove("queue", last.nonce);
      await loadPending();
    } else {
      let r;
      try {
        r = await request(urls.undo, { method: "POST", json: { checkin_id: last.checkinId } });
      } catch (e) {
        if (e instanceof Offline) { setOffline(true); show("bad", T.undoOffline, ""); return; }
        throw e;
      }
      if (!r.ok) { show("bad", errorText(r), ""); return; }
      await loadRoster();
    }
    state.lastOk = null;
    $("door-undo").disabled = true; renderUndo();
    show("info", T.undone, last.name || "");
    refreshStats();
  }

  // --- the session ---------------------------------------------------------------------------

  function sessionById(id) {
    return (config.sessions || []).find((s) => s.id === id) || null;
  }

  /** The same rule as the server's current_session: running now, else next to start, else last ended. */
  function currentSessionId(now) {
    const sessions = config.sessions || [];
    const open = sessions.filter((s) => s.starts - config.opensBefore <= now && now <= s.ends + config.closesAfter);
    const running = open.filter((s) => s.starts <= now && now <= s.ends);
    const pick = (list, better) => list.reduce((a, b) => (a === null || better(b, a) ? b : a), null);
    if (running.length) return pick(running, (b, a) => b.starts > a.starts || (b.starts === a.starts && b.id > a.id)).id;
    const upcoming = open.filter((s) => s.starts > now);
    if (upcoming.length) return pick(upcoming, (b, a) => b.starts < a.starts || (b.starts === a.starts && b.id < a.id)).id;
    if (open.length) return pick(open, (b, a) => b.ends > a.ends || (b.ends === a.ends && b.id > a.id)).id;
    return sessions.length === 1 ? sessions[0].id : null;
  }

  /** When the running session changes (the next module starts), the page switches to it and says so.
      A session the volunteer picked by hand stays until the next change. */
  function followSession() {
    const id = currentSessionId(serverNow());
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
    show("info", T.sessionSwitched, select.selectedOptions[0].textContent);
  }

  // --- wiring ----------------------------------------------------------------------------------

  function readSetup() {
    const raw = $("door-session").value;
    state.sessionId = raw ? parseInt(raw, 10) : null;
    state.gate = $("door-gate").value.trim().slice(0, 64);
    storageSet(GATE_KEY, state.gate);
  }

  function init() {
    state.device = storageGet(DEVICE_KEY);
    if (!state.device) { state.device = "web-" + randomHex(6); storageSet(DEVICE_KEY, state.device); }
    $("door-gate").value = storageGet(GATE_KEY);
    readSetup();

    $("door-session").addEventListener("change", () => { readSetup(); renderWhere(); refreshStats(); });
    $("door-gate").addEventListener("change", readSetup);
    $("door-start").addEventListener("click", () => { readSetup(); unlockAudio(); startCamera(); });
    $("door-result").addEventListener("click", (e) => { if (!e.target.closest("button")) hideVerdict(); });
    $("door-stop").addEventListener("click", stopCamera);
    $("door-undo").addEventListener("click", () => enqueueWork(undoLast));
    $("door-code-form").addEventListener("submit", (event) => {
      event.preventDefault();
      unlockAudio();
      const input = $("door-code");
      const text = input.value;
      input.value = "";
      if (text.trim()) scanText(text, "manual");
    });
    $("door-search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      unlockAudio();
      enqueueWork(() => search($("door-search-q").value));
    });
    $("door-image").addEventListener("change", async (event) => {
      const file = event.target.files && event.target.files[0];
      event.target.value = "";
      if (!file) return;
      unlockAudio();
      try {
        const result = await window.QrScanner.scanImage(file, { returnDetailedScanResult: true });
        scanText(result.data, "qr");
      } catch (e) {
        show("bad", T.imageNoCode, "");
      }
    });
    $("door-walkin-form").addEventListener("submit", (event) => {
      event.preventDefault();
      unlockAudio();
      enqueueWork(() => walkIn(event.target));
    });

    window.addEventListener("online", () => { setOffline(false); enqueueWork(flush); });
    window.addEventListener("offline", () => { setOffline(true); refreshStats(); });
    setInterval(() => {
      if (state.pending.length && navigator.onLine) enqueueWork(flush);
    }, 15000);
    setInterval(() => { if (!state.offline) loadRoster(); }, 60000);
    setInterval(followSession, 20000);
    // Leaving the page (or putting it in the back/forward cache) releases the camera.
    window.addEventListener("pagehide", stopCamera);

    if ("serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register(urls.serviceWorker, { scope: "/door/" }).catch(() => {});
    }

    store.get("rosters", config.eventId).then((saved) => {
      if (saved && !state.roster) useRoster(saved.data, saved.fetchedAt);
    }).catch(() => {}).then(loadPending).then(() => {
      renderNet();
      return enqueueWork(async () => {
        await loadRoster();
        if (!state.offline && state.pending.length) await flush();
        await refreshStats();
      });
    });
  }

  init();
})();
