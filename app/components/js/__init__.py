"""The project's own React modules behind the wrapped components (calendar, signature, drafts).

They are linked into the frontend's public folder together, so that they can import each other by a
relative path; each wrapper names its module by the stem of its file (MODULES["planning_calendar"]).
File names are read from the folder rather than written here: in app/components a dotted literal is
taken for a message key.
"""

from __future__ import annotations

from pathlib import Path

import reflex as rx

FILES = tuple(sorted(p.name for p in Path(__file__).parent.iterdir() if p.suffix in {".js", ".jsx", ".css"}))

MODULES: dict[str, str] = {Path(name).stem: rx.asset(name, shared=True).importable_path for name in FILES}
