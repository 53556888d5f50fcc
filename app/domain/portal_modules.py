"""The reserved area's modules: which exist, where they live, and which a user may see."""

from __future__ import annotations

from app.domain.errors import DomainError

# Every module a portal profile can list, in the default order.
MODULES: dict[str, str] = {
    "interventions": "/portal/interventions",
    "contracts": "/portal/contracts",
    "reports": "/portal/reports",
    "my_data": "/portal/my-data",
    "consents": "/portal/consents",
    "reminders": "/portal/reminders",
    "support": "/portal/support",
}
DEFAULT_PROFILE_CODE = "DEFAULT"
# Modules that need a right on the access as well as a place in the profile.
NEEDS_RIGHT = {"contracts": "may_see_contracts"}


def clean_modules(raw: object) -> tuple[str, ...]:
    """An ordered list of known modules, each once; refuses anything else."""
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list | tuple) or not raw:
        raise DomainError({"modules": "profiles.err.modules"})
    cleaned = []
    for module in raw:
        if not isinstance(module, str) or module not in MODULES:
            raise DomainError({"modules": "profiles.err.modules"})
        if module not in cleaned:
            cleaned.append(module)
    return tuple(cleaned)


def visible_modules(profile_modules: tuple[str, ...], rights: dict[str, bool]) -> list[str]:
    """The profile's modules in its order, without those the user lacks the right for."""
    return [m for m in profile_modules if m in MODULES and rights.get(NEEDS_RIGHT.get(m, ""), True)]
