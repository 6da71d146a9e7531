"""§2-3 Ladders as a file a credit manager can read and edit (TOML), and back.

```toml
[[strategy]]
code = "default"
name = "Standard ladder"
mode = "sequential"          # or "jump"
priority = 100
risk_tiers = []              # empty: any
countries = []
# min_amount = "0.00"        # case open amount, company currency
[[strategy.step]]
code = "reminder"
name = "Reminder"
min_days_past_due = 1
min_gap_days = 3
min_overdue_amount = "0"
# min_broken_promises = 1
channel = "email"            # letter, email, phone, task
role = "collector"           # collector, credit_manager, legal
follow_up_days = 7
fee = { kind = "fixed", amount = "15.00", currency = "EUR" }   # optional, rule 9:
# fee = { kind = "percent", percent = "1.5" }   (of the item's open amount, at most 2 decimals)
# fee = { kind = "compensation" }               (the regime's statutory sum, once per invoice)
# attach_statement = true     # the letter or email carries the debtor's statement of account
```
"""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from typing import Any

from arrears.domain.fees import FeeKind, StepFee
from arrears.domain.ladder import Channel, LadderError, Mode, Role, Segment, Step, Strategy
from arrears.domain.money import Money, MoneyError, exponent, parse_decimal

_STEP_KEYS = {
    "code", "name", "min_days_past_due", "min_gap_days", "min_overdue_amount",
    "min_broken_promises", "channel", "role", "follow_up_days", "fee", "attach_statement",
}  # fmt: skip
_FEE_KEYS = {FeeKind.FIXED: {"amount", "currency"}, FeeKind.PERCENT: {"percent"}}
_STRATEGY_KEYS = {
    "code", "name", "mode", "priority", "risk_tiers", "countries", "min_amount", "max_amount",
    "step",
}  # fmt: skip


