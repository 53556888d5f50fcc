"""The wrapped React components: their npm packages pinned, their modules linked and named, their props
and triggers compiled, and the draft storage's rules run in Node where it is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import reflex as rx

from app.components import calendar, draft_form, signature_pad
from app.components.js import FILES, MODULES

JS_DIR = Path(calendar.__file__).parent / "js"
PINNED = re.compile(r"^(@[a-z0-9_.-]+/)?[a-z0-9_.-]+@\d+\.\d+\.\d+$")
# Packages the app already installs at exact versions (reflex.lock): used by the modules, not added by them.
APP_PACKAGES = {"react", "@radix-ui/themes"}
COMPONENTS = [calendar.PlanningCalendar, signature_pad.SignatureField, draft_form.DraftKeeper]


def _package(spec: str) -> str:
    """'@fullcalendar/core/locales/it' -> '@fullcalendar/core'; 'luxon@3.7.2' -> 'luxon'."""
    parts = spec.split("/")
    name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
    return name[0] + name[1:].split("@")[0]


def _log(arg):  # noqa: ANN001, ANN202
    return rx.console_log(arg)


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_every_npm_package_is_pinned_to_an_exact_version(component):
    for spec in component.create().lib_dependencies:
        assert PINNED.match(spec), spec


def test_the_fullcalendar_packages_share_one_version():
    versions = {spec.rsplit("@", 1)[1] for spec in calendar.NPM_PACKAGES if spec.startswith("@fullcalendar/")}
    assert versions == {calendar.FULLCALENDAR}
    assert {_package(spec) for spec in calendar.NPM_PACKAGES} >= {
        "@fullcalendar/react", "@fullcalendar/core", "@fullcalendar/daygrid", "@fullcalendar/timegrid",
        "@fullcalendar/interaction", "@fullcalendar/list"}


def _imports(path: Path) -> list[str]:
    return re.findall(r'^import (?:[^"\n]+ from )?"([^"]+)";', path.read_text(), flags=re.MULTILINE)


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith((".js", ".jsx"))])
def test_every_import_of_a_module_is_pinned_or_linked(name):
    """A new npm import without a pin would install whatever is newest at the next build."""
    pinned = {_package(spec) for component in COMPONENTS for spec in component.create().lib_dependencies}
    for target in _imports(JS_DIR / name):
        if target.startswith("./"):
            assert target[2:] in FILES and (JS_DIR / target[2:]).is_file(), target
        else:
            assert _package(target) in pinned | APP_PACKAGES, target


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_each_component_loads_its_own_module_in_the_browser_only(component):
    instance = component.create()
    module = MODULES[Path(instance.library).stem]
    assert instance.library == module == f"$/public/external/app/components/js/{Path(module).name}"
    (dynamic,) = instance._get_all_dynamic_imports()
    assert f"import('{module}').then((mod) => mod.{instance.tag})" in dynamic
    assert f"export function {instance.tag}(" in (JS_DIR / Path(module).name).read_text()


def test_the_calendar_compiles_its_props_and_triggers():
    code = str(calendar.planning_calendar(
        events=[{"id": "7", "title": "Rossi", "start": "2026-05-04T09:00:00+02:00"}], time_zone="Europe/Rome",
        initial_view="timeGridWeek", phone_view="listWeek", no_events_text="Nessun intervento",
        on_plan=_log, on_open=_log, on_range_change=_log,
    ))
    for prop in ('timeZone:"Europe/Rome"', 'initialView:"timeGridWeek"', 'phoneView:"listWeek"',
                 'noEventsText:"Nessun intervento"', 'events:[({ ["id"] : "7"'):
        assert prop in code
    for trigger in ("onPlan", "onOpen", "onRangeChange"):
        assert f"{trigger}:((_ev_0) =>" in code


def test_the_calendar_speaks_the_users_language_unless_told():
    assert "session_state.lang" in str(calendar.planning_calendar())
    assert 'locale:"en"' in str(calendar.planning_calendar(locale="en"))


def test_the_signature_pad_compiles_its_props_and_trigger():
    code = str(signature_pad.signature_pad(name="signature", draft_key="intervention-draft-42",
                                           clear_label="Cancella", on_empty_change=_log))
    for prop in ('name:"signature"', 'draftKey:"intervention-draft-42"', 'clearLabel:"Cancella"',
                 "onEmptyChange:((_ev_0) =>"):
        assert prop in code


def test_a_draft_form_keeps_its_fields_and_token_inside_the_form():
    code = str(draft_form.draft_form(rx.input(name="work_done"), draft_key="intervention-draft-42",
                                     on_submit=_log, on_restore=_log))
    form, keeper, field = (code.index("jsx(RadixFormRoot"), code.index("jsx(DraftKeeper"),
                           code.index('name:"work_done"'))
    assert form < keeper < field
    assert 'tokenName:"client_token"' in code and 'draftKey:"intervention-draft-42"' in code
    assert "onRestore:((_ev_0) =>" in code


def _script(spec) -> str:  # noqa: ANN001
    return spec.args[0][1]._var_value


def test_a_draft_key_cannot_break_out_of_the_clearing_script():
    key = 'x"]; alert(1); //'
    script = _script(draft_form.clear_draft(key))
    assert f"const keys = {json.dumps([key])};" in script
    assert 'alert(1); //"]' not in script.replace(json.dumps([key]), "")


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")

_FAKE_BROWSER = """
const data = new Map();
const events = [];
globalThis.window = {
  localStorage: {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
  },
  crypto: globalThis.crypto,
  dispatchEvent: (e) => events.push([e.type, e.detail.key]),
};
const out = (value) => console.log(JSON.stringify(value));
"""


def _node(code: str) -> list:
    done = subprocess.run(["node", "--input-type=module", "-e", _FAKE_BROWSER + code], capture_output=True,
                          text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@needs_node
def test_a_drafts_token_is_made_once_and_kept_until_cleared():
    store = (JS_DIR / "draft_store.js").as_uri()
    first, again, after_typing, cleared, fresh = _node(f"""
