// The browser's copy of a form being filled in, kept in localStorage so that a lost connection or a
// reload does not lose what a technician typed or the customer signed. One JSON object per draft key:
//   {v: 1, token, fields: {name: value | [values]}, signatures: {name: {dataUrl, points, width}}, savedAt}
// The Python side (app/components/draft_form.py) clears drafts with a self-contained script in the same
// format, so that it works on pages where this module was never loaded: keep both in step.

export const INDEX_KEY = "draft-keeper:keys";
export const CLEARED_EVENT = "draft-keeper:cleared";

function storage() {
  try {
    return window.localStorage;
  } catch {
    // Storage can be disabled by the browser's privacy settings: the form then works without drafts.
    return null;
  }
}

export function readDraft(key) {
  const store = storage();
  if (!key || !store) return null;
  try {
    const draft = JSON.parse(store.getItem(key) ?? "null");
    return draft && draft.v === 1 ? draft : null;
  } catch {
    return null;
  }
}

function remember(store, key) {
  try {
    const keys = JSON.parse(store.getItem(INDEX_KEY) ?? "[]");
    if (Array.isArray(keys) && !keys.includes(key)) {
      keys.push(key);
      store.setItem(INDEX_KEY, JSON.stringify(keys));
    }
  } catch {
    store.setItem(INDEX_KEY, JSON.stringify([key]));
  }
}

export function updateDraft(key, change) {
  const store = storage();
  if (!key || !store) return null;
  const draft = readDraft(key) ?? { v: 1, token: "", fields: {}, signatures: {} };
  draft.fields ??= {};
  draft.signatures ??= {};
  change(draft);
  draft.savedAt = new Date().toISOString();
  try {
    store.setItem(key, JSON.stringify(draft));
    remember(store, key);
  } catch (error) {
    // A full storage must not break typing: the form still submits, only the safety copy is missing.
    console.warn("draft not saved", key, error);
  }
  return draft;
}

export function newToken() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  // randomUUID exists only in secure contexts; a plain-http address on the office network has none.
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The token is written at once, before anything is typed: a sheet submitted untouched, then the page
// reloaded and submitted again, must still carry the same token.
export function ensureToken(key) {
  const existing = readDraft(key)?.token;
  if (existing) return existing;
  const token = newToken();
  updateDraft(key, (draft) => {
    draft.token = token;
  });
  return readDraft(key)?.token || token;
}
