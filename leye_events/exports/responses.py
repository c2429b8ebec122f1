"""HTTP responses for the export formats, shared by the organizer pages and the API.

The CSV and JSON bodies are generators run inside the request context, so rows are read from the
database while they are sent. They run after the view has returned and its database session has been
closed, so they get an ``ExportPlan`` (plain values) instead of the request's ORM objects. The XLSX is
written to a temporary file during the request and sent from it.
"""
import re
import tempfile
from urllib.parse import quote

from flask import Response, send_file, stream_with_context

from . import services


def _attachment(filename: str) -> str:
    """A Content-Disposition with an ASCII ``filename`` (headers are Latin-1) and the real, possibly
    Chinese, name in ``filename*``."""
    ascii_name = re.sub(r"-{2,}", "-", filename.encode("ascii", "ignore").decode().replace('"', ""))
    fallback = "attendance-" + ascii_name.strip("-_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


def csv_response(event, filename: str, *, unmasked: bool) -> Response:
    plan = services.plan_for(event)
    rows = services.attendance_rows(plan, unmask=unmasked)
    response = Response(stream_with_context(services.csv_chunks(plan, rows)),
                        content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = _attachment(filename)
    return _private(response)


def xlsx_response(event, filename: str, *, unmasked: bool) -> Response:
    spool = tempfile.TemporaryFile()
    services.write_xlsx(event, services.attendance_rows(event, unmask=unmasked), spool)
    spool.seek(0)
    response = send_file(spool, mimetype=services.XLSX_MIMETYPE, as_attachment=True, download_name=filename,
                         max_age=0, conditional=False, etag=False)
    response.headers["Content-Disposition"] = _attachment(filename)  # same shape as the CSV's
    return _private(response)


def json_response(event_data: dict, event, *, unmasked: bool) -> Response:
    plan = services.plan_for(event)
    body = services.json_chunks(event_data, plan, services.attendance_rows(plan, unmask=unmasked), unmasked=unmasked)
    response = Response(stream_with_context(body), mimetype="application/json")
    return _private(response)
