"""Concise language, firm tone (rule 10): a message may not hedge or apologise.

The check refuses wording that turns a demand into a favour asked ("if convenient", "sorry to
bother you", "whenever you can") in every shipped language. The lists below are the shipped
ones; a credit manager extends them (`extra`), never shortens them. Matching ignores case and
runs of white space, and for the alphabetic languages matches whole words only. Where listed
phrases overlap in a text, the longest is the one reported, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HEDGES: Mapping[str, tuple[str, ...]] = {
    "en": (
        "if convenient",
        "if it is convenient",
        "at your convenience",
        "when convenient",
        "sorry to bother you",
        "we apologise",
        "we apologize",
        "apologies for",
        "whenever you can",
        "when you get a chance",
        "if possible",
        "if you could",
        "if you don't mind",
        "if you do not mind",
        "no rush",
        "no hurry",
        "just a friendly reminder",
        "we would be grateful if",
        "we hate to",
        "perhaps you could",
        "hopefully",
        "at your earliest convenience",
        "when it suits you",
        "sorry to trouble you",
        "sorry for the inconvenience",
        "please accept our apologies",
        "our apologies",
        "if at all possible",
        "would you mind",
    ),
    "de": (
        "wenn es ihnen passt",
        "wenn es ihnen recht ist",
        "bei gelegenheit",
        "entschuldigen sie die störung",
        "wir entschuldigen uns",
        "tut uns leid",
        "wann immer sie können",
        "falls möglich",
        "wenn möglich",
        "keine eile",
        "wären sie so freundlich",
        "eventuell",
        "vielleicht",
        "sobald es ihnen möglich ist",
        "wenn es ihnen möglich ist",
        "falls es ihnen möglich ist",
        "entschuldigen sie bitte die störung",
        "bitte entschuldigen sie",
        "wenn sie zeit haben",
    ),
    "fr": (
        "si cela vous convient",
        "à votre convenance",
        "quand cela vous arrange",
        "désolé de vous déranger",
        "désolés de vous déranger",
        "nous nous excusons",
        "veuillez nous excuser",
        "quand vous le pourrez",
        "dès que vous le pourrez",
        "si possible",
        "rien ne presse",
        "sans urgence",
        "peut-être",
        "dans la mesure du possible",
        "excusez-nous de vous déranger",
        "pardon de vous déranger",
        "quand vous pourrez",
        "lorsque vous le pourrez",
        "si vous le pouvez",
        "nous vous prions de nous excuser",
    ),
    "zh": (
        "如果方便",
        "方便的时候",
        "在您方便时",
        "抱歉打扰",
        "不好意思打扰",
        "打扰了",
        "有空的时候",
        "如果可以的话",
        "不着急",
        "不急",
        "也许",
        "对不起",
        "不好意思",
        "麻烦您",
        "方便时",
        "有空",
        "请见谅",
        "抱歉",
    ),
}
_WORDED = {"en", "de", "fr"}  # languages written with spaces between words


@dataclass(frozen=True)
class Hedge:
    phrase: str  # as listed
    found: str  # as written in the text
    at: int  # character offset


def _pattern(phrase: str, worded: bool) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return re.compile(rf"(?<!\w){body}(?!\w)" if worded else body, re.IGNORECASE)


def hedges(
    text: str, language: str, extra: Iterable[str] = (), *, shipped: bool = True
) -> list[Hedge]:
    """Every hedging or apologetic phrase in `text`, in order of appearance, each reported
    once: where listed phrases overlap ("our apologies" inside "please accept our
    apologies", 有空 in 有空的时候), the longest match is the hedge found and the shorter ones
    within or across it are not reported again. `shipped=False`: `extra` alone."""
    listed = [*(HEDGES.get(language, ()) if shipped else ()), *extra]
    phrases = list({" ".join(p.casefold().split()): p for p in listed}.values())
    worded = language in _WORDED
    found = [
        Hedge(phrase, m.group(), m.start())
        for phrase in phrases
        for m in _pattern(phrase, worded).finditer(text)
    ]
    kept: list[Hedge] = []
    for h in sorted(found, key=lambda h: (-len(h.found), h.at)):  # the longest first
        if all(h.at + len(h.found) <= k.at or k.at + len(k.found) <= h.at for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.at)
