"""OpenAPI for 信息排摸 (outreach lists, call list, contacts, counts) and 岗位推介 (profile, matches, referrals)."""
from ..employers.models import ApplicationStatus, Education
from ..matching.models import ConsentMethod
from ..matching.services import LIMIT_MAX, PROFILE_LIMITS, SALARY_WISH_MAX
from ..outreach.imports import MAX_IMPORT_BYTES
from ..outreach.models import ContactChannel, ContactOutcome
from ..outreach.services import NOTE_MAX
from .legacy_openapi import TIMESTAMP, body, errors, json_content, nullable, ok, operation, path_id, query, ref

TAGS = ["outreach", "matching"]
DATE = {"type": "string", "format": "date", "description": "e.g. 2026-12-03"}
LIMIT = query("limit", f"How many (1–{LIMIT_MAX}, default 20)", {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX})
RANGE = [query("from", "Date (Shanghai midnight) or ISO 8601 datetime with offset", {"type": "string"}),
         query("to", "Date (inclusive) or ISO 8601 datetime with offset", {"type": "string"})]

_COUNT_PROPERTIES = {
    "contacts": {"type": "integer", "description": "contacts logged in the range"},
    "people_reached": {"type": "integer", "description": "people with a contact `reached` in the range"},
    "prospects": {"type": "integer", "description": "prospects imported before the end"},
    "prospects_converted": {"type": "integer", "description": "of those, signed up themselves before the end"},
    "prospects_attended": {"type": "integer", "description": "of those, attended an event"},
    "prospects_employed": {"type": "integer", "description": "of those, with an employment outcome"},
}

SEEKER_PROFILE_PROPERTIES = {
    "education": {"type": ["string", "null"], "enum": [*Education.values(), None]},
    "skills": {"type": ["string", "null"], "maxLength": PROFILE_LIMITS["skills"]},
    "wished_posts": {"type": ["string", "null"], "maxLength": PROFILE_LIMITS["wished_posts"]},
    "wished_places": {"type": ["string", "null"], "maxLength": PROFILE_LIMITS["wished_places"]},
    "salary_wish": {"type": ["integer", "null"], "minimum": 0, "maximum": SALARY_WISH_MAX},
}

