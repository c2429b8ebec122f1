"""The organizer's export page, masked downloads, the unmask form and the printable sign-in sheet."""
import csv
import io
import shutil
import subprocess

import openpyxl
import pytest

from leye_events.audit.models import AuditEntry
from leye_events.extensions import db


def audits(action):
    return db.session.scalars(db.select(AuditEntry).filter_by(action=action)).all()


def test_page_links_and_unmask_form_for_organizer(login, workshop):
    event = workshop.event
    page = login(workshop.staff["organizer"]).get(f"/manage/events/{event.id}/attendance")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for url in (f"/manage/events/{event.id}/attendance.xlsx", f"/manage/events/{event.id}/attendance.csv",
                f"/manage/events/{event.id}/attendance/print"):
        assert url in text
    assert f"/manage/events/{event.id}/attendance/unmasked" in text
    assert audits("attendance.export") == []  # looking at the page exports nothing


def test_admin_sees_masked_links_but_no_unmask_form(login, workshop):
    text = login(workshop.staff["admin"]).get(f"/manage/events/{workshop.event.id}/attendance").get_data(as_text=True)
    assert "attendance.csv" in text and "attendance/unmasked" not in text


def test_registrations_page_has_the_export_block(login, workshop):
    text = login(workshop.staff["organizer"]).get(f"/manage/events/{workshop.event.id}/registrations").get_data(as_text=True)
    assert f"/manage/events/{workshop.event.id}/attendance.xlsx" in text


@pytest.mark.parametrize("role", ["door", "seeker", "other_organizer"])
def test_others_are_refused_every_page(login, workshop, role):
    browser = login(workshop.staff[role])
    base = f"/manage/events/{workshop.event.id}/attendance"
    for url in (base, base + ".csv", base + ".xlsx", base + "/print"):
        assert browser.get(url).status_code == 403, url
    response = browser.post(base + "/unmasked", data={"format": "csv", "reason": "看看"})
    assert response.status_code == 403
    assert audits("attendance.export") == [] and audits("attendance.unmask") == []


def test_anonymous_is_sent_to_login(client, workshop):
    response = client.get(f"/manage/events/{workshop.event.id}/attendance.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/manage/events/999999/attendance", "/manage/events/99999999999999999999/attendance.csv",
                                 "/manage/events/2147483648/attendance/print", "/manage/events/1/attendance.pdf"])
def test_unknown_is_404(login, workshop, url):
    assert login(workshop.staff["organizer"]).get(url).status_code == 404


def test_masked_downloads_are_audited(login, workshop):
    browser = login(workshop.staff["counselor"])
    csv_response = browser.get(f"/manage/events/{workshop.event.id}/attendance.csv")
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 6 and "王**" in [r[1] for r in rows]
    xlsx = browser.get(f"/manage/events/{workshop.event.id}/attendance.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.get_data())).active
    assert sheet["B1"].value == "姓名"
    assert sorted(e.details["format"] for e in audits("attendance.export")) == ["csv", "xlsx"]


def test_unmask_form_needs_a_reason(login, workshop):
    browser = login(workshop.staff["organizer"])
    url = f"/manage/events/{workshop.event.id}/attendance/unmasked"
    for data in ({"format": "csv"}, {"format": "csv", "reason": "  "}, {"format": "pdf", "reason": "电话提醒"},
                 {"format": "csv", "reason": "x" * 300}):
        response = browser.post(url, data=data)
        assert response.status_code == 400
        assert "form-errors" in response.get_data(as_text=True)
    assert audits("attendance.unmask") == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "print"])
def test_unmask_form_gives_full_data_and_is_audited(login, workshop, fmt):
    browser = login(workshop.staff["organizer"])
    response = browser.post(f"/manage/events/{workshop.event.id}/attendance/unmasked",
                            data={"format": fmt, "reason": "活动前电话提醒"})
    assert response.status_code == 200
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
        names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    else:
        names = response.get_data().decode("utf-8-sig")
    assert "王小明" in names
    entry, = audits("attendance.unmask")
    assert entry.details == {"format": fmt, "unmasked": True, "reason": "活动前电话提醒"}


def test_counselor_may_unmask_admin_may_not(login, workshop):
    url = f"/manage/events/{workshop.event.id}/attendance/unmasked"
    assert login(workshop.staff["counselor"]).post(url, data={"format": "csv", "reason": "个案跟进"}).status_code == 200
    assert login(workshop.staff["admin"]).post(url, data={"format": "csv", "reason": "个案跟进"}).status_code == 403


def test_print_sheet_has_tick_boxes_and_masked_confirmed_rows(login, workshop):
    response = login(workshop.staff["organizer"]).get(f"/manage/events/{workshop.event.id}/attendance/print")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "@page" in text and "A4" in text and "@media print" in text
    assert "王**" in text and "138****5678" in text and "王小明" not in text
    assert "赵*" not in text and "钱*" not in text  # cancelled and waitlisted are not on the door's list
    # Three confirmed rows and ten blank ones, each with a box or a tick per session (two sessions).
    assert text.count('<td class="tick">') == 13 * 2
    assert text.count("✓") == 3 + 1  # wang twice, the walk-in once, plus the footer's legend
    assert audits("attendance.export")[0].details == {"format": "print", "unmasked": False}


# --- a spreadsheet program opens it --------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_libreoffice_converts_the_xlsx(client, workshop, tmp_path):
    from ..factories import auth_header, make_token

    response = client.get(f"/api/v1/events/{workshop.event.id}/attendance?format=xlsx",
                          headers=auth_header(make_token(workshop.staff["organizer"])))
    source = tmp_path / "attendance.xlsx"
    source.write_bytes(response.get_data())
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    rows = list(csv.reader(io.StringIO((tmp_path / "attendance.csv").read_text("utf-8"))))
    assert rows[0][1] == "姓名"
    assert "王**" in [r[1] for r in rows]
    assert any(r[0] == "合计" for r in rows)
