/* The verdict view, read at arm's length: while scanning it covers the screen in its colour (green /
   amber / red) with the name large, stays for a moment (longer for a problem), then the camera view is
   back; a tap dismisses it at once. Amber and red wait while the admit-anyway button shows. Also the
   sound and vibration, the network bar, the live count, the upload problems and the undo button. */
import { fill, hhmm } from "./util.js";

const HOLD_MS = { ok: 1600, warn: 2800, bad: 3600, info: 1800 };

/** Beeps through Web Audio, unlocked by a tap (browsers refuse sound before one). */
export function createSound(win = globalThis) {
  let audio = null;
  return {
    unlock() {
      const Context = win.AudioContext || win.webkitAudioContext;
      if (!Context) return;
      try {
        if (!audio) audio = new Context();
        if (audio.state === "suspended") audio.resume();
      } catch (e) { audio = null; }
    },
    beep(tone) {
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
    },
    vibrate(tone) {
      const nav = win.navigator;
      if (!nav || !nav.vibrate) return;
      try { nav.vibrate(tone === "ok" ? 80 : tone === "warn" ? [80, 60, 80] : [300]); } catch (e) { /* ignore */ }
    },
  };
}

/**
 * @param doc    the document
 * @param T      the page's texts (config.text), VT the verdict texts, labels the result labels
 * @param sound  from createSound
 */
export function createVerdictView({ doc, T, VT, labels, sound }) {
  const $ = (id) => doc.getElementById(id);
  const body = doc.body;
  let timer = null;

  function hide() {
    clearTimeout(timer);
    timer = null;
    body.classList.remove("door-verdict-open");
  }

  function show(tone, title, detail, name) {
    $("door-admit-anyway").hidden = true;
    const box = $("door-result");
    box.dataset.tone = tone;
    $("door-result-title").textContent = title;
    $("door-result-name").textContent = name || "";
    $("door-result-detail").textContent = detail || "";
    box.hidden = false;
    if (tone === "ok" || tone === "warn" || tone === "bad") { sound.beep(tone); sound.vibrate(tone); }
    clearTimeout(timer);
    if (body.classList.contains("door-scanning")) {
      body.classList.add("door-verdict-open");
      timer = setTimeout(() => { if ($("door-admit-anyway").hidden) hide(); }, HOLD_MS[tone] || HOLD_MS.info);
    }
  }

  function attendeeText(attendee) {
    return attendee && attendee.walk_in ? T.walkIn : "";
  }

  function wrongTicketText(outcome) {
    const other = outcome.ticket_event;
    if (!other || !VT.wrongTicket) return "";
    return fill(VT.wrongTicket, { title: other.title, station: other.station });
  }

  /** An answer of POST /checkins (or an offline verdict in the same shape). */
  function showOutcome(outcome, offline) {
    const attendee = outcome.attendee;
    const name = attendee ? attendee.name : "";
    const detail = [attendeeText(attendee), offline ? T.offlineNote : ""].filter(Boolean).join(" — ");
    if (outcome.result === "ok") {
      show("ok", T.ok, detail, name);
    } else if (outcome.result === "already_checked_in") {
      show("warn", fill(T.already, { time: hhmm(outcome.first_checked_in_at), gate: outcome.first_gate || T.noGate }), detail, name);
    } else if (outcome.result === "wrong_event") {
      show("bad", outcome.message || labels.wrong_event, wrongTicketText(outcome), "");
    } else {
      show("bad", outcome.message || labels[outcome.result] || outcome.result, attendeeText(attendee), name);
    }
  }

  /** A button under the verdict that admits a ticket missing from the roster; ``onAdmit`` runs on a tap. */
  function offerAdmitAnyway(onAdmit) {
    const button = $("door-admit-anyway");
    button.hidden = false;
    button.onclick = () => { button.hidden = true; hide(); onAdmit(); };
  }

  function renderNet(offline, pending) {
    const net = $("door-net");
    let text = "";
    if (offline) text = pending ? fill(T.pendingOffline, { n: pending }) : T.offline;
    else if (pending) text = fill(T.pendingOnline, { n: pending });
    net.textContent = text;
    net.hidden = !text;
    net.dataset.offline = offline ? "1" : "0";
    $("door").classList.toggle("is-offline", offline);
  }

  function renderCount(checkedIn, confirmed) {
    $("door-count").textContent = fill(T.count, { n: checkedIn, m: confirmed });
  }

  function addProblem(text) {
    const li = doc.createElement("li");
    li.textContent = text;
    $("door-problem-list").prepend(li);
    $("door-problems").hidden = false;
  }

  /** The undo button names whom it would undo (``last``: {name} or null). */
  function renderUndo(last) {
    const button = $("door-undo");
    button.disabled = !last;
    if (!VT.undoWhat) return;
    button.textContent = last ? fill(VT.undoWhat, { name: last.name || VT.unnamed }) : VT.undoNothing;
  }

  return { show, hide, showOutcome, offerAdmitAnyway, renderNet, renderCount, addProblem, renderUndo };
}
