"""A company's payment details on its letters: the IBAN's check digits (ISO 13616, mod 97),
the BIC's shape (ISO 9362) and the payment reference's format."""

from __future__ import annotations

import re
import string

from arrears.domain.refusal import Refusal

REFERENCE_FIELDS = ("debtor", "currency", "case")


def iban_clean(text: str) -> str:
    """The IBAN without spaces, in capitals; refused unless its check digits hold."""
    iban = re.sub(r"\s+", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        raise Refusal("sender.bad_iban", iban=text)
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise Refusal("sender.bad_iban", iban=text)
    return iban


def bic_clean(text: str) -> str:
    bic = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?", bic):
        raise Refusal("sender.bad_bic", bic=text)
    return bic


def reference_check(fmt: str) -> str:
    """The format, refused if it names a field other than {debtor}, {currency}, {case}."""
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None]
    except ValueError:
        names = ["?"]
    if not names or any(n not in REFERENCE_FIELDS for n in names):
        raise Refusal("sender.bad_reference", format=fmt, fields="{debtor}, {currency}, {case}")
    return fmt
