from app.domain.vocabularies import VOCABULARIES, CustomerKind, MovementGroup, MovementKind, TicketStatus
from app.i18n import t


def test_parse_takes_only_members():
    assert CustomerKind.parse("private") is CustomerKind.PRIVATE
    for bad in ("Private", "", None, ["private"], {"private": 1}, 1, "all"):
        assert CustomerKind.parse(bad) is None
    assert TicketStatus.parse("closed") == "closed"


def test_every_movement_kind_falls_in_a_group_and_every_group_has_kinds():
    grouped = {kind for group in MovementGroup for kind in MovementKind.of_group(group)}
    assert grouped == set(MovementKind.values())
    assert all(MovementKind.of_group(group) for group in MovementGroup)
    assert MovementKind.ATTACHMENT_ADDED.group is MovementGroup.DOCUMENT


def test_every_member_has_a_label_in_both_languages():
    for vocabulary in VOCABULARIES:
        for member in vocabulary:
            for lang in ("it", "en"):
                label = t(member.label_key, lang)
                assert label.strip() and label != member.label_key, (member, lang)
