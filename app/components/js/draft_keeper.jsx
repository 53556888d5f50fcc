import React, { useEffect, useRef, useState } from "react";
import { CLEARED_EVENT, ensureToken, readDraft, updateDraft } from "./draft_store.js";
import { useMergedRef } from "./merged_ref.js";

// Hidden inputs belong to their components (the signature, the token); Radix selects, checkboxes and
// switches submit through an aria-hidden native twin whose value the visible control would not follow.
const SKIPPED_TYPES = new Set(["hidden", "file", "password", "submit", "button", "reset", "image"]);

const CONTROL = "input[name], textarea[name], select[name]";

function controls(root) {
  return [...root.querySelectorAll(CONTROL)].filter(
    (el) =>
      el.name &&
      !SKIPPED_TYPES.has(el.type) &&
      el.getAttribute("aria-hidden") !== "true" &&
      !el.closest("[data-draft-skip]"),
  );
}

function byName(root) {
  const groups = new Map();
  for (const el of controls(root)) {
    if (!groups.has(el.name)) groups.set(el.name, []);
    groups.get(el.name).push(el);
  }
  return groups;
}

function valueOf(el) {
  if (el.type === "checkbox") return el.checked;
  if (el.tagName === "SELECT" && el.multiple) return [...el.selectedOptions].map((o) => o.value);
  return el.value;
}

function snapshot(root) {
  const fields = {};
  for (const [name, els] of byName(root)) {
    if (els.every((el) => el.type === "radio")) {
      fields[name] = els.find((el) => el.checked)?.value ?? null;
    } else {
      const values = els.map(valueOf);
      fields[name] = values.length === 1 ? values[0] : values;
    }
  }
  return fields;
}

// Through the prototype's setter React notices the change, so a controlled input's on_change reaches
// the state as if typed, and an uncontrolled one (default_value) simply shows the text.
function setValue(el, value) {
  if (el.type === "checkbox") {
    if (el.checked !== Boolean(value)) el.click();
    return;
  }
  if (el.type === "radio") {
    if (value === el.value && !el.checked) el.click();
    return;
  }
  if (el.tagName === "SELECT" && el.multiple) {
    const wanted = new Set(Array.isArray(value) ? value : [value]);
    for (const option of el.options) option.selected = wanted.has(option.value);
    el.dispatchEvent(new Event("change", { bubbles: true }));
    return;
  }
  const text = value == null ? "" : String(value);
  if (el.value === text) return;
  const proto = Object.getPrototypeOf(el);
  const setter = Object.getOwnPropertyDescriptor(proto, "value")?.set;
  if (setter) setter.call(el, text);
  else el.value = text;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

export function DraftKeeper({ draftKey, tokenName = "client_token", onRestore, children, ref, ...rest }) {
  const rootRef = useRef(null);
  const setRoot = useMergedRef(rootRef, ref);
  const [token, setToken] = useState(() => (draftKey ? ensureToken(draftKey) : ""));
  // Fields of the draft that no control has shown yet (a material line the page renders later): kept in
  // every save until their control appears, then it owns the value.
  const unseen = useRef({});
  const seen = useRef(new WeakSet());
  const onRestoreRef = useRef(onRestore);
  onRestoreRef.current = onRestore;

  useEffect(() => {
    const root = rootRef.current;
    if (!root || !draftKey) return undefined;
    const current = ensureToken(draftKey);
    setToken(current);
    const initial = readDraft(draftKey) ?? { fields: {} };
    unseen.current = { ...(initial.fields ?? {}) };
    seen.current = new WeakSet();
    let cleared = false;
    let pending = false;

    const save = () => {
      pending = false;
      if (cleared) return;
      const fields = { ...unseen.current, ...snapshot(root) };
      updateDraft(draftKey, (draft) => {
        draft.token = draft.token || current;
        draft.fields = fields;
      });
    };
    const scheduleSave = () => {
      cleared = false;
      if (!pending) {
        pending = true;
        queueMicrotask(save);
      }
    };
    const restoreNew = () => {
      const fields = readDraft(draftKey)?.fields ?? {};
      for (const [name, els] of byName(root)) {
        const fresh = els.filter((el) => !seen.current.has(el));
        if (!fresh.length) continue;
        fresh.forEach((el) => seen.current.add(el));
        delete unseen.current[name];
        if (!(name in fields)) continue;
        const value = fields[name];
        els.forEach((el, i) => {
          if (!fresh.includes(el)) return;
          if (el.type === "radio" || !Array.isArray(value) || (el.tagName === "SELECT" && el.multiple)) {
            setValue(el, value);
          } else if (i < value.length) {
            setValue(el, value[i]);
          }
        });
      }
    };

    restoreNew();
    const fields = initial.fields ?? {};
    onRestoreRef.current?.({
      restored: Object.keys(fields).length > 0,
      fields,
      token: current,
      saved_at: initial.savedAt ?? null,
    });

    const onInput = () => scheduleSave();
    root.addEventListener("input", onInput);
    root.addEventListener("change", onInput);
    // The page renders its fields when the state arrives, and rows come and go: new controls get their
    // draft value, removed ones leave the draft. A render alone saves nothing: it would turn the page's
    // own values into a draft that later covers newer ones from the server.
    const observer = new MutationObserver((mutations) => {
      restoreNew();
      const removed = mutations.some((m) =>
        [...m.removedNodes].some((n) => n.nodeType === 1 && (n.matches(CONTROL) || n.querySelector(CONTROL))),
      );
      const typed = Object.keys(readDraft(draftKey)?.fields ?? {}).length > 0;
      if (removed && typed && !cleared) scheduleSave();
    });
    observer.observe(root, { childList: true, subtree: true });
    const onCleared = (event) => {
      if (event.detail?.key !== draftKey) return;
      cleared = true;
      unseen.current = {};
    };
    window.addEventListener(CLEARED_EVENT, onCleared);
    return () => {
      observer.disconnect();
      root.removeEventListener("input", onInput);
      root.removeEventListener("change", onInput);
      window.removeEventListener(CLEARED_EVENT, onCleared);
    };
  }, [draftKey]);

  return (
    <div {...rest} ref={setRoot} data-draft-key={draftKey}>
      {children}
      <input type="hidden" name={tokenName} value={token} />
    </div>
  );
}
