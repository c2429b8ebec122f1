"""An outbox bound to the database session: mail queued in a transaction goes out after it
commits and is dropped if it rolls back, so nobody is told about a change that did not happen."""
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

OUTBOX_KEY = "leye_outbox"


def queue_mail(session: Session, to: str, subject: str, body: str) -> None:
    """Queue a plain-text mail on ``session``; it is sent when the session commits."""
    if to:
        session.info.setdefault(OUTBOX_KEY, []).append((to, subject, body))


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    messages = session.info.pop(OUTBOX_KEY, [])
    if messages:
        deliver(messages)


@event.listens_for(Session, "after_soft_rollback")
def _drop_outbox(session: Session, previous_transaction) -> None:
    session.info.pop(OUTBOX_KEY, None)


def deliver(messages: list[tuple[str, str, str]]) -> None:
    """Send through ``MAIL_SERVER`` (host, ``MAIL_PORT``, optional ``MAIL_USERNAME``/``MAIL_PASSWORD``,
    ``MAIL_USE_TLS``); without a server, log them. A failing server is logged, never raised: the change
    itself has already been committed."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        for to, subject, _ in messages:
            current_app.logger.info("mail (no MAIL_SERVER configured) to %s: %s", to, subject)
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            for to, subject, body in messages:
                message = EmailMessage()
                message["From"] = config["MAIL_FROM"]
                message["To"] = to
                message["Subject"] = subject
                message.set_content(body)
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("could not send %d mail(s)", len(messages))
