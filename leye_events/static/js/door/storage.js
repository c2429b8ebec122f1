/* Where the door keeps its offline queue and last roster: IndexedDB through idb-keyval, or memory where
   IndexedDB is missing or broken (private mode). Every store has the same four async methods, so the
   queue and the roster logic run on an in-memory store in tests. */
import { createStore, del, get, promisifyRequest, set, values } from "../../vendor/idb-keyval/idb-keyval.js";

/** A key-value store in memory: ``get``, ``set``, ``del``, ``values``. */
export function memoryStore() {
  const map = new Map();
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => { map.set(key, value); },
    del: async (key) => { map.delete(key); },
    values: async () => Array.from(map.values()),
  };
}

/** An IndexedDB store (one database per store, as idb-keyval wants); memory from its first failure. */
export function idbStore(dbName, storeName, indexedDB = globalThis.indexedDB) {
  if (!indexedDB) return memoryStore();
  const custom = createStore(dbName, storeName);
  const memory = memoryStore();
  let broken = false;
  const guarded = (name, operation) => async (...args) => {
    if (!broken) {
      try { return await operation(...args); } catch (e) { broken = true; }
    }
    return memory[name](...args);
  };
  return {
    get: guarded("get", (key) => get(key, custom)),
    set: guarded("set", (key, value) => set(key, value, custom)),
    del: guarded("del", (key) => del(key, custom)),
    values: guarded("values", () => values(custom)),
  };
}

/** Scans queued by the page before it used idb-keyval (database "leye-door", store "queue" keyed by
    nonce): moved into ``queue`` once, so an update never loses a check-in made offline. */
export async function adoptLegacyQueue(queue, indexedDB = globalThis.indexedDB) {
  if (!indexedDB || !indexedDB.databases) return 0;
  try {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes("leye-door")) return 0;
    const db = await promisifyRequest(indexedDB.open("leye-door"));
    let items = [];
    if (db.objectStoreNames.contains("queue")) {
      items = await promisifyRequest(db.transaction("queue", "readonly").objectStore("queue").getAll());
    }
    db.close();
    for (const item of items) {
      if (item && item.nonce && !(await queue.get(item.nonce))) await queue.set(item.nonce, item);
    }
    indexedDB.deleteDatabase("leye-door"); // not awaited: another open tab may block it for a while
    return items.length;
  } catch (e) {
    return 0; // nothing to adopt, or a browser that will not tell: the old database stays
  }
}
