/* The door page: camera scanner, manual look-up, typed code, image upload, walk-ins, undo, and an
   offline mode that decides from the downloaded roster and uploads its queue when the network is back.
   This module only builds the parts and wires them to the page:
     checkin.js  the scan flow (online through the API, offline through roster and queue)
     queue.js    the offline queue        roster.js  the roster, offline verdicts, the session rule
     scanner.js  the camera               verdict.js the verdict view, sound, counts, problems
     tools.js    search, walk-in, undo    net.js     requests (session + CSRF)    storage.js IndexedDB */
import { createCheckIn } from "./checkin.js";
import { createClient } from "./net.js";
import { OfflineQueue } from "./queue.js";
import { currentSessionId } from "./roster.js";
import { createScanner } from "./scanner.js";
import { adoptLegacyQueue, idbStore } from "./storage.js";
import { createTools } from "./tools.js";
import { fill, randomHex } from "./util.js";
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
  const queue = new OfflineQueue({
    store: idbStore("leye-door-queue", "queue"),
    eventId: config.eventId,
    upload: (scans) => net.request(urls.batch, { method: "POST", json: { scans } }),
  });
  const door = createCheckIn({ config, net, view, queue, rosters: idbStore("leye-door-rosters", "rosters"), serverNow });
  const { state, setOffline, loadPending, restoreRoster, loadRoster, refreshStats, scanText, enqueueWork, flush } = door;
  const { search, walkIn, undoLast } = createTools({ config, door, net, view, queue });
  const scanner = createScanner({
    video: $("door-video"),
    onScan: (text) => scanText(text, "qr"),
    onProblem: (kind) => {
      const words = { denied: [VT.cameraDenied, VT.cameraDeniedHelp], missing: [VT.noCamera, VT.noCameraHelp],
        busy: [VT.cameraBusy, VT.cameraBusyHelp] }[kind] || [T.cameraError, ""];
      view.show("bad", words[0] || T.cameraError, words[1] || "");
    },
  });
  let followedSessionId = config.sessionId; // the session the page last chose by itself

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

  // --- the session ---------------------------------------------------------------------------

  /** When the running session changes (the next module starts), the page switches to it and says so.
      A session the volunteer picked by hand stays until the next change. */
  function followSession() {
    const id = currentSessionId(config, serverNow());
    if (id === null || id === followedSessionId) return;
    followedSessionId = id;
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
    await restoreRoster();
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
