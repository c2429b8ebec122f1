/* The door's manual tools: look-up by name or phone tail (a tap checks the person in), walk-in
   registration (the page's own form endpoint), and undo of the last check-in. */
import { Offline, errorText } from "./net.js";
import { fill } from "./util.js";

/**
 * @param door  from checkin.createCheckIn (its state and operations)
 * @param queue the OfflineQueue (undo of a scan still queued removes it there)
 */
export function createTools({ config, door, net, view, queue, doc = globalThis.document }) {
  const T = config.text;
  const urls = config.urls;
  const $ = (id) => doc.getElementById(id);
  const { state, submitScan, enqueueWork, setOffline, setLastOk, refreshStats, loadRoster } = door;

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
      const li = doc.createElement("li");
      li.className = "door-search-row";
      const who = doc.createElement("span");
      who.textContent = [row.attendee.name, row.attendee.phone, row.status_label].filter(Boolean).join(" · ");
      const button = doc.createElement("button");
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
    if (!last || !globalThis.confirm(fill(T.undoConfirm, { name: last.name || "" }))) return;
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

  return { search, walkIn, undoLast };
}
