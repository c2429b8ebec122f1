"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character."""
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (all from ``ALPHABET``)."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(text: str) -> str:
    """Upper case without spaces."""
    return "".join(text.split()).upper()


def is_valid_credit_code(code: str) -> bool:
    """Whether ``code`` (normalized) has 18 characters of the alphabet and a correct check character."""
    if len(code) != 18 or any(char not in ALPHABET for char in code):
        return False
    return check_character(code[:17]) == code[17]
