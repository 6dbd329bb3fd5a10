"""Meter readings: submitting (one or many, with a check while typing), history, volumes."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from auth.policies import ensure_signed_in
from portal.errors import UserInputError
from resolvers import meters
from resolvers.transaction import in_transaction
from schema.base import Info, Node, encode_id, required
from schema.errors import UserError, user_errors
from schema.mutations import (
    idempotency_key_field,
    input_id,
    payload,
    reloaded,
    row_id,
    run,
    run_once,
)
from schema.users import User

if TYPE_CHECKING:
    from schema.devices import Device

strawberry.enum(models.MeterReadingSource, name="MeterReadingSource")


@strawberry.type
class MeterValue:
    kind: models.MeterKind
    value: int


@strawberry.type(description="One submission: every meter of a device, read on one day.")
class MeterReading(Node):
    row: strawberry.Private[models.MeterReading]
    id: strawberry.ID
    loader = "meter_reading_by_id"
    read_on: datetime.date = strawberry.field(
        description="The day of the reading, in the account's timezone."
    )
    submitted_at: datetime.datetime
    source: models.MeterReadingSource
    flagged_for_review: bool = strawberry.field(
        description="Accepted although it implied an unusual volume, after the submitter confirmed."
    )
    voided: bool = strawberry.field(description="Voided by staff (staff still see it).")
    void_reason: str | None

    @classmethod
    def from_row(cls, row: models.MeterReading) -> MeterReading:
        return cls(
            row=row,
            id=encode_id("MeterReading", row.id),
            read_on=row.read_on,
            submitted_at=row.submitted_at,
            source=row.source,
            flagged_for_review=row.flagged_for_review,
            voided=row.voided_at is not None,
            void_reason=row.void_reason,
        )

    @strawberry.field
    def values(self) -> list[MeterValue]:
        return [MeterValue(kind=kind, value=value) for kind, value in self.row.values().items()]

    @strawberry.field
    async def submitted_by(self, info: Info) -> User | None:
        if self.row.submitted_by is None:
            return None
        row = await info.context.loaders.user_by_id.load(self.row.submitted_by)
        return User.from_row(row) if row else None

    @strawberry.field
    async def device(self, info: Info) -> Annotated[Device, strawberry.lazy("schema.devices")]:
        from schema.devices import Device

        row = await info.context.loaders.device_by_id.load(self.row.device_id)
        return Device.from_row(required(row, "this reading's device"))


@strawberry.type
class PreviousMeterValue:
    kind: models.MeterKind
    value: int
    read_on: datetime.date


@strawberry.type
class ExpectedMeterRange:
    kind: models.MeterKind
    minimum: int = strawberry.field(description="The latest accepted value: never lower.")
    typical_maximum: int | None = strawberry.field(
        description="Above this the reading counts as implausible; null with no history."
    )


@strawberry.type(description="What submitting these values would meet: nothing is stored.")
class MeterReadingCheck:
    ok: bool
    read_on: datetime.date = strawberry.field(description="The day the reading would count for.")
    problems: list[UserError]
    previous: list[PreviousMeterValue]
    expected: list[ExpectedMeterRange]
    implausible: bool


@strawberry.type
class MonthlyVolume:
    month: datetime.date = strawberry.field(description="The month's first day.")
    kind: models.MeterKind
    pages: int


@strawberry.input
class MeterValueInput:
    kind: models.MeterKind
    value: int


@strawberry.input
class SubmitMeterReadingInput:
    device_id: strawberry.ID
    values: list[MeterValueInput]
    confirm_implausible: bool | None = strawberry.field(
        default=None,
        description="Accept a reading flagged METER_READING_IMPLAUSIBLE after the user checked it.",
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type
class SubmitMeterReadingPayload:
    meter_reading: MeterReading | None
    user_errors: list[UserError]


@strawberry.input
class SubmitMeterReadingsInput:
    readings: list[SubmitMeterReadingInput] = strawberry.field(description="At most 200.")


@strawberry.type
class SubmitMeterReadingsPayload:
    results: list[SubmitMeterReadingPayload] = strawberry.field(
        description="One per reading, in order: each accepted or refused on its own."
    )
    user_errors: list[UserError]


@strawberry.input
class VoidMeterReadingInput:
    reading_id: strawberry.ID
    reason: str


def _values(values: list[MeterValueInput]) -> list[tuple[models.MeterKind, int]]:
    return [(value.kind, value.value) for value in values]


def _request(reading: SubmitMeterReadingInput) -> meters.ReadingRequest:
    device: uuid.UUID | UserInputError
    try:
        device = input_id(reading.device_id, "Device", "input", "deviceId")
    except UserInputError as error:
        device = error
    return meters.ReadingRequest(device, _values(reading.values), bool(reading.confirm_implausible))


def _item_payload(
    info: Info, index: int, outcome: models.MeterReading | UserInputError
) -> SubmitMeterReadingPayload:
    if not isinstance(outcome, UserInputError):
        return SubmitMeterReadingPayload(
            meter_reading=MeterReading.from_row(outcome), user_errors=[]
        )
    errors = user_errors(outcome, info.context.locale)
    for error in errors:  # each item's paths point into the list: input.readings.<index>...
        if error.field:
            error.field = ["input", "readings", str(index), *error.field[1:]]
    return SubmitMeterReadingPayload(meter_reading=None, user_errors=errors)


async def check_reading(
    info: Info, device_id: uuid.UUID, values: list[MeterValueInput], confirm: bool
) -> MeterReadingCheck:
    _, evaluation = await meters.evaluate(info.context, device_id, _values(values), confirm)
    return MeterReadingCheck(
        ok=evaluation.ok,
        read_on=evaluation.read_on,
        problems=user_errors(UserInputError(evaluation.problems), info.context.locale),
        previous=[
            PreviousMeterValue(kind=p.kind, value=p.value, read_on=p.read_on)
            for p in evaluation.previous
        ],
        expected=[
            ExpectedMeterRange(kind=e.kind, minimum=e.minimum, typical_maximum=e.typical_maximum)
            for e in evaluation.expected
        ],
        implausible=evaluation.implausible,
    )


@strawberry.type
class MeterMutations:
    @strawberry.mutation(description="Report a device's meters for today.")
    async def submit_meter_reading(
        self, info: Info, input: SubmitMeterReadingInput
    ) -> SubmitMeterReadingPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            SubmitMeterReadingPayload,
            "meter_reading",
            await run_once(
                info,
                "submitMeterReading",
                input,
                lambda: meters.submit(
                    info.context,
                    input_id(input.device_id, "Device", "input", "deviceId"),
                    _values(input.values),
                    bool(input.confirm_implausible),
                ),
                row_id,
                reloaded(info, "meter_reading_by_id"),
            ),
            MeterReading.from_row,
        )

    @strawberry.mutation(
        description="Many devices at once (fleet monitoring), each accepted or refused on its own."
    )
    async def submit_meter_readings(
        self, info: Info, input: SubmitMeterReadingsInput
    ) -> SubmitMeterReadingsPayload:
        ensure_signed_in(info.context.viewer)
        requests = [_request(reading) for reading in input.readings]
        try:
            outcomes = await in_transaction(
                info.context, meters.submit_many, info.context, requests
            )
        except UserInputError as error:
            return SubmitMeterReadingsPayload(
                results=[], user_errors=user_errors(error, info.context.locale)
            )
        return SubmitMeterReadingsPayload(
            results=[_item_payload(info, index, outcome) for index, outcome in enumerate(outcomes)],
            user_errors=[],
        )

    @strawberry.mutation(
        description="Staff only: void a wrong reading (kept, marked void, audited)."
    )
    async def void_meter_reading(
        self, info: Info, input: VoidMeterReadingInput
    ) -> SubmitMeterReadingPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            SubmitMeterReadingPayload,
            "meter_reading",
            await run(
                info,
                lambda: meters.void(
                    info.context,
                    input_id(input.reading_id, "MeterReading", "input", "readingId"),
                    input.reason,
                ),
            ),
            MeterReading.from_row,
        )
