"""Resource shapes of the API, of the seed file and of the control API."""

import datetime
import re
from typing import Annotated, Any, Optional

from pydantic import (
    BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator,
)

from acreto_sim import pathmatch

ZERO_TIME = "0001-01-01T00:00:00.000Z"
MAX_ASSET_VALUE = 2**63 - 1
OK = "ok"
PENDING = "pending_changes"
IN_PROGRESS = "commit_in_progress"
ERROR = "ecosystem_error"
WRITABLE = (OK, PENDING)
# the longest delay that a fault or the latency may add to a request: 10 minutes
DELAY_MAX_MS = 600000

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def format_time(value: datetime.datetime) -> str:
    """The API's own time format: UTC, milliseconds, Z."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (value.year, value.month, value.day, value.hour, value.minute,
                                                    value.second, value.microsecond // 1000)


def parse_rfc3339(text: str) -> str:
    """Validate an RFC 3339 date-time and return it in the API's format."""
    match = _RFC3339.match(text)
    if not match:
        raise ValueError("must be an RFC 3339 date-time such as 2030-01-31T12:00:00.000Z")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = match.group(7) or ""
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    zone = match.group(8)
    try:
        naive = datetime.datetime(year, month, day, hour, minute, second, micro)
        if zone not in ("Z", "z"):
            sign = 1 if zone[0] == "+" else -1
            offset = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            if offset >= datetime.timedelta(hours=24):
                raise ValueError("offset out of range")
            naive = naive - sign * offset
    except (ValueError, OverflowError):
        raise ValueError("is not a valid RFC 3339 date-time (field out of range)") from None
    return format_time(naive)


def _seed_time(value: Any) -> Any:
    # YAML turns an unquoted timestamp into a datetime object.
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return format_time(value)
    if isinstance(value, str):
        return parse_rfc3339(value)
    return value


SeedTime = Annotated[str, BeforeValidator(_seed_time)]


def _int_as_float(value: Any) -> Any:
    # a whole number is a fine float even in strict mode; a bool is not a number
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


Number = Annotated[float, BeforeValidator(_int_as_float)]


# --- the documented API -------------------------------------------------------

class Strict(BaseModel):
    # strict: a JSON string is never taken for a number, as a typed server would refuse it.
    # extra fields are ignored, as the platform does.
    model_config = ConfigDict(strict=True, extra="ignore")


class LoginRequest(Strict):
    username: str
    password: str


class Expiry(Strict):
    time: Optional[str] = ZERO_TIME
    type: Optional[str] = ""

    @field_validator("time")
    @classmethod
    def _time(cls, value: Optional[str]) -> str:
        return ZERO_TIME if value is None else parse_rfc3339(value)

    @field_validator("type")
    @classmethod
    def _type(cls, value: Optional[str]) -> str:
        return value or ""


class ThingIn(Strict):
    """Body of POST and PUT .../devices: what is left out takes its zero value."""

    name: str = Field(min_length=1)
    profileGroup: str = Field(min_length=1)
    type: Optional[str] = ""
    category: Optional[str] = ""
    assetValue: Optional[int] = Field(default=0, ge=0, le=MAX_ASSET_VALUE)
    expiry: Optional[Expiry] = None

    def to_thing(self, uuid: str) -> dict:
        return Thing(
            assetValue=self.assetValue or 0,
            category=self.category or "",
            expiry=self.expiry or Expiry(),
            name=self.name,
            profileGroup=self.profileGroup.lower(),
            type=self.type or "",
            uuid=uuid,
        ).model_dump()


class Thing(BaseModel):
    assetValue: int = 0
    category: str = ""
    expiry: Expiry = Field(default_factory=Expiry)
    name: str
    profileGroup: str
    type: str = ""
    uuid: str


class Group(BaseModel):
    name: str
    uuid: str


class Nsp(BaseModel):
    name: str
    status: str


class Owner(BaseModel):
    fullName: str
    username: str
    uuid: str


class Ecosystem(BaseModel):
    created: str
    name: str
    nsps: list[Nsp]
    owner: Owner
    status: str
    uuid: str


class CustomerRef(BaseModel):
    name: str
    uuid: str


class LoginResponse(BaseModel):
    accessToken: str
    customers: list[CustomerRef]
    expiry: Optional[int] = None


