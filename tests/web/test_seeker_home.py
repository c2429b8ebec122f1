"""The home page on a phone: the search box stays in view, the other filters fold away until used."""
import re

from ..factories import make_event, make_station


def details_tag(page: str) -> str:
    match = re.search(r"<details[^>]*more-filters[^>]*>", page)
    assert match, "the extra filters are not in a <details>"
    return match.group(0)


def test_filters_fold_away_until_one_is_used(client):
    station = make_station(slug="wujiaochang")
    make_event(station)
    page = client.get("/").get_data(as_text=True)
    assert " open" not in details_tag(page)
    search = page.index('id="q"')
    assert search < page.index("<details"), "the search box must stay visible"
    assert page.index("<details") < page.index('id="kind"') < page.index("</details>")

    for query in ("kind=salon", "station=wujiaochang", "from=2026-12-01", "to=2026-12-31"):
        page = client.get(f"/?{query}").get_data(as_text=True)
        assert " open" in details_tag(page), f"{query}: an active filter must be visible"

    page = client.get("/?q=沙龙").get_data(as_text=True)
    assert " open" not in details_tag(page)
    assert "清除筛选" in page