def _dec(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise LadderError(f"{where}: {value!r} is not an amount") from None


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise LadderError(f"{where}: attach_statement must be true or false, not {value!r}")
    return value


def _enum(
    kind: type[Channel] | type[Role] | type[Mode] | type[FeeKind], value: Any, where: str
) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise LadderError(f"{where}: {value!r} is not one of {allowed}") from None


def _fee(raw: Any, where: str) -> StepFee | None:
    """A step's fee from `fee = { kind = ..., ... }`; refused with where and what."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise LadderError(f'{where}: fee must be a table such as {{ kind = "fixed", ... }}')
    kind = _enum(FeeKind, raw.get("kind"), f"{where}, fee kind")
    unknown = set(raw) - {"kind"} - _FEE_KEYS.get(kind, set())
    if unknown:
        raise LadderError(f"{where}: unknown fee setting(s) {', '.join(sorted(unknown))}")
    try:
        if kind is FeeKind.FIXED:
            currency = str(raw.get("currency", "")).upper()
            exponent(currency)
            amount = Money(parse_decimal(str(raw.get("amount"))), currency).to_minor()
            return StepFee(kind, amount_minor=amount, currency=currency)
        if kind is FeeKind.PERCENT:
            points = parse_decimal(str(raw.get("percent"))) * 100
            if points != points.to_integral_value():
                raise LadderError(f"{where}: a fee percentage has at most 2 decimals")
            return StepFee(kind, basis_points=int(points))
    except MoneyError as e:
        raise LadderError(f"{where}, fee: {e}") from None
    return StepFee(kind)


def _fee_toml(fee: StepFee) -> str:
    parts = [f'kind = "{fee.kind.value}"']
    if fee.kind is FeeKind.FIXED and fee.currency:
        amount = Money.from_minor(fee.amount_minor, fee.currency).amount
        parts += [f'amount = "{amount}"', f'currency = "{fee.currency}"']
    elif fee.kind is FeeKind.PERCENT:
        parts.append(f'percent = "{(Decimal(fee.basis_points) / 100).normalize():f}"')
    return "{ " + ", ".join(parts) + " }"


def _step(raw: dict[str, Any], where: str) -> Step:
    unknown = set(raw) - _STEP_KEYS
    if unknown:
        raise LadderError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    try:
        return Step(
            code=str(raw["code"]),
            name=str(raw["name"]),
            min_days_past_due=int(raw["min_days_past_due"]),
            channel=_enum(Channel, raw["channel"], where),
            role=_enum(Role, raw["role"], where),
            min_gap_days=int(raw.get("min_gap_days", 0)),
            min_overdue_amount=_dec(raw.get("min_overdue_amount", 0), where),
            min_broken_promises=raw.get("min_broken_promises"),
            follow_up_days=int(raw.get("follow_up_days", 7)),
            fee=_fee(raw.get("fee"), where),
            attach_statement=_bool(raw.get("attach_statement", False), where),
        )
    except KeyError as e:
        raise LadderError(f"{where}: missing {e.args[0]!r}") from None


def strategies_from_toml(text: str) -> tuple[Strategy, ...]:
    """Parse and validate a ladder file; errors name the strategy and step."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LadderError(f"not a valid TOML file: {e}") from None
    out = []
    for n, raw in enumerate(data.get("strategy", []), start=1):
        where = f"strategy {raw.get('code', n)}"
        unknown = set(raw) - _STRATEGY_KEYS
        if unknown:
            raise LadderError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
        steps = tuple(
            _step(s, f"{where}, step {s.get('code', i)}")
            for i, s in enumerate(raw.get("step", []), start=1)
        )
        seg = Segment(
            risk_tiers=frozenset(raw.get("risk_tiers", [])),
            countries=frozenset(raw.get("countries", [])),
            min_amount=_dec(raw["min_amount"], where) if "min_amount" in raw else None,
            max_amount=_dec(raw["max_amount"], where) if "max_amount" in raw else None,
        )
        mode = _enum(Mode, raw.get("mode", "sequential"), where)
        code, name = str(raw.get("code", "")), str(raw.get("name", ""))
        if not code or not name:
            raise LadderError(f"{where}: a strategy needs a code and a name")
        out.append(Strategy(code, name, mode, steps, seg, int(raw.get("priority", 100))))
    if not out:
        raise LadderError("the file defines no [[strategy]]")
    if len({s.code for s in out}) != len(out):
        raise LadderError("strategy codes must be unique")
    if not any(s.segment == Segment() for s in out):
        raise LadderError("one strategy must match every case (no segment): add a catch-all")
    return tuple(out)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, Decimal):
        return f'"{v}"'
    if isinstance(v, list | tuple | frozenset):
        return "[" + ", ".join(_toml_value(x) for x in sorted(v)) + "]"
    return str(v)


def strategies_to_toml(strategies: tuple[Strategy, ...]) -> str:
    """The inverse of `strategies_from_toml` (round-trips exactly)."""
    lines: list[str] = []
    for s in strategies:
        lines += ["[[strategy]]", f"code = {_toml_value(s.code)}", f"name = {_toml_value(s.name)}"]
        lines += [f'mode = "{s.mode.value}"', f"priority = {s.priority}"]
        lines += [f"risk_tiers = {_toml_value(s.segment.risk_tiers)}"]
        lines += [f"countries = {_toml_value(s.segment.countries)}"]
        for key in ("min_amount", "max_amount"):
            if getattr(s.segment, key) is not None:
                lines.append(f"{key} = {_toml_value(getattr(s.segment, key))}")
        for st in s.steps:
            lines += ["", "[[strategy.step]]"]
            for key in sorted(_STEP_KEYS):
                value = getattr(st, key)
                if key == "fee" and value is not None:
                    lines.append(f"fee = {_fee_toml(value)}")
                elif value is not None and value is not False:  # attach_statement: said when on
                    value = value.value if isinstance(value, Channel | Role) else value
                    lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)
