/* Requests of the door page: JSON with the login session's cookie and its CSRF token on writes (the
   API's check-in endpoints take either that or a bearer token). A network error or a hang is thrown as
   ``Offline``; an HTTP answer, whatever its status, is returned as {ok, status, data}. */

export class Offline extends Error {}

const TIMEOUT_MS = 8000; // a request that hangs this long counts as offline

/**
 * @param csrfToken the page's token (it may be stale: a page reloaded from the service worker's cache)
 * @param tokenUrl  GET -> {csrf_token}: a fresh token for this session
 * @param fetch     injected for tests
 */
export function createClient({ csrfToken, tokenUrl, fetch = globalThis.fetch.bind(globalThis), timeoutMs = TIMEOUT_MS }) {
  let token = csrfToken || "";

  async function request(url, options = {}) {
    const method = options.method || "GET";
    const headers = { Accept: "application/json" };
    let body;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    }
    if (method !== "GET") headers["X-CSRFToken"] = token;
    const controller = globalThis.AbortController ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : null;
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
    if (method !== "GET" && response.status === 400 && staleToken(data) && !options.retried) {
      // An expired CSRF token (a page reloaded from the cache): fetch a fresh one, once.
      if (await refreshToken()) return request(url, { ...options, retried: true });
    }
    return { ok: response.ok, status: response.status, data };
  }

  async function refreshToken() {
    try {
      const r = await request(tokenUrl);
      if (r.ok && r.data && r.data.csrf_token) { token = r.data.csrf_token; return true; }
    } catch (e) { /* offline */ }
    return false;
  }

  return { request, refreshToken, token: () => token };
}

/** The API says ``csrf_failed``; a page's form endpoint answers Flask-WTF's HTML 400 (no JSON). */
function staleToken(data) {
  return data === null || Boolean(data.error && data.error.code === "csrf_failed");
}

/** The message of a failed answer, for people. */
export function errorText(r, T) {
  if (r.status === 401) return T.loginAgain;
  if (r.data && r.data.error && r.data.error.message) return r.data.error.message;
  return String(T.serverError).replace("{status}", r.status);
}
