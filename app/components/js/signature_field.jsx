import React, { useCallback, useEffect, useRef, useState } from "react";
import SignaturePad from "signature_pad";
import { Button } from "@radix-ui/themes";
import { readDraft, updateDraft } from "./draft_store.js";
import { useMergedRef } from "./merged_ref.js";

// Strokes are kept as points, not only as the PNG, so that a resize or a restore redraws them sharp at
// the new size instead of stretching a bitmap.
function scaled(groups, factor) {
  if (factor === 1) return groups;
  return groups.map((group) => ({
    ...group,
    minWidth: group.minWidth * factor,
    maxWidth: group.maxWidth * factor,
    dotSize: group.dotSize * factor,
    points: group.points.map((p) => ({ ...p, x: p.x * factor, y: p.y * factor })),
  }));
}

export function SignatureField({
  name = "signature",
  draftKey,
  clearLabel = "Clear",
  label = "Signature",
  aspectRatio = 2,
  penColor = "#0b1b3f",
  disabled = false,
  onEmptyChange,
  ref,
  ...rest
}) {
  const outerRef = useRef(null);
  const setOuter = useMergedRef(outerRef, ref);
  const boxRef = useRef(null);
  const canvasRef = useRef(null);
  const padRef = useRef(null);
  const widthRef = useRef(0);
  const reported = useRef(null);
  const [dataUrl, setDataUrl] = useState("");
  const [empty, setEmpty] = useState(true);
  const latest = useRef({});
  latest.current = { name, draftKey, onEmptyChange, aspectRatio };

  const report = useCallback((isEmpty) => {
    setEmpty(isEmpty);
    if (reported.current !== isEmpty) {
      reported.current = isEmpty;
      latest.current.onEmptyChange?.(isEmpty);
    }
  }, []);

  const persist = useCallback(() => {
    const pad = padRef.current;
    if (!pad) return;
    const isEmpty = pad.isEmpty();
    const url = isEmpty ? "" : pad.toDataURL("image/png");
    setDataUrl(url);
    const { draftKey: key, name: field } = latest.current;
    if (key) {
      updateDraft(key, (draft) => {
        if (isEmpty) delete draft.signatures[field];
        else draft.signatures[field] = { dataUrl: url, points: pad.toData(), width: widthRef.current };
      });
    }
    report(isEmpty);
  }, [report]);

  const fit = useCallback(() => {
    const box = boxRef.current;
    const canvas = canvasRef.current;
    const pad = padRef.current;
    if (!box || !canvas || !pad) return;
    const width = Math.floor(box.clientWidth);
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    if (!width || (width === widthRef.current && canvas.width === Math.round(width * ratio))) return;
    const height = Math.round(width / (Number(latest.current.aspectRatio) || 2));
    const strokes = pad.toData();
    const before = widthRef.current;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.getContext("2d").scale(ratio, ratio);
    widthRef.current = width;
    pad.clear();
    if (strokes.length) pad.fromData(scaled(strokes, before ? width / before : 1));
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    const pad = new SignaturePad(canvas, { penColor, minWidth: 0.8, maxWidth: 2.6 });
    padRef.current = pad;
    fit();
    const { draftKey: key, name: field } = latest.current;
    const saved = key ? readDraft(key)?.signatures?.[field] : null;
    if (saved?.points?.length) {
      // Mounted hidden (a closed tab) the pad has no width yet: it keeps the drawing's own scale until
      // the first fit gives it one.
      if (!widthRef.current) widthRef.current = saved.width || 0;
      pad.fromData(scaled(saved.points, saved.width ? widthRef.current / saved.width : 1));
      persist();
    } else {
      report(true);
    }
    pad.addEventListener("endStroke", persist);
    const observer = new ResizeObserver(() => fit());
    observer.observe(boxRef.current);
    return () => {
      observer.disconnect();
      pad.removeEventListener("endStroke", persist);
      pad.off();
      padRef.current = null;
    };
    // The pad is built once; later prop changes are read through `latest`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const pad = padRef.current;
    if (!pad) return;
    pad.penColor = penColor;
    if (disabled) pad.off();
    else pad.on();
  }, [disabled, penColor]);

  const clear = () => {
    padRef.current?.clear();
    persist();
  };

  return (
    <div {...rest} ref={setOuter} data-empty={empty ? "true" : "false"}>
      <div
        ref={boxRef}
        style={{
          position: "relative",
          width: "100%",
          // A sheet of paper in both themes: the ink is dark and so is the PNG's stroke on the printed sheet.
          background: "#ffffff",
          border: "1px solid var(--gray-a7)",
          borderRadius: "var(--radius-3)",
          overflow: "hidden",
          opacity: disabled ? 0.7 : 1,
        }}
      >
        <canvas
          ref={canvasRef}
          role="img"
          aria-label={label}
          style={{ display: "block", touchAction: "none", cursor: disabled ? "default" : "crosshair" }}
        />
        <div
          aria-hidden="true"
          style={{
            position: "absolute",
            left: "6%",
            right: "6%",
            bottom: "22%",
            borderBottom: "1px dashed #a3acbf",
            pointerEvents: "none",
          }}
        />
      </div>
      <div style={{ display: "flex", justifyContent: "flex-end", marginTop: "var(--space-2)" }}>
        <Button type="button" size="2" variant="soft" color="gray" onClick={clear} disabled={disabled || empty}>
          {clearLabel}
        </Button>
      </div>
      <input type="hidden" name={name} value={dataUrl} />
    </div>
  );
}
