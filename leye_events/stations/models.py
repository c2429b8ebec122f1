"""The Station table."""
from flask_babel import lazy_gettext as _l

from ..core.enums import StrEnum, enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db


class StationKind(StrEnum):
    SUB_DISTRICT = "sub-district"
    PARK = "park"
    UNIVERSITY = "university"


STATION_KIND_LABELS = {
    StationKind.SUB_DISTRICT: _l("街道乐业空间"),
    StationKind.PARK: _l("园区乐业空间"),
    StationKind.UNIVERSITY: _l("高校乐业空间"),
}


class Station(db.Model):
    """A 乐业空间: a small public employment-service station."""

    __tablename__ = "stations"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(64), nullable=False, unique=True)
    name = db.Column(db.String(100), nullable=False)
    kind = db.Column(enum_column_type(StationKind, "station_kind"), nullable=False)
    address = db.Column(db.String(200), nullable=False, default="")
    # Shown on event pages, e.g. "周一至周五 9:00–17:00"; None when not given.
    opening_hours = db.Column(db.String(200))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    @property
    def kind_label(self) -> str:
        return str(STATION_KIND_LABELS[self.kind])

    def __repr__(self) -> str:
        return f"<Station {self.slug}>"
