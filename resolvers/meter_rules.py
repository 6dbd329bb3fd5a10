"""The published rules of meter readings, free of I/O, shared by `submitMeterReading` and the
`meterReadingCheck` query so a form warns exactly when submitting would fail.

- one value for every meter kind of the model, none twice, none the model lacks;
- whole numbers from 0 to 2,147,483,647; BLACK and COLOR never above TOTAL;
- never lower than the latest accepted value of the same kind;
- one reading per device per day (the day in the account's time zone);
- plausible: the implied pages per day since the last reading at most ten times the device's
  typical daily volume (the median over its recent readings, once it has three) and never
  above an absolute ceiling, unless the submitter confirms; a confirmed one is flagged.
"""

from __future__ import annotations

import dataclasses
import itertools
import statistics
from collections.abc import Sequence
from datetime import date

from models import DeviceStatus, MeterKind
from models.meter import MAX_COUNTER
from portal.errors import Problem, UserErrorCode

PLAUSIBILITY_FACTOR = 10
# Pages per day no office device reaches: beyond it a reading is a typo until confirmed.
DAILY_CEILING = 50_000
MIN_READINGS_FOR_TYPICAL = 3
RECENT_READINGS = 10


@dataclasses.dataclass(frozen=True)
class PastReading:
    read_on: date
    values: dict[MeterKind, int]


@dataclasses.dataclass(frozen=True)
class Previous:
    kind: MeterKind
    value: int
    read_on: date


@dataclasses.dataclass(frozen=True)
class Expected:
    kind: MeterKind
    minimum: int
    typical_maximum: int | None


@dataclasses.dataclass
class Evaluation:
    read_on: date
    problems: list[Problem]
    previous: list[Previous]
    expected: list[Expected]
    implausible: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def typical_daily_volume(history: Sequence[PastReading], kind: MeterKind) -> float | None:
    """Median pages per day between consecutive readings (newest first in `history`)."""
    points = [(r.read_on, r.values[kind]) for r in history if kind in r.values]
    if len(points) < MIN_READINGS_FOR_TYPICAL:
        return None
    rates = [
        (newer - older) / max((newer_on - older_on).days, 1)
        for (newer_on, newer), (older_on, older) in itertools.pairwise(points)
    ]
    return statistics.median(rates)


def evaluate(
    model_kinds: Sequence[MeterKind],
    submitted: Sequence[tuple[MeterKind, int]],
    history: Sequence[PastReading],
    read_on: date,
    status: DeviceStatus,
    confirm_implausible: bool,
) -> Evaluation:
    """`history`: the device's accepted (not voided) readings, newest first."""
    problems: list[Problem] = []

    def fail(code: UserErrorCode, key: str, *field: str | int, **params: object) -> None:
        problems.append(Problem(code, key, ("input", *(str(f) for f in field)), params))

    previous = _latest_per_kind(history)
    evaluation = Evaluation(read_on, problems, list(previous.values()), [])
    if status is DeviceStatus.REMOVED:
        fail(UserErrorCode.DEVICE_NOT_ACTIVE, "device_not_active", "deviceId")
        return evaluation
    if not model_kinds:
        fail(UserErrorCode.INVALID_INPUT, "model_has_no_meters", "deviceId")
        return evaluation
    if any(past.read_on == read_on for past in history):
        fail(UserErrorCode.METER_ALREADY_SUBMITTED_TODAY, "meter_already_today", "deviceId")
    if not submitted:
        fail(
            UserErrorCode.INVALID_INPUT, "meter_values_missing", "values", kinds=_names(model_kinds)
        )
        return evaluation

    values: dict[MeterKind, int] = {}
    for index, (kind, value) in enumerate(submitted):
        if kind not in model_kinds:
            fail(
                UserErrorCode.METER_KIND_NOT_SUPPORTED,
                "meter_kind_not_supported",
                "values",
                index,
                "kind",
            )
        elif kind in values:
            fail(UserErrorCode.INVALID_INPUT, "duplicate", "values", index, "kind")
        elif not 0 <= value <= MAX_COUNTER:
            fail(
                UserErrorCode.INVALID_INPUT,
                "out_of_range",
                "values",
                index,
                "value",
                low=0,
                high=MAX_COUNTER,
            )
        else:
            values[kind] = value
    missing = [kind for kind in model_kinds if kind not in dict(submitted)]
    if missing:
        fail(UserErrorCode.INVALID_INPUT, "meter_values_missing", "values", kinds=_names(missing))

    total = values.get(MeterKind.TOTAL)
    for index, (kind, value) in enumerate(submitted):
        if values.get(kind) != value:
            continue  # already refused above
        if total is not None and kind in (MeterKind.BLACK, MeterKind.COLOR) and value > total:
            fail(
                UserErrorCode.INVALID_INPUT,
                "meter_above_total",
                "values",
                index,
                "value",
                kind=kind.value,
            )
        if kind in previous and value < previous[kind].value:
            before = previous[kind]
            fail(
                UserErrorCode.METER_VALUE_DECREASED,
                "meter_decreased",
                "values",
                index,
                "value",
                previous=before.value,
                date=before.read_on.isoformat(),
            )
        elif kind in previous:
            implied = _implied_daily(value, previous[kind], read_on)
            typical = typical_daily_volume(history, kind)
            limit = min(DAILY_CEILING, PLAUSIBILITY_FACTOR * typical) if typical else DAILY_CEILING
            if implied > limit:
                evaluation.implausible = True
                if not confirm_implausible:
                    fail(
                        UserErrorCode.METER_READING_IMPLAUSIBLE,
                        "meter_implausible",
                        "values",
                        index,
                        "value",
                        daily=round(implied),
                        usual=round(typical) if typical else DAILY_CEILING,
                    )
    evaluation.expected = [
        _expected(kind, previous.get(kind), history, read_on) for kind in model_kinds
    ]
    return evaluation


def _latest_per_kind(history: Sequence[PastReading]) -> dict[MeterKind, Previous]:
    latest: dict[MeterKind, Previous] = {}
    for past in history:  # newest first: the first value seen per kind is the latest
        for kind, value in past.values.items():
            latest.setdefault(kind, Previous(kind, value, past.read_on))
    return latest


def _implied_daily(value: int, before: Previous, read_on: date) -> float:
    return (value - before.value) / max((read_on - before.read_on).days, 1)


def _expected(
    kind: MeterKind, before: Previous | None, history: Sequence[PastReading], read_on: date
) -> Expected:
    if before is None:
        return Expected(kind, 0, None)
    days = max((read_on - before.read_on).days, 1)
    typical = typical_daily_volume(history, kind)
    daily = min(DAILY_CEILING, PLAUSIBILITY_FACTOR * typical) if typical else DAILY_CEILING
    return Expected(kind, before.value, before.value + round(daily * days))


def _names(kinds: Sequence[MeterKind]) -> str:
    return ", ".join(kind.value for kind in kinds)