SCHEMAS = {
    "OutreachImportResult": {
        "type": "object",
        "properties": {
            "created": {"type": "integer", "description": "new prospects (accounts without a login, a case each)"},
            "updated": {"type": "integer", "description": "phones already known (idempotent by phone)"},
            "rejected": {"type": "array", "items": {"type": "object", "properties": {
                "row": {"type": "integer", "description": "row number as Excel shows it (header = 1)"},
                "reason": {"type": "string"}}}},
            "preview": {"type": "boolean", "description": "true: nothing was changed"},
        },
    },
    "CallItem": {
        "type": "object",
        "properties": {
            "seeker": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string", "description": "masked unless unmask=1"},
                "phone": nullable("string", description="masked unless unmask=1"), "prospect": {"type": "boolean"}}},
            "case_id": {"type": "integer"},
            "category": {"type": "string"},
            "reason": {"type": "string", "enum": ["never_contacted", "due", "no_show"]},
            "due_on": DATE,
            "detail": nullable("string", description="the missed event's title for no-shows"),
            "last_contact": {"type": ["object", "null"], "properties": {
                "at": TIMESTAMP, "channel": {"type": "string", "enum": ContactChannel.values()},
                "result": {"type": "string", "enum": ContactOutcome.values()}}},
        },
    },
    "ContactInput": {
        "type": "object",
        "required": ["channel", "result"],
        "properties": {
            "channel": {"type": "string", "enum": ContactChannel.values()},
            "result": {"type": "string", "enum": ContactOutcome.values()},
            "note": {"type": ["string", "null"], "maxLength": NOTE_MAX},
            "next_contact_on": {**DATE, "type": ["string", "null"],
                                "description": "today to a year ahead; puts the person back on the call list then"},
        },
    },
    "Contact": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "case_id": {"type": "integer"},
            "channel": {"type": "string", "enum": ContactChannel.values()},
            "result": {"type": "string", "enum": ContactOutcome.values()},
            "note": nullable("string"), "next_contact_on": {**DATE, "type": ["string", "null"]}, "at": TIMESTAMP,
        },
    },
    "OutreachCounts": {"type": "object", "properties": _COUNT_PROPERTIES},
    "OutreachCountsReport": {
        "type": "object",
        "properties": {
            "from": TIMESTAMP, "to": TIMESTAMP, "station": ref("OutreachCounts"),
            "counselors": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, **_COUNT_PROPERTIES}}},
        },
    },
    "SeekerProfile": {
        "type": "object",
        "properties": {
            "seeker_id": {"type": "integer"},
            "education": {"type": ["string", "null"], "enum": [*Education.values(), None]},
            "skills": {"type": "string", "maxLength": PROFILE_LIMITS["skills"]},
            "wished_posts": {"type": "string", "maxLength": PROFILE_LIMITS["wished_posts"]},
            "wished_places": {"type": "string", "maxLength": PROFILE_LIMITS["wished_places"],
                              "description": "places, separated by commas or spaces"},
            "salary_wish": {"type": ["integer", "null"], "minimum": 0, "maximum": SALARY_WISH_MAX,
                            "description": "yuan per month"},
        },
    },
    "SeekerProfileInput": {
        "type": "object",
        "description": "Any subset; null clears a field.",
        "properties": SEEKER_PROFILE_PROPERTIES,
    },
    "MatchedPost": {
        "type": "object",
        "properties": {
            "post": {"type": "object", "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"},
                "employer": {"type": ["object", "null"]}, "location": nullable("string"),
                "salary_min": nullable("integer"), "salary_max": nullable("integer"),
                "education": nullable("string"), "experience_years": nullable("integer"),
                "tags": {"type": "array", "items": {"type": "string"}},
                "closes_on": {**DATE, "type": ["string", "null"]}, "status": {"type": "string"}}},
            "score": {"type": "integer", "minimum": 0, "maximum": 100},
            "reasons": {"type": "array", "items": {"type": "string"}, "description": "why, in words"},
        },
    },
    "MatchedSeeker": {
        "type": "object",
        "properties": {
            "seeker": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string", "description": "masked"},
                "phone": nullable("string", description="masked"), "graduation_year": nullable("integer")}},
            "score": {"type": "integer", "minimum": 0, "maximum": 100},
            "reasons": {"type": "array", "items": {"type": "string"}},
        },
    },
    "ReferralInput": {
        "type": "object",
        "required": ["post_id", "consent"],
        "properties": {
            "post_id": {"type": "integer", "minimum": 1},
            "consent": {"type": "string", "enum": ConsentMethod.values(),
                        "description": "how the seeker agreed; missing or other: 422 consent_required"},
            "note": {"type": ["string", "null"], "maxLength": 500},
        },
    },
    "ReferralResultInput": {
        "type": "object",
        "required": ["result"],
        "properties": {
            "result": {"type": "string", "enum": [s.value for s in ApplicationStatus if s != ApplicationStatus.APPLIED]},
            "note": {"type": ["string", "null"], "maxLength": 500},
            "start_date": {**DATE, "type": ["string", "null"], "description": "for hired; default today"},
        },
    },
    "MatchReferral": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "case_id": {"type": "integer"}, "post_id": nullable("integer"),
            "employer_id": {"type": "integer"},
            "result": {"type": "string", "enum": ["pending", "interviewed", "hired", "declined"],
                       "description": "interview and offer are stored as interviewed; rejected and no_show as declined"},
            "consent": {"type": ["string", "null"], "enum": [*ConsentMethod.values(), None]},
            "consent_recorded_at": {**TIMESTAMP, "type": ["string", "null"]},
            "created_at": TIMESTAMP,
        },
    },
}

_SEEKER = path_id("seeker_id", "The seeker's account id")