const s = await import({json.dumps(store)});
const token = s.ensureToken("intervention-draft-42");
out(token);
out(s.ensureToken("intervention-draft-42"));
s.updateDraft("intervention-draft-42", (d) => {{ d.fields = {{work_done: "valvola"}}; }});
out(s.readDraft("intervention-draft-42").token);
{_script(draft_form.clear_draft("intervention-draft-42"))};
out([data.get("intervention-draft-42") ?? null, data.get("draft-keeper:keys") ?? null, events]);
out(s.ensureToken("intervention-draft-42") !== token);
""")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)
    assert again == after_typing == first
    assert cleared == [None, None, [["draft-keeper:cleared", "intervention-draft-42"]]]
    assert fresh is True


@needs_node
def test_a_token_is_a_uuid_also_where_the_browser_offers_no_random_uuid():
    """Over plain http on the office network `crypto.randomUUID` does not exist."""
    store = (JS_DIR / "draft_store.js").as_uri()
    (token,) = _node(f"""
window.crypto = {{ getRandomValues: (a) => globalThis.crypto.getRandomValues(a) }};
const s = await import({json.dumps(store)});
out(s.newToken());
""")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", token)


@needs_node
def test_clearing_all_drafts_forgets_every_kept_key_and_only_those():
    store = (JS_DIR / "draft_store.js").as_uri()
    corrupt, left = _node(f"""
const s = await import({json.dumps(store)});
s.ensureToken("intervention-draft-1");
s.updateDraft("intervention-draft-2", (d) => {{ d.fields = {{hours: "2"}}; }});
window.localStorage.setItem("unrelated", "kept");
data.set("corrupt-draft", "{{not json");
out(s.readDraft("corrupt-draft"));
""" + _script(draft_form.clear_all_drafts()) + """;
out([...data.keys()]);
""")
    assert corrupt is None
    assert left == ["unrelated", "corrupt-draft"]


@needs_node
def test_a_corrupt_or_foreign_value_is_no_draft():
    store = (JS_DIR / "draft_store.js").as_uri()
    assert _node(f"""
const s = await import({json.dumps(store)});
data.set("a", "{{not json"); data.set("b", JSON.stringify({{v: 9}})); data.set("c", "null");
out([s.readDraft("a"), s.readDraft("b"), s.readDraft("c"), s.readDraft("missing")]);
""") == [[None, None, None, None]]
