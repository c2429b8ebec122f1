"""The audit log keeps no plain phone numbers, e-mail addresses or ID numbers, whatever is typed."""
from leye_events.audit.models import AuditEntry
from leye_events.audit.services import record, scrub_text
from leye_events.extensions import db


def test_typed_personal_data_is_masked():
    assert scrub_text("回访 13912345678 后导出") == "回访 139****5678 后导出"
    assert scrub_text("+86 13912345678") == "139****5678"
    assert scrub_text("发给 Zhang.San@example.org") == "发给 Z***@example.org"
    assert scrub_text("证件 31011019900101123X") == "证件 310*************3X"
    assert scrub_text("活动 2026 年 12 月，编号 12345") == "活动 2026 年 12 月，编号 12345"
    assert scrub_text("订单 139123456789012") == "订单 139123456789012"  # not a mobile number


def test_record_scrubs_nested_details():
    record("attendance.unmask", None, reason="电话 13912345678", fields=[{"q": "a@b.cn"}], count=3)
    db.session.commit()
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert entry.details == {"reason": "电话 139****5678", "fields": [{"q": "a***@b.cn"}], "count": 3}