# --- seed file ------------------------------------------------------------------

class SeedModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedExpiry(SeedModel):
    time: SeedTime = ZERO_TIME
    type: str = ""


class SeedThing(SeedModel):
    uuid: Optional[str] = None
    name: str = Field(min_length=1)
    profileGroup: str
    type: str = ""
    category: str = ""
    assetValue: int = Field(default=0, ge=0, le=MAX_ASSET_VALUE)
    expiry: Optional[SeedExpiry] = None


class SeedEcosystem(SeedModel):
    uuid: str
    name: str
    created: SeedTime = "2020-09-30T10:24:00.000Z"
    owner: Optional[str] = None
    status: str = OK
    nsps: list[Nsp] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    devices: list[SeedThing] = Field(default_factory=list)


class SeedCustomer(SeedModel):
    uuid: str
    name: str
    ecosystems: list[SeedEcosystem] = Field(default_factory=list)


class SeedUser(SeedModel):
    uuid: str
    username: str = Field(min_length=1)
    fullName: str = ""
    password: Optional[str] = None
    customers: list[str] = Field(default_factory=list)


class Seed(SeedModel):
    users: list[SeedUser] = Field(min_length=1)
    customers: list[SeedCustomer] = Field(default_factory=list)


# --- control API ----------------------------------------------------------------

class Control(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


# a fault's path field -> the function that builds its matcher (and refuses a bad pattern with a PatternError)
PATH_MATCHERS = {"path": pathmatch.text_matcher, "path_regex": pathmatch.regex_matcher}


class FaultIn(Control):
    method: Optional[str] = None
    path: Optional[str] = Field(default=None, min_length=1)
    path_regex: Optional[str] = Field(default=None, min_length=1)
    status: Optional[int] = Field(default=None, ge=200, le=599)
    retry_after: Optional[int] = Field(default=None, ge=0)
    delay_ms: int = Field(default=0, ge=0, le=DELAY_MAX_MS)
    drop: bool = False
    count: Optional[int] = Field(default=None, ge=1)
    probability: Number = Field(default=1.0, ge=0.0, le=1.0)
    after: bool = False
    # the answer's body instead of the API's: a string is sent as it is, any other JSON value as JSON
    body: Optional[Any] = None
    content_type: Optional[str] = Field(default=None, min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("path", "path_regex")
    @classmethod
    def _matchable(cls, value: Optional[str], info: ValidationInfo) -> Optional[str]:
        if value is not None:
            PATH_MATCHERS[info.field_name](value)
        return value

    @model_validator(mode="after")
    def _one_path(self):
        if (self.path is None) == (self.path_regex is None):
            raise ValueError("path: give either path (plain text) or path_regex (a regular expression)")
        return self

    def path_matcher(self):
        name = "path" if self.path is not None else "path_regex"
        return PATH_MATCHERS[name](getattr(self, name))


class StatusIn(Control):
    status: Optional[str] = Field(default=None, min_length=1)
    fail_next_commit: Optional[bool] = None
    commit_seconds: Optional[Number] = Field(default=None, ge=0)


class ConfigIn(Control):
    commit_seconds: Optional[Number] = Field(default=None, ge=0)
    token_ttl: Optional[int] = Field(default=None, ge=1)
    login_expiry_field: Optional[bool] = None
    latency_ms: Optional[Number] = Field(default=None, ge=0, le=DELAY_MAX_MS)
    latency_jitter_ms: Optional[Number] = Field(default=None, ge=0, le=DELAY_MAX_MS)
    page_size: Optional[int] = Field(default=None, ge=0)


def describe_errors(err: ValidationError) -> str:
    """One line naming each field that failed, e.g. "assetValue: Input should be a valid integer"."""
    parts = []
    for item in err.errors(include_url=False):
        loc = ".".join(str(p) for p in item.get("loc", ()))
        kind = item.get("type", "")
        msg = item.get("msg", "invalid")
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if kind == "missing":
            msg = "field required"
        elif kind == "json_invalid":
            return "request body is not valid JSON: %s" % item.get("ctx", {}).get("error", msg)
        elif kind in ("model_type", "model_attributes_type", "dict_type") and not loc:
            return "request body must be a JSON object"
        parts.append("%s: %s" % (loc, msg) if loc else msg)
    return "; ".join(parts)
