"""URLs that are the same on every request are built once per worker: each ``url_for`` costs ~5 µs, and
the door page had 48 (its shell's files and import map, the header links)."""
from ..checkin.helpers import door_staff, open_event

# The most URLs a warm page may build: the page's links, its config's eight endpoints, base.html's own.
BUDGET = {"door_event_page": 18}


def test_a_warm_door_page_builds_only_its_own_urls(app, login, monkeypatch):
    event = open_event(sessions=2)
    client, page = login(door_staff(event)), f"/door/{event.id}"
    assert client.get(page).status_code == 200  # warm: the shell's URLs, the header links
    built = []
    # Every url_for passes its endpoint through the app's URL defaults functions: one that only notes it.
    monkeypatch.setitem(app.url_default_functions, None,
                        [*app.url_default_functions.get(None, []), lambda endpoint, values: built.append(endpoint)])
    assert client.get(page).status_code == 200
    assert len(built) <= BUDGET["door_event_page"], built
    assert built.count("static") == 3, built  # base.html's stylesheet and icons, none of the shell's files
