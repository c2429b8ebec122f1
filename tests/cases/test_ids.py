"""Ids from forms and API bodies go through core.db.get_row: an id no table could hold is "not found",
never PostgreSQL's integer overflow (a 500)."""
import pytest

from leye_events.accounts.models import Role
from leye_events.accounts.services import create_user
from leye_events.cases.operations import case_or_404, referral_or_404, seeker_or_404
from leye_events.core.errors import NotFound, ServiceError


@pytest.mark.parametrize("lookup", [seeker_or_404, case_or_404, referral_or_404])
@pytest.mark.parametrize("row_id", [2**40, 0, -1, True, "1"])
def test_an_id_no_table_could_hold_is_not_found(app, lookup, row_id):
    with pytest.raises(NotFound):
        lookup(row_id)


def test_an_employer_account_for_an_id_no_table_could_hold_is_refused(app):
    with pytest.raises(ServiceError) as refused:
        create_user(role=Role.EMPLOYER, password="demo12345", name="某公司", email="hr@example.com",
                    employer_id=2**40)
    assert refused.value.code == "employer_not_found"
