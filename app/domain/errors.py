"""The one error type a rule raises. Messages are catalog keys, translated by whoever shows them."""

from __future__ import annotations

from app.i18n import N_


class DomainError(Exception):
    """A rule refused the request. `errors` maps a form field (or "" for the whole form) to a message key."""

    def __init__(self, errors: dict[str, str] | str, **params: object) -> None:
        self.errors = {"": errors} if isinstance(errors, str) else dict(errors)
        self.params = params
        super().__init__(", ".join(f"{k or 'form'}: {v}" for k, v in self.errors.items()))

    @property
    def message_key(self) -> str:
        return next(iter(self.errors.values()))


class NotSignedIn(DomainError):
    """No valid session: the caller must sign in again."""

    def __init__(self) -> None:
        super().__init__(N_("auth.signed_out"))


class Forbidden(DomainError):
    """The caller is signed in but this is not theirs to do or see."""

    def __init__(self) -> None:
        super().__init__(N_("auth.forbidden"))
