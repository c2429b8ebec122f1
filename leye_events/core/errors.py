"""Errors raised by services when a business rule says no.

Views turn them into a form error or a flash message; the API turns them into
``{"error": {"code", "message"}}`` with ``status``.
"""


class ServiceError(Exception):
    """A request that breaks a rule. ``code`` is snake_case and stable; ``message`` is for people."""

    status = 422

    def __init__(self, code: str, message: str, *, field: str | None = None, status: int | None = None, **extra):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.extra = extra
        if status is not None:
            self.status = status


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403
