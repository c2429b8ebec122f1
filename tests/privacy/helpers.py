"""Builders and checks for the personal-data tests."""
import json

from sqlalchemy import String, cast, inspect, or_

from leye_events.extensions import db


def occurrences(*needles: str) -> list[str]:
    """``table.column`` of every cell in the database whose text contains one of ``needles``.

    Every column of every table is cast to text (JSON as stored, so ``\\uXXXX`` escapes of Chinese
    text are searched for too); e-mail addresses are compared case-insensitively.
    """
    forms = set()
    for needle in needles:
        forms.add(needle.lower())
        forms.add(json.dumps(needle)[1:-1].lower())
    found = []
    db.session.commit()
    for table_name in inspect(db.engine).get_table_names():
        table = db.Table(table_name, db.MetaData(), autoload_with=db.engine)
        for column in table.columns:
            text = db.func.lower(cast(column, String))
            hit = db.session.execute(
                db.select(db.func.count()).select_from(table).where(or_(*(text.contains(f) for f in forms)))
            ).scalar_one()
            if hit:
                found.append(f"{table_name}.{column.name}")
    db.session.rollback()
    return found
