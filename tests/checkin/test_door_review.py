"""Door problems found by trying the door as a volunteer would (review round)."""
import json
import os
import re
import shutil
from datetime import timedelta

from leye_events.checkin import services
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventSession
from leye_events.extensions import db

from ..factories import make_event
from .helpers import door_staff


def workshop(*modules: tuple[int, int]):
    """An event whose modules start and end the given minutes from now."""
    event = make_event(sessions=1, title="四模块工作坊")
    now = utcnow().replace(second=0, microsecond=0)
    event.sessions.clear()
    for i, (start, end) in enumerate(modules):
        event.sessions.append(EventSession(title=f"模块{i + 1}", starts_at=now + timedelta(minutes=start),
                                           ends_at=now + timedelta(minutes=end)))
    db.session.commit()
    return event


def test_default_session_is_the_running_module_not_the_next_one_starting_soon():
    # Module 1 runs until 30 minutes from now, module 2 starts 15 minutes after it: latecomers of
    # module 1 arriving now must not be booked into module 2.
    event = workshop((-60, 30), (45, 135))
    assert services.current_session(event, utcnow()).title == "模块1"


def test_between_modules_the_next_one_is_the_default():
    event = workshop((-90, -10), (15, 105))
    assert services.current_session(event, utcnow()).title == "模块2"


def test_after_the_last_module_its_door_stays_the_default_for_a_while():
    event = workshop((-300, -200), (-150, -30))
    assert services.current_session(event, utcnow()).title == "模块2"


def test_no_open_door_for_a_multi_session_event_means_no_default():
    event = workshop((300, 400), (500, 600))
    assert services.current_session(event, utcnow()) is None


def test_the_door_page_preselects_the_running_module(login):
    event = workshop((-60, 30), (45, 135))
    page = login(door_staff(event)).get(f"/door/{event.id}").get_data(as_text=True)
    running = next(s for s in event.sessions if s.title == "模块1")
    assert f'<option value="{running.id}" selected>' in page


def test_door_page_scripts_carry_the_version_the_service_worker_caches(login, app):
    # After a deploy the new page must not get an old module from an old worker's cache: the page asks
    # for versioned URLs (its modules' imports through the import map), and the worker caches those.
    event = workshop((-10, 110))
    page = login(door_staff(event)).get(f"/door/{event.id}").get_data(as_text=True)
    worker = app.test_client().get("/door/sw.js").get_data(as_text=True)
    scripts = re.findall(r'<script (?:type="module" )?src="([^"]+)"', page)
    assert len(scripts) == 3 and scripts[-1].startswith("/static/js/door/main.js?")
    import_map = json.loads(re.search(r'<script type="importmap" nonce="[^"]+">(.*?)</script>', page, re.S).group(1))
    modules = import_map["imports"]
    assert "/static/js/door/queue.js" in modules and "/static/vendor/idb-keyval/idb-keyval.js" in modules
    version = re.search(r'leye-door-(\w+)', worker).group(1)
    for src in [*scripts, *modules.values()]:
        assert src.endswith("?v=" + version), src
        assert json.dumps(src) in worker, src
    for plain in modules:  # every module the page maps exists, and imports only mapped modules
        assert app.test_client().get(plain).status_code == 200, plain


def test_changing_a_shell_file_changes_the_version_and_its_urls(app, login, tmp_path, monkeypatch):
    from leye_events.checkin.views import SHELL_ASSETS

    for asset in SHELL_ASSETS:  # a copy of the shell's files, so that one can change under a running worker
        (tmp_path / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(app.static_folder, asset), tmp_path / asset)
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    event = workshop((-10, 110))
    door = login(door_staff(event))

    def versions():
        worker = app.test_client().get("/door/sw.js").get_data(as_text=True)
        page = door.get(f"/door/{event.id}").get_data(as_text=True)
        return re.search(r'leye-door-(\w+)', worker).group(1), set(re.findall(r'\?v=(\w+)', page))

    before, on_page = versions()
    assert on_page == {before}
    queue = tmp_path / "js/door/queue.js"
    os.utime(queue, (queue.stat().st_atime, queue.stat().st_mtime + 1))
    after, on_page = versions()
    assert after != before and on_page == {after}


def test_every_module_the_door_imports_is_versioned_and_kept_offline():
    from pathlib import Path

    import leye_events
    from leye_events.checkin.views import MODULE_ASSETS, SHELL_ASSETS

    static = Path(leye_events.__file__).parent / "static"
    on_disk = {p.relative_to(static).as_posix() for p in (static / "js" / "door").glob("*.js")}
    assert on_disk <= set(MODULE_ASSETS) and set(MODULE_ASSETS) <= set(SHELL_ASSETS)
    for asset in MODULE_ASSETS:
        path = static / asset
        for spec in re.findall(r'^import .*? from "([^"]+)";', path.read_text(encoding="utf-8"), re.M):
            target = (path.parent / spec).resolve().relative_to(static.resolve()).as_posix()
            assert target in MODULE_ASSETS, f"{asset} imports {spec}"
