"""A helper to store Python enums as their string values, with a CHECK constraint."""
import enum

import sqlalchemy as sa


class StrEnum(enum.StrEnum):
    """An enum whose members are their own string values."""

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


def enum_column_type(enum_class: type[StrEnum], name: str) -> sa.Enum:
    """A VARCHAR column holding the enum's values, guarded by a named CHECK constraint."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )
