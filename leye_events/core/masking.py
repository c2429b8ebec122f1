"""Masking of personal data for display: phones as 138****5678, names as 张*."""


def mask_phone(phone: str | None) -> str:
    """Keep the first three and last four digits of a mobile number."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """Keep the first character (the family name in Chinese) and star the rest."""
    if not name:
        return ""
    name = name.strip()
    if len(name) <= 1:
        return name
    if name.isascii():
        return " ".join(part[:1] + "*" * (len(part) - 1) for part in name.split())
    return name[0] + "*" * (len(name) - 1)


def mask_email(email: str | None) -> str:
    """Keep the first character of the local part and the domain."""
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return local[:1] + "***@" + domain