PATHS = {
    "/outreach/imports": {
        "post": operation(
            "Import an outreach list", operation_id="importOutreachList", tag="outreach",
            description="Counselors and organizers of a station. Multipart `file`: .xlsx, or .csv in UTF-8 (with "
                        "or without BOM) or GB18030, header row with 姓名, 手机号, 类别, 居委/社区 (or 学校), 备注. "
                        "Good rows are imported in one transaction, bad rows listed; idempotent by phone; people "
                        f"without an account become prospects with a case at the station. Files over "
                        f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB: 413 `file_too_large`; unreadable: 422 "
                        "`unreadable_file`, `missing_columns`, `empty_file`, `too_many_rows`; nothing is created.",
            parameters=[query("preview", "1: check only, change nothing", {"type": "string", "enum": ["1", "true"]})],
            request={"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            responses={"200": ok("What was imported", ref("OutreachImportResult")),
                       "413": {"description": "file_too_large: the file is over the limit; nothing was read",
                               "content": json_content(ref("Error"))}, **errors(401, 403, 422)},
        )
    },
    "/outreach/calls": {
        "get": operation(
            "The call list", operation_id="getCallList", tag="outreach",
            description="Counselors: prospects never contacted, people whose next contact date has come, no-shows "
                        "of the last 14 days not contacted since; oldest first, at most 200. Cases of other "
                        "counselors and employed or closed cases are left out.",
            parameters=[query("unmask", "1: full names and phones (audited; needs a reason)",
                              {"type": "string", "enum": ["1"]}),
                        query("reason", "Why the names and phones are needed; required with unmask=1 "
                              "(422 reason_required without)", {"type": "string", "minLength": 2, "maxLength": 200})],
            responses={"200": ok("Due contacts", {"type": "object", "properties": {
                "calls": {"type": "array", "items": ref("CallItem")}}}), **errors(401, 403, 422)},
        )
    },
    "/outreach/counts": {
        "get": operation(
            "Outreach counts of the station and each counselor", operation_id="getOutreachCounts", tag="outreach",
            description="Counselors and organizers: their station. Default range: the last 30 days.",
            parameters=RANGE,
            responses={"200": ok("Counts", ref("OutreachCountsReport")), **errors(400, 401, 403)},
        )
    },
    "/seekers/{seeker_id}/contacts": {
        "post": operation(
            "Log a contact", operation_id="logContact", tag="outreach",
            description="Counselors of the seeker's station; also written on the case's timeline.",
            parameters=[_SEEKER], request=body(ref("ContactInput")),
            responses={"201": ok("Logged", ref("Contact")), **errors(400, 401, 403, 404, 422)},
        )
    },
    "/seekers/{seeker_id}/profile": {
        "get": operation(
            "The seeker's matching profile", operation_id="getSeekerProfile", tag="matching",
            description="The seeker themselves, counselors of their station.", parameters=[_SEEKER],
            responses={"200": ok("The profile", ref("SeekerProfile")), **errors(401, 403, 404)},
        ),
        "patch": operation(
            "Change the matching profile", operation_id="patchSeekerProfile", tag="matching",
            description="The seeker themselves, counselors of their station.", parameters=[_SEEKER],
            request=body(ref("SeekerProfileInput")),
            responses={"200": ok("The profile", ref("SeekerProfile")), **errors(400, 401, 403, 404, 422)},
        ),
    },
    "/seekers/{seeker_id}/matches": {
        "get": operation(
            "Open posts ranked for a seeker", operation_id="getSeekerMatches", tag="matching",
            description="Counselors of the seeker's station. jieba + BM25 on skills and wished posts, plus "
                        "category, education, graduation year, place and salary; closed posts never appear.",
            parameters=[_SEEKER, LIMIT],
            responses={"200": ok("Matches, best first", {"type": "object", "properties": {
                "matches": {"type": "array", "items": ref("MatchedPost")}}}), **errors(400, 401, 403, 404)},
        )
    },
    "/me/matches": {
        "get": operation(
            "Posts for you", operation_id="getMyMatches", tag="matching",
            description="Seekers: open posts ranked for themselves.",
            parameters=[query("limit", f"How many (1–{LIMIT_MAX}, default 10)",
                              {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX})],
            responses={"200": ok("Matches, best first", {"type": "object", "properties": {
                "matches": {"type": "array", "items": ref("MatchedPost")}}}), **errors(400, 401, 403)},
        )
    },
    "/posts/{post_id}/matches": {
        "get": operation(
            "Seekers ranked for a post", operation_id="getPostMatches", tag="matching",
            description="Counselors and organizers: seekers of their own station, masked. 409 `post_not_open` "
                        "for closed, filled or expired posts.",
            parameters=[path_id("post_id", "The post"), LIMIT],
            responses={"200": ok("Matches, best first", {"type": "object", "properties": {
                "matches": {"type": "array", "items": ref("MatchedSeeker")}}}), **errors(400, 401, 403, 404, 409)},
        )
    },
    "/seekers/{seeker_id}/referrals": {
        "post": operation(
            "Refer a seeker to a post, with consent", operation_id="referSeeker", tag="matching",
            description="Counselors of the seeker's station. Without `consent`: 422 `consent_required`. "
                        "409 `post_not_open`, `already_referred`. Written on the case.",
            parameters=[_SEEKER], request=body(ref("ReferralInput")),
            responses={"201": ok("The referral", ref("MatchReferral")), **errors(400, 401, 403, 404, 409, 422)},
        )
    },
    "/referrals/{referral_id}/result": {
        "post": operation(
            "The result of a referral", operation_id="setReferralResult", tag="matching",
            description="Counselors of the case's station, the post's employer. As for applications; written on "
                        "the case; `hired` records the employment outcome (once). 409 `already_hired`.",
            parameters=[path_id("referral_id", "The referral")], request=body(ref("ReferralResultInput")),
            responses={"200": ok("The referral", ref("MatchReferral")), **errors(400, 401, 403, 404, 409, 422)},
        )
    },
    "/posts/{post_id}/referrals": {
        "get": operation(
            "Referrals to a post", operation_id="getPostReferrals", tag="matching",
            description="The post's employer, counselors and organizers of the post's station: each referral "
                        "(made with the seeker's consent) with what the seeker shares as for an application — "
                        "name, phone, school, graduation year; never the category.",
            parameters=[path_id("post_id", "The post")],
            responses={"200": ok("Referrals, oldest first", {"type": "object", "properties": {
                "referrals": {"type": "array", "items": {"allOf": [ref("MatchReferral"), {
                    "type": "object", "properties": {"seeker": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "name": {"type": "string"}, "phone": nullable("string"),
                        "school": nullable("string"), "graduation_year": nullable("integer")}}}}]}}}}),
                **errors(401, 403, 404)},
        )
    },
}
