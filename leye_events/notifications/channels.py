"""How a message leaves: SMS backends (``FLASK_SMS_BACKEND``) and e-mail over SMTP.

Each sender raises ``DeliveryError`` when the message did not go out; the worker then retries later.
"""
import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage

from flask import current_app

from ..core.masking import mask_phone


class DeliveryError(Exception):
    """The provider refused or could not be reached; the message may be tried again."""


def send_sms(phone: str, kind: str, text: str) -> None:
    """Send one SMS through the configured backend: ``log`` (default), ``webhook`` or ``aliyun``."""
    backend = current_app.config.get("SMS_BACKEND") or "log"
    if backend == "log":  # development: the text (a login code too) is in the log, the number masked
        current_app.logger.warning("SMS to %s (%s): %s", mask_phone(phone), kind, text)
    elif backend == "webhook":
        _send_webhook(phone, kind, text)
    elif backend == "aliyun":
        _send_aliyun(phone, kind, text)
    else:
        raise DeliveryError(f"unknown SMS_BACKEND {backend!r}")


def _send_webhook(phone: str, kind: str, text: str) -> None:
    """POST ``{"phone", "kind", "text", "params"}`` as JSON to ``SMS_WEBHOOK_URL``; any 2xx is success."""
    url = current_app.config.get("SMS_WEBHOOK_URL")
    if not url:
        raise DeliveryError("SMS_WEBHOOK_URL is not set")
    payload = json.dumps({"phone": phone, "kind": kind, "text": text, "params": {"text": text}},
                         ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"webhook: {error}") from error


def _send_aliyun(phone: str, kind: str, text: str) -> None:
    """Alibaba Cloud SMS (Dysmsapi ``SendSms``) through the official SDK. Each kind maps to an approved
    template in ``SMS_ALIYUN_TEMPLATES`` (JSON ``{kind: code}``, falling back to ``"default"``) whose one
    parameter ``${text}`` carries the text. ``SMS_ALIYUN_ENDPOINT`` may point elsewhere (tests: a local fake)."""
    from alibabacloud_dysmsapi20170525 import models as sms_models
    from alibabacloud_dysmsapi20170525.client import Client
    from alibabacloud_tea_openapi import models as api_models

    config = current_app.config
    templates = config.get("SMS_ALIYUN_TEMPLATES") or {}
    if isinstance(templates, str):
        templates = json.loads(templates)
    template = templates.get(kind) or templates.get("default")
    if not template:
        raise DeliveryError(f"no Alibaba Cloud template for {kind}")
    endpoint = config.get("SMS_ALIYUN_ENDPOINT") or "dysmsapi.aliyuncs.com"
    client = Client(api_models.Config(
        access_key_id=config.get("SMS_ALIYUN_ACCESS_KEY_ID"),
        access_key_secret=config.get("SMS_ALIYUN_ACCESS_KEY_SECRET"),
        endpoint=endpoint.split("://", 1)[-1],
        protocol="http" if endpoint.startswith("http://") else "https",
        read_timeout=10000, connect_timeout=5000,
    ))
    request = sms_models.SendSmsRequest(phone_numbers=phone, sign_name=config.get("SMS_ALIYUN_SIGN_NAME"),
                                        template_code=template,
                                        template_param=json.dumps({"text": text}, ensure_ascii=False))
    try:
        response = client.send_sms(request)
    except Exception as error:  # the SDK raises its own TeaException and network errors
        raise DeliveryError(f"aliyun: {error}") from error
    if response.body is None or response.body.code != "OK":
        code = response.body.code if response.body else "?"
        message = response.body.message if response.body else ""
        raise DeliveryError(f"aliyun: {code} {message}")


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text mail through ``MAIL_SERVER`` (``MAIL_PORT``, optional ``MAIL_USERNAME``/
    ``MAIL_PASSWORD``, ``MAIL_USE_TLS``); without a server, log it."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        current_app.logger.info("mail (no MAIL_SERVER configured) to %s: %s", to, subject)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"smtp: {error}") from error
