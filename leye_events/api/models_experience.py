"""The schemas of posters, certificates and feedback (see .schema)."""
from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from ..feedback.models import MAX_COMMENT_LENGTH, MAX_RATING, MIN_RATING
from .models import LocalTime
from .schema import ApiModel

RATING = {"type": "integer", "minimum": MIN_RATING, "maximum": MAX_RATING}
RATINGS = [str(r) for r in range(MIN_RATING, MAX_RATING + 1)]


class FeedbackInput(ApiModel):
    # Checked by the feedback service (400 invalid_rating, invalid_comment), as the page's form is.
    rating: Annotated[Any, WithJsonSchema(RATING)]
    comment: Annotated[Any, WithJsonSchema({"type": ["string", "null"], "maxLength": MAX_COMMENT_LENGTH})] = None


class Feedback(ApiModel):
    id: int
    registration_id: int
    event_id: int
    rating: int = Field(ge=MIN_RATING, le=MAX_RATING)
    comment: str | None = Field(json_schema_extra={"maxLength": MAX_COMMENT_LENGTH})
    created_at: LocalTime
    updated_at: LocalTime


class FeedbackComment(ApiModel):
    rating: int = Field(ge=MIN_RATING, le=MAX_RATING)
    comment: str
    created_at: LocalTime


Distribution = Annotated[dict[str, int], WithJsonSchema({
    "type": "object", "description": "How many gave each rating, keyed by the rating as a string",
    "properties": {r: {"type": "integer", "minimum": 0} for r in RATINGS}, "required": RATINGS})]


class Summary(ApiModel):
    count: int = Field(ge=0)
    average: float | None = Field(ge=MIN_RATING, le=MAX_RATING, description="Mean rating, two decimals; null "
                                                                             "without feedback")
    distribution: Distribution
    comments: list[FeedbackComment] = Field(description="Comments without names, newest first")


class SessionFeedback(Summary):
    session_id: int
    title: str


class FeedbackSummary(Summary):
    event_id: int
    sessions: list[SessionFeedback] = Field(description="Per session: the feedback of those who attended it")
