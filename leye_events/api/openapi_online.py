"""OpenAPI description of the online and hybrid events endpoints (see API.md, "Online and hybrid events")."""
from .legacy_openapi import body, errors, ok, operation, path_id, ref

SCHEMAS = {
    "AttendRequest": {
        "type": "object",
        "required": ["attend"],
        "properties": {"attend": {"type": "string", "enum": ["onsite", "online"]}},
    },
}

PATHS = {
    "/registrations/{registration_id}/attend": {
        "post": operation(
            "Switch between onsite and online", operation_id="switchAttend", tag="booking",
            description="The seeker, or staff of the station; hybrid events only (422 invalid_attend otherwise). "
                        "To online: always (a waitlisted registration is confirmed online and leaves the queue, "
                        "a freed seat goes to the first in line). To onsite: while a seat is free (422 event_full).",
            parameters=[path_id("registration_id", "Registration id")],
            request=body(ref("AttendRequest")),
            responses={"200": ok("The registration", ref("Registration")), **errors(400, 401, 403, 404, 422)},
        )
    },
}
