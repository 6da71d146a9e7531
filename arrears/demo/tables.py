"""Reference data the demo ledger draws from: countries, payment behaviours, names.

Weights are per mille. The figures are plausible, not statistics: they make the demo look like
a European wholesaler's receivables (mostly EU, some UK/US/Asia, a long tail of bad payers).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Behaviour(StrEnum):
    """How a debtor pays; drives the age and the open share of its items."""

    PROMPT = "prompt"
    SLOW = "slow"
    CHRONIC_LATE = "chronic_late"
    DISPUTING = "disputing"
    INSOLVENT = "insolvent"


BEHAVIOURS: tuple[Behaviour, ...] = tuple(Behaviour)
BEHAVIOUR_WEIGHTS = (450, 250, 150, 90, 60)

# Per behaviour, in BEHAVIOURS order.
RISK_TIERS = (
    (("low", 600), ("medium", 350), ("high", 50)),
    (("low", 250), ("medium", 600), ("high", 150)),
    (("low", 50), ("medium", 500), ("high", 450)),
    (("low", 100), ("medium", 600), ("high", 300)),
    (("medium", 200), ("high", 800)),
)
# Item state: 0 open (untouched), 1 partly paid, 2 fully paid (history).
ITEM_STATES = (
    ((0, 720), (1, 30), (2, 250)),
    ((0, 750), (1, 100), (2, 150)),
    ((0, 700), (1, 200), (2, 100)),
    ((0, 650), (1, 250), (2, 100)),
    ((0, 820), (1, 150), (2, 30)),
)
# Days past due of open items: (bucket, weight); bucket -> (lo, hi) in DPD_BUCKETS.
# Bucket 0 is "not yet due": its days are drawn within the payment terms instead.
DPD_BUCKETS = ((0, 0), (1, 15), (16, 30), (31, 60), (61, 90), (91, 180), (181, 365), (366, 730))
AGE_PROFILES = (
    ((0, 750), (1, 200), (2, 40), (3, 10)),
    ((0, 450), (1, 250), (2, 150), (3, 110), (4, 40)),
    ((0, 250), (1, 100), (2, 100), (3, 180), (4, 120), (5, 150), (6, 100)),
    ((0, 300), (1, 120), (2, 80), (3, 150), (4, 100), (5, 120), (6, 80), (7, 50)),
    ((0, 50), (1, 30), (2, 20), (3, 70), (4, 80), (5, 200), (6, 250), (7, 300)),
)
# Days from due date to payment, for paid items: (lo, hi) per behaviour.
PAY_DELAYS = ((-5, 5), (5, 40), (20, 120), (10, 90), (30, 200))
# Share of debtors whose credit limit is below their exposure, per behaviour.
OVER_LIMIT = (30, 80, 200, 100, 400)

ITEM_KINDS = (("invoice", 900), ("instalment", 40), ("debit_note", 30), ("credit_note", 30))
KIND_PREFIX = {"invoice": "INV", "instalment": "INS", "debit_note": "DN", "credit_note": "CN"}
TERMS_DAYS = ((14, 150), (30, 550), (45, 100), (60, 200))
# Invoice size in EUR cents: (lo, hi) buckets with weights.
AMOUNT_BUCKETS = (
    ((5_000, 49_999), 400),
    ((50_000, 499_999), 400),
    ((500_000, 4_999_999), 170),
    ((5_000_000, 25_000_000), 30),
)
# Minor units per EUR cent, as a fraction: the demo rates (also given to the run as rates).
PER_EUR_CENT = {"EUR": (1, 1), "USD": (108, 100), "GBP": (85, 100), "JPY": (16, 10)}


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    weight: int
    language: str
    currency: str  # how most of its debtors are billed; the rest in the company currency
    currency_share: int  # per mille of debtors billed in `currency`
    phone: str
    tld: str
    legal_forms: tuple[str, ...]
    registration: tuple[str, int]  # prefix, digits
    vat: tuple[str, int, str] | None  # prefix, digits, suffix
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "DE",
        280,
        "de",
        "EUR",
        1000,
        "+49",
        "de",
        ("GmbH", "AG", "KG"),
        ("HRB ", 6),
        ("DE", 9, ""),
        ("Anna", "Jonas", "Katrin", "Lukas", "Sabine", "Thomas"),
        ("Becker", "Fischer", "Hoffmann", "Mueller", "Schmidt", "Wagner"),
    ),
    Country(
        "FR",
        150,
        "fr",
        "EUR",
        1000,
        "+33",
        "fr",
        ("SARL", "SAS", "SA"),
        ("", 9),
        ("FR", 11, ""),
        ("Camille", "Julien", "Marie", "Nicolas", "Sophie", "Thomas"),
        ("Bernard", "Dubois", "Durand", "Lefebvre", "Martin", "Moreau"),
    ),
    Country(
        "NL",
        100,
        "nl",
        "EUR",
        1000,
        "+31",
        "nl",
        ("B.V.", "N.V."),
        ("", 8),
        ("NL", 9, "B01"),
        ("Daan", "Emma", "Lotte", "Pieter", "Sanne", "Willem"),
        ("Bakker", "de Jong", "Jansen", "Smit", "van Dijk", "Visser"),
    ),
    Country(
        "GB",
        120,
        "en",
        "GBP",
        700,
        "+44",
        "co.uk",
        ("Ltd", "PLC"),
        ("", 8),
        ("GB", 9, ""),
        ("Charlotte", "George", "Harry", "Olivia", "Oliver", "Emily"),
        ("Brown", "Evans", "Jones", "Smith", "Taylor", "Williams"),
    ),
    Country(
        "US",
        100,
        "en",
        "USD",
        900,
        "+1",
        "com",
        ("Inc.", "LLC", "Corp."),
        ("", 9),
        None,
        ("Ashley", "David", "Jennifer", "Michael", "Sarah", "James"),
        ("Garcia", "Johnson", "Miller", "Smith", "Davis", "Wilson"),
    ),
    Country(
        "CN",
        50,
        "zh",
        "USD",
        600,
        "+86",
        "cn",
        ("Co., Ltd.",),
        ("91310000", 10),
        None,
        ("Fang", "Jing", "Lei", "Min", "Wei", "Yan"),
        ("Chen", "Li", "Liu", "Wang", "Zhang", "Zhao"),
    ),
    Country(
        "IT",
        60,
        "it",
        "EUR",
        1000,
        "+39",
        "it",
        ("S.r.l.", "S.p.A."),
        ("MI-", 7),
        ("IT", 11, ""),
        ("Alessandro", "Chiara", "Giulia", "Luca", "Marco", "Sara"),
        ("Bianchi", "Colombo", "Esposito", "Ferrari", "Romano", "Rossi"),
    ),
    Country(
        "ES",
        60,
        "es",
        "EUR",
        1000,
        "+34",
        "es",
        ("S.L.", "S.A."),
        ("B", 8),
        ("ES", 9, ""),
        ("Carmen", "David", "Javier", "Laura", "Lucia", "Pablo"),
        ("Fernandez", "Garcia", "Gonzalez", "Lopez", "Martinez", "Rodriguez"),
    ),
    Country(
        "BE",
        30,
        "nl",
        "EUR",
        1000,
        "+32",
        "be",
        ("BV", "NV", "SRL"),
        ("0", 9),
        ("BE0", 9, ""),
        ("Elise", "Lars", "Louis", "Marie", "Noah", "Sofie"),
        ("Claes", "Jacobs", "Maes", "Mertens", "Peeters", "Willems"),
    ),
    Country(
        "AT",
        30,
        "de",
        "EUR",
        1000,
        "+43",
        "at",
        ("GmbH", "AG"),
        ("FN ", 6),
        ("ATU", 8, ""),
        ("Anna", "Florian", "Johanna", "Markus", "Stefan", "Verena"),
        ("Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner"),
    ),
    Country(
        "JP",
        20,
        "ja",
        "JPY",
        800,
        "+81",
        "jp",
        ("K.K.", "Co., Ltd."),
        ("", 13),
        None,
        ("Haruto", "Hina", "Kenji", "Sakura", "Takumi", "Yui"),
        ("Kato", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe"),
    ),
)

NAME_STEMS = (
    "Alpina",
    "Baltic",
    "Cobalt",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granit",
    "Horizon",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nordwind",
    "Orion",
    "Polaris",
    "Quarz",
    "Riviera",
    "Sierra",
    "Tundra",
    "Ultramar",
    "Vega",
    "Westbrook",
    "Zenit",
)
NAME_SECTORS = (
    "Logistics",
    "Foods",
    "Machinery",
    "Textiles",
    "Electronics",
    "Chemicals",
    "Packaging",
    "Retail",
    "Construction",
    "Pharma",
    "Automotive",
    "Furniture",
    "Paper",
    "Tools",
)
