"""Builders for outreach files: CSV in a chosen encoding, XLSX through openpyxl."""
import io

from openpyxl import Workbook

HEADER = ["姓名", "手机号", "类别", "居委/社区", "备注"]


def csv_bytes(rows, *, encoding="utf-8", header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(api, user, data: bytes, filename="名单.csv", *, preview=False):
    path = "/outreach/imports" + ("?preview=1" if preview else "")
    return api.as_(user).post(path, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def make_post(employer_name="测试公司", *, station=None, **kw):
    """An open post of a (new or existing) employer; committed."""
    from leye_events.employers.models import Employer, Post
    from leye_events.extensions import db

    employer = db.session.execute(db.select(Employer).filter_by(name=employer_name)).scalar_one_or_none()
    if employer is None:
        employer = Employer(name=employer_name, industry=kw.pop("industry", ""), station=station)
        db.session.add(employer)
    post = Post(employer=employer, station=station, title=kw.pop("title", "岗位"), **kw)
    db.session.add(post)
    db.session.commit()
    return post
