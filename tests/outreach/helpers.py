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
