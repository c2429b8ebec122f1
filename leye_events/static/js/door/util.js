/* Small pure helpers of the door page: texts, times, ids, ticket codes and their hashes. */

const TICKET_IN_TEXT = /\/tickets\/([A-Za-z0-9_-]{10,64})/;
const BARE_CODE = /^[A-Za-z0-9_-]{10,64}$/;

/** "{name} …" placeholders filled from ``values``; unknown ones stay as they are. */
export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
}

function pad(n) { return String(Math.floor(Math.abs(n))).padStart(2, "0"); }

/** The device's time as ISO 8601 with its offset, e.g. 2026-12-03T14:02:11+08:00. */
export function localIso(d) {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) +
    ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + sign + pad(offset / 60) + ":" + pad(offset % 60);
}

/** "14:02" from an ISO time as the server sends it (already in Shanghai time). */
export function hhmm(iso) {
  const m = /T(\d{2}:\d{2})/.exec(iso || "");
  return m ? m[1] : "";
}

/** When the roster was downloaded: "14:02" today, "12-03 14:02" another day. */
export function rosterTime(fetchedAt, now = new Date()) {
  if (!fetchedAt) return "";
  const d = new Date(fetchedAt);
  const iso = localIso(d);
  const sameDay = now.toDateString() === d.toDateString();
  return (sameDay ? "" : iso.slice(5, 10) + " ") + hhmm(iso);
}

export function randomHex(bytes) {
  const buffer = new Uint8Array(bytes);
  const crypto = globalThis.crypto;
  if (crypto && crypto.getRandomValues) {
    crypto.getRandomValues(buffer);
  } else {
    for (let i = 0; i < bytes; i++) buffer[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(buffer, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A UUID v4: the idempotency key of one scan (the server answers a repeated nonce as before). */
export function newNonce() {
  const crypto = globalThis.crypto;
  if (crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const h = randomHex(16);
  return [h.slice(0, 8), h.slice(8, 12), "4" + h.slice(13, 16), h.slice(16, 20), h.slice(20)].join("-");
}

/** The ticket code in a scanned text (a ticket URL or the bare code); "" when it is not one of ours. */
export function extractCode(text) {
  text = (text || "").trim();
  const found = TICKET_IN_TEXT.exec(text);
  if (found) return found[1];
  return BARE_CODE.test(text) ? text : "";
}

/** The hex SHA-256 of a text, as the roster holds ticket codes. */
export async function sha256hex(text) {
  const crypto = globalThis.crypto;
  if (globalThis.isSecureContext !== false && crypto && crypto.subtle) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return globalThis.sha256(text); // vendored js-sha256 where crypto.subtle is missing (plain HTTP)
}
