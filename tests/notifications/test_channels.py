"""SMS backends against local servers: the JSON webhook and Alibaba Cloud SMS through its official SDK."""
import json

import pytest

from leye_events.notifications.channels import DeliveryError, send_sms

from ..booking.test_concurrency import configured
from .conftest import FakeGateway


@pytest.fixture
def fake_aliyun(app):
    server = FakeGateway()
    server.reply = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}
    settings = {"SMS_BACKEND": "aliyun", "SMS_ALIYUN_ENDPOINT": server.url, "SMS_ALIYUN_ACCESS_KEY_ID": "test-id",
                "SMS_ALIYUN_ACCESS_KEY_SECRET": "test-secret", "SMS_ALIYUN_SIGN_NAME": "乐业活动",
                "SMS_ALIYUN_TEMPLATES": json.dumps({"reminder": "SMS_400100", "default": "SMS_400999"})}
    with configured(app, **settings):
        yield server
    server.close()


def test_the_webhook_gets_phone_kind_text_and_params(gateway):
    send_sms("13812345678", "promoted", "【乐业活动】候补成功")
    [request] = gateway.requests
    assert request["path"] == "/sms" and request["method"] == "POST"
    assert request["json"] == {"phone": "13812345678", "kind": "promoted", "text": "【乐业活动】候补成功",
                               "params": {"text": "【乐业活动】候补成功"}}


def test_a_webhook_error_status_is_a_delivery_error(gateway):
    gateway.status = 500
    with pytest.raises(DeliveryError):
        send_sms("13812345678", "promoted", "x")


def test_alibaba_cloud_sms_sends_the_template_of_the_kind_with_its_parameter(fake_aliyun):
    send_sms("13812345678", "reminder", "提醒：明天 14:00")
    send_sms("13812345679", "event_cancelled", "活动取消")
    first, second = fake_aliyun.requests
    assert first["params"]["PhoneNumbers"] == "13812345678"
    assert first["params"]["SignName"] == "乐业活动"
    assert first["params"]["TemplateCode"] == "SMS_400100"
    assert json.loads(first["params"]["TemplateParam"]) == {"text": "提醒：明天 14:00"}
    assert second["params"]["TemplateCode"] == "SMS_400999"  # no template of its own: the default
    headers = {k.lower(): v for k, v in first["headers"].items()}
    assert headers["x-acs-action"] == "SendSms"
    assert "test-id" in headers["authorization"]  # signed with the access key


def test_an_alibaba_cloud_refusal_is_a_delivery_error(fake_aliyun):
    fake_aliyun.reply = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控", "RequestId": "x"}
    with pytest.raises(DeliveryError, match="BUSINESS_LIMIT_CONTROL"):
        send_sms("13812345678", "reminder", "x")


def test_an_unknown_backend_is_a_delivery_error(app):
    with configured(app, SMS_BACKEND="carrier-pigeon"), pytest.raises(DeliveryError):
        send_sms("13812345678", "reminder", "x")
