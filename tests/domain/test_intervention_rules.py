import base64
import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image, ImageDraw

from app.domain import interventions as rules
from app.domain.errors import DomainError
from app.domain.inputs import InterventionInput, parse_ids
from app.domain.vocabularies import InterventionStatus as S


def _png(draw: bool, background=(0, 0, 0, 0)) -> str:
    image = Image.new("RGBA", (100, 50), background)
    if draw:
        ImageDraw.Draw(image).line([(5, 40), (95, 5)], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_status_moves_only_forward():
    assert S.PLANNED.may_become(S.IN_PROGRESS) and S.IN_PROGRESS.may_become(S.CLOSED)
    assert S.PLANNED.may_become(S.CANCELLED) and S.IN_PROGRESS.may_become(S.CANCELLED)
    assert not S.PLANNED.may_become(S.CLOSED)
    assert not S.CLOSED.may_become(S.CANCELLED) and not S.CANCELLED.may_become(S.PLANNED)
    assert not S.IN_PROGRESS.may_become(S.PLANNED)


def test_local_times_are_read_in_rome_with_both_clock_changes():
    summer, _ = InterventionInput.read({"starts_at": "2026-07-01T09:00"})
    assert summer.starts_at == datetime(2026, 7, 1, 7, tzinfo=UTC)
    winter, _ = InterventionInput.read({"starts_at": "2026-12-01T09:00"})
    assert winter.starts_at == datetime(2026, 12, 1, 8, tzinfo=UTC)
    ambiguous, _ = InterventionInput.read({"starts_at": "2026-10-25T02:30"})
    assert ambiguous.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30, summer time
    _, errors = InterventionInput.read({"starts_at": "2026-03-29T02:30"})
    assert errors == {"starts_at": "form.err.time_skipped"}
    offset, _ = InterventionInput.read({"starts_at": "2026-12-01T09:00:00+01:00"})
    assert offset.starts_at == datetime(2026, 12, 1, 8, tzinfo=UTC)
    _, errors = InterventionInput.read({"starts_at": "domani alle 9"})
    assert errors == {"starts_at": "form.err.time"}


def test_ids_from_a_form_or_a_list():
    assert parse_ids("3, 5,3") == (3, 5)
    assert parse_ids([7, "8"]) == (7, 8)
    _, errors = InterventionInput.read({"technician_ids": ["1 OR 1=1"]})
    assert errors == {"technician_ids": "form.err.value"}


def test_times_need_an_end_after_the_start_and_a_sensible_length():
    start = datetime(2026, 12, 1, 8, tzinfo=UTC)
    errors: dict = {}
    rules.check_times(start, start, errors)
    assert errors == {"ends_at": "interventions.err.ends_before_start"}
    errors = {}
    rules.check_times(start, start + timedelta(days=15), errors)
    assert errors == {"ends_at": "interventions.err.too_long"}
    assert rules.overlaps(start, start + timedelta(hours=2), start + timedelta(hours=1), start + timedelta(hours=3))
    assert not rules.overlaps(start, start + timedelta(hours=2), start + timedelta(hours=2), start + timedelta(hours=3))


def test_a_signature_must_be_a_png_with_ink():
    assert rules.decode_signature(_png(True)).startswith(b"\x89PNG")
    for bad, key in ((_png(False), "signature_empty"), (_png(False, (255, 255, 255, 255)), "signature_empty"),
                     ("data:image/png;base64,!!!", "signature_invalid"),
                     ("data:image/png;base64," + base64.b64encode(b"GIF89a").decode(), "signature_invalid"),
                     ("", "signature_missing"), (None, "signature_missing")):
        with pytest.raises(DomainError) as refused:
            rules.decode_signature(bad)
        assert refused.value.errors == {"signature": f"interventions.err.{key}"}


def test_the_sheet_digest_covers_every_line_and_the_signature():
    base = rules.sheet_digest(["a", "b"], b"sig")
    assert base != rules.sheet_digest(["a", "c"], b"sig")
    assert base != rules.sheet_digest(["a", "b"], b"other")
    assert base == rules.sheet_digest(["a", "b"], b"sig") and len(base) == 64


def test_only_the_reminder_that_still_makes_sense_is_due():
    offsets = rules.parse_offsets("7, 30,x,0")
    assert offsets == (30, 7)
    visit = datetime(2027, 1, 20, 8, tzinfo=UTC)
    assert rules.due_offset(visit, visit - timedelta(days=31), offsets) is None
    assert rules.due_offset(visit, visit - timedelta(days=30), offsets) == 30
    assert rules.due_offset(visit, visit - timedelta(days=8), offsets) == 30
    assert rules.due_offset(visit, visit - timedelta(days=7), offsets) == 7
    assert rules.due_offset(visit, visit - timedelta(hours=1), offsets) == 7
    assert rules.due_offset(visit, visit, offsets) is None
