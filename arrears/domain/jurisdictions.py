"""The codes a company's jurisdiction and a debtor's country may take.

A debtor's country is an ISO 3166-1 alpha-2 code officially assigned (and XK, Kosovo, the
user-assigned code the EU and most ERPs use). A company's jurisdiction is one of those, or
`EU` (the Late Payment Directive itself) or `UK` (as the interest regimes accept it beside
GB). Which of them has a late-interest regime or a limitation rule is another question: a
known jurisdiction without one is a company whose letters claim fees but no interest."""

from __future__ import annotations

from arrears.domain.refusal import Refusal

# ISO 3166-1 alpha-2, the 249 officially assigned codes, and XK
COUNTRIES: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET
    FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
    HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ
    OM
    PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA
    RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
    UA UG UM US UY UZ
    VA VC VE VG VI VN VU
    WF WS
    XK
    YE YT
    ZA ZM ZW
    """.split()  # noqa: SIM905 (a table to read, row by row, is clearer than 250 quoted codes)
)

JURISDICTIONS: frozenset[str] = COUNTRIES | {"EU", "UK"}


def jurisdiction_checked(code: str) -> str:
    """The company's jurisdiction in capitals, or refused in words (`ledger.jurisdiction`)."""
    found = code.strip().upper()
    if found not in JURISDICTIONS:
        raise Refusal("ledger.jurisdiction", jurisdiction=code)
    return found
