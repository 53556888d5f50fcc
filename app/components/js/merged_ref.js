import { useCallback } from "react";

// Reflex hands a component given an `id` a ref of its own (React 19 passes it as a prop): the element
// must reach both that ref and the component's.
export function useMergedRef(own, outer) {
  return useCallback(
    (node) => {
      own.current = node;
      if (typeof outer === "function") outer(node);
      else if (outer) outer.current = node;
    },
    [own, outer],
  );
}
