"""The project's own React modules behind the wrapped components (calendar, signature, drafts).

They are linked into the frontend's public folder together, so that they can import each other by a
relative path, and each wrapper names its module by the path returned here.
"""

from __future__ import annotations

import reflex as rx

FILES = (
    "draft_store.js",
    "draft_keeper.jsx",
    "signature_field.jsx",
    "planning_calendar.jsx",
    "planning_calendar.css",
)

MODULES: dict[str, str] = {name: rx.asset(name, shared=True).importable_path for name in FILES}
