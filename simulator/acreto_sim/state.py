"""The simulator's data, behind one lock, with optional persistence to a JSON file."""

import collections
import copy
import hmac
import json
import os
import random
import secrets
import threading
import time
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import jwt

from acreto_sim import models
from acreto_sim.files import write_atomically
from acreto_sim.models import ERROR, IN_PROGRESS, OK, PENDING, WRITABLE

STATE_VERSION = 1


class ApiError(Exception):
    def __init__(self, code: int, message: str, headers: Optional[dict] = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers


class SeedError(Exception):
    pass


@dataclass
class Config:
    commit_seconds: float = 3.0
    token_ttl: int = 600
    login_expiry_field: bool = False
    # the round trip of a network: every /v2 request waits latency_ms, give or take up to latency_jitter_ms
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    # lists answer at most this many items a page, with a Link rel="next" header to the next page; 0: one page
    page_size: int = 0
    # fields of a newer API that Things store, return and accept, each with the value it takes when left out
    thing_extra_fields: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "commit_seconds": self.commit_seconds,
            "token_ttl": self.token_ttl,
            "login_expiry_field": self.login_expiry_field,
            "latency_ms": self.latency_ms,
            "latency_jitter_ms": self.latency_jitter_ms,
            "page_size": self.page_size,
            "thing_extra_fields": copy.deepcopy(self.thing_extra_fields),
        }


@dataclass
class Fault:
    id: int
    path: Optional[str] = None
    path_regex: Optional[str] = None
    method: Optional[str] = None
    status: Optional[int] = None
    retry_after: Optional[int] = None
    delay_ms: int = 0
    drop: bool = False
    count: Optional[int] = None
    probability: float = 1.0
    after: bool = False
    body: Any = None
    content_type: Optional[str] = None
    headers: dict = field(default_factory=dict)
    hits: int = 0
    matches_path: Callable[[str], bool] = field(default=None, repr=False)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "method": self.method, "path": self.path, "path_regex": self.path_regex,
            "status": self.status,
            "retry_after": self.retry_after, "delay_ms": self.delay_ms, "drop": self.drop,
            "count": self.count, "probability": self.probability, "after": self.after, "body": self.body,
            "content_type": self.content_type, "headers": dict(self.headers), "hits": self.hits,
        }

    @property
    def answers(self) -> bool:
        """Whether the fault answers in place of the API (with its status, or its own body or headers)."""
        return self.status is not None or self.body is not None or bool(self.headers)


def seed_to_data(seed: models.Seed) -> dict:
    """Check the references inside a seed and turn it into the stored form."""
    users, customers, ecosystems = {}, {}, {}
    usernames = set()
    for user in seed.users:
        uid = user.uuid.lower()
        if uid in users:
            raise SeedError("users: duplicate uuid %s" % uid)
        if user.username in usernames:
            raise SeedError("users: duplicate username %s" % user.username)
        usernames.add(user.username)
        users[uid] = {
            "uuid": uid, "username": user.username, "fullName": user.fullName,
            "password": user.password, "customers": [c.lower() for c in user.customers],
        }
    for ci, cust in enumerate(seed.customers):
        cid = cust.uuid.lower()
        if cid in customers:
            raise SeedError("customers.%d: duplicate uuid %s" % (ci, cid))
        customers[cid] = {"uuid": cid, "name": cust.name, "ecosystems": []}
        members = [u for u in users.values() if cid in u["customers"]]
        for ei, eco in enumerate(cust.ecosystems):
            where = "customers.%d.ecosystems.%d" % (ci, ei)
            eid = eco.uuid.lower()
            if eid in ecosystems:
                raise SeedError("%s: duplicate uuid %s" % (where, eid))
            owner = (eco.owner or (members[0]["uuid"] if members else "")).lower()
            if owner not in users:
                raise SeedError("%s.owner: no user with uuid %r" % (where, eco.owner or owner))
            groups = [{"name": g.name, "uuid": g.uuid.lower()} for g in eco.groups]
            group_ids = {g["uuid"] for g in groups}
            devices = {}
            for di, dev in enumerate(eco.devices):
                if dev.profileGroup.lower() not in group_ids:
                    raise SeedError("%s.devices.%d.profileGroup: no group %s in this ecosystem"
                                    % (where, di, dev.profileGroup))
                body = dev.model_dump(exclude={"uuid"}, exclude_none=True)
                try:
                    thing = models.ThingIn.model_validate(body, strict=False)
                except models.ValidationError as err:
                    raise SeedError("%s.devices.%d: %s" % (where, di, models.describe_errors(err))) from None
                did = (dev.uuid or str(uuidlib.uuid4())).lower()
                if did in devices:
                    raise SeedError("%s.devices.%d: duplicate uuid %s" % (where, di, did))
                devices[did] = thing.to_thing(did)
            ecosystems[eid] = {
                "uuid": eid, "name": eco.name, "created": eco.created, "owner": owner,
                "status": eco.status, "nsps": [n.model_dump() for n in eco.nsps], "customer": cid,
                "groups": groups, "devices": devices, "commit": None, "fail_next_commit": False,
            }
            customers[cid]["ecosystems"].append(eid)
    for user in users.values():
        for cid in user["customers"]:
            if cid not in customers:
                raise SeedError("users: %s refers to unknown customer %s" % (user["username"], cid))
    return {"users": users, "customers": customers, "ecosystems": ecosystems}


class State:
    def __init__(self, seed_data: dict, password: str, config: Config, state_file: Optional[str] = None,
                 request_log_max: int = 100000):
        self.lock = threading.RLock()
        self.seed_data = seed_data
        self.password = password
        self.initial_config = copy.copy(config)
        self.config = config
        self.state_file = state_file
        self.requests = collections.deque(maxlen=request_log_max)
        self.faults: list[Fault] = []
        self._fault_ids = 0
        self._random = random.Random()
        self._verified = {}  # token -> (user uuid, exp, generation), so that each signature is checked once
        # every token issued since the process started (not saved, not cleared by a reset), for leak tests
        self.issued_tokens = collections.deque(maxlen=request_log_max)
        self.data = None
        if state_file and os.path.exists(state_file):
            self.data = self._load(state_file)
        if self.data is None:
            self.data = self._fresh()
            self._save()

    # --- persistence ----------------------------------------------------------

    def _fresh(self) -> dict:
        data = copy.deepcopy(self.seed_data)
        data["version"] = STATE_VERSION
        data["secret"] = secrets.token_urlsafe(32)
        data["token_generation"] = 0
        return data

    @staticmethod
    def _load(path: str) -> dict:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as err:
            raise SeedError("cannot read state file %s: %s" % (path, err)) from None
        keys = ("users", "customers", "ecosystems", "secret", "token_generation")
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION or any(k not in data for k in keys):
            raise SeedError("state file %s is not an acreto-sim state file (version %d)" % (path, STATE_VERSION))
        return data

    def _save(self) -> None:
        if not self.state_file:
            return
        # key order is list order: keep it
        write_atomically(self.state_file, json.dumps(self.data, indent=1))

    # --- control ----------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            generation = self.data["token_generation"]
            secret = self.data["secret"]
            self.data = self._fresh()
            # tokens stay valid across a reset: the seed users are the same
            self.data["token_generation"] = generation
            self.data["secret"] = secret
            self.config.__dict__.update(copy.copy(self.initial_config).__dict__)
            self.faults.clear()
            self.requests.clear()
            self._save()

    def tokens(self) -> list:
        with self.lock:
            return list(self.issued_tokens)

    def expire_tokens(self) -> None:
        with self.lock:
            self.data["token_generation"] += 1
            self._save()

    def update_config(self, change: models.ConfigIn) -> dict:
        with self.lock:
            for key, value in change.model_dump(exclude_none=True).items():
                setattr(self.config, key, value)
            return self.config.as_dict()

    def force_status(self, eco_uuid: str, change: models.StatusIn) -> dict:
        with self.lock:
            eco = self.data["ecosystems"].get(eco_uuid.lower())
            if eco is None:
                raise ApiError(404, "ecosystem %s not found" % eco_uuid)
            self._settle(eco)
            if change.status is not None:
                eco["status"] = change.status
                eco["commit"] = None
                if change.status == IN_PROGRESS and change.commit_seconds is not None:
                    eco["commit"] = {"started": time.time(), "seconds": change.commit_seconds,
                                     "fail": bool(eco["fail_next_commit"])}
                    eco["fail_next_commit"] = False
            if change.fail_next_commit is not None:
                eco["fail_next_commit"] = change.fail_next_commit
            self._save()
            out = self._ecosystem_view(eco)
            out["fail_next_commit"] = eco["fail_next_commit"]
            return out

    def log_request(self, method: str, path: str, status: Optional[int]) -> None:
        self.requests.append({"method": method, "path": path, "status": status})

    def request_log(self) -> list:
        with self.lock:
            return list(self.requests)

    def clear_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    def add_fault(self, spec: models.FaultIn) -> dict:
        with self.lock:
            self._fault_ids += 1
            values = spec.model_dump()
            if values["method"]:
                values["method"] = values["method"].upper()
            fault = Fault(id=self._fault_ids, matches_path=spec.path_matcher(), **values)
            self.faults.append(fault)
            return fault.as_dict()

    def list_faults(self) -> list:
        with self.lock:
            return [f.as_dict() for f in self.faults]

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def latency_seconds(self) -> float:
        """How long the next /v2 request waits: latency_ms, plus or minus a uniform share of latency_jitter_ms."""
        config = self.config
        if not config.latency_ms and not config.latency_jitter_ms:
            return 0.0
        with self.lock:
            jitter = self._random.uniform(-config.latency_jitter_ms, config.latency_jitter_ms)
        return max(0.0, config.latency_ms + jitter) / 1000.0

    def take_fault(self, method: str, path: str) -> Optional[Fault]:
        """The first fault that matches this request and fires, counted as used."""
        if not self.faults:
            return None
        with self.lock:
            for fault in self.faults:
                if fault.method and fault.method != method:
                    continue
                if not fault.matches_path(path):
                    continue
                if fault.probability < 1.0 and self._random.random() >= fault.probability:
                    continue
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                return fault
            return None

    # --- auth -------------------------------------------------------------------

    def login(self, username: str, password: str) -> dict:
        with self.lock:
            user = next((u for u in self.data["users"].values() if u["username"] == username), None)
            expected = (user or {}).get("password") or self.password
            # compared even for an unknown user, so that timing does not tell which users exist
            matches = hmac.compare_digest(password.encode(), expected.encode())
            if user is None or not matches:
                raise ApiError(401, "invalid username or password")
            ttl = self.config.token_ttl
            now = time.time()
            payload = {
                "username": user["username"],
                "uuid": user["uuid"],
                "expiry": ttl,
                "iat": round(now, 3),
                "exp": round(now + ttl, 3),
                "gen": self.data["token_generation"],
            }
            token = jwt.encode(payload, self.data["secret"], algorithm="HS256")
            self.issued_tokens.append({"token": token, "username": user["username"], "iat": payload["iat"], "exp": payload["exp"]})
            out = {
                "accessToken": token,
                "customers": [{"name": self.data["customers"][c]["name"], "uuid": c}
                              for c in user["customers"] if c in self.data["customers"]],
            }
            if self.config.login_expiry_field:
                out["expiry"] = ttl
            return out

    def authenticate(self, header: Optional[str]) -> dict:
        """The user behind an `Authorization: Bearer` header, or ApiError 401."""
        if not header:
            raise ApiError(401, "missing Authorization header (expected: Bearer <token>)")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "malformed Authorization header (expected: Bearer <token>)")
        with self.lock:
            secret = self.data["secret"]
            generation = self.data["token_generation"]
            claims = self._verified.get(token)
        if claims is None:
            try:
                payload = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
            except jwt.PyJWTError:
                raise ApiError(401, "invalid access token") from None
            exp = payload.get("exp")
            if not isinstance(exp, (int, float)):
                raise ApiError(401, "invalid access token")
            claims = (payload.get("uuid"), exp, payload.get("gen"))
            with self.lock:
                if len(self._verified) >= 10000:
                    self._verified.clear()
                self._verified[token] = claims
        user_uuid, exp, gen = claims
        if time.time() >= exp or gen != generation:
            raise ApiError(401, "access token expired")
        with self.lock:
            user = self.data["users"].get(user_uuid)
        if user is None:
            raise ApiError(401, "invalid access token")
        return user

    # --- documented API -----------------------------------------------------------

    def _ecosystem(self, user: dict, customer: str, ecosystem: str) -> dict:
        customer = customer.lower()
        if customer not in user["customers"] or customer not in self.data["customers"]:
            raise ApiError(404, "customer %s not found" % customer)
        eco = self.data["ecosystems"].get(ecosystem.lower())
        if eco is None or eco["customer"] != customer:
            raise ApiError(404, "ecosystem %s not found" % ecosystem)
        self._settle(eco)
        return eco

    def _settle(self, eco: dict) -> None:
        """Finish a commit whose time is up: the status is computed when read, so no timer thread is needed."""
        commit = eco.get("commit")
        if eco["status"] == IN_PROGRESS and commit and time.time() >= commit["started"] + commit["seconds"]:
            eco["status"] = ERROR if commit["fail"] else OK
            eco["commit"] = None

    def _ecosystem_view(self, eco: dict) -> dict:
        owner = self.data["users"].get(eco["owner"], {})
        return {
            "created": eco["created"],
            "name": eco["name"],
            "nsps": [dict(n) for n in eco["nsps"]],
            "owner": {"fullName": owner.get("fullName", ""), "username": owner.get("username", ""),
                      "uuid": eco["owner"]},
            "status": eco["status"],
            "uuid": eco["uuid"],
        }

    def list_ecosystems(self, user: dict, customer: str) -> list:
        with self.lock:
            customer = customer.lower()
            if customer not in user["customers"] or customer not in self.data["customers"]:
                raise ApiError(404, "customer %s not found" % customer)
            out = []
            for eid in self.data["customers"][customer]["ecosystems"]:
                eco = self.data["ecosystems"][eid]
                self._settle(eco)
                out.append(self._ecosystem_view(eco))
            return out

    def get_ecosystem(self, user: dict, customer: str, ecosystem: str) -> dict:
        with self.lock:
            return self._ecosystem_view(self._ecosystem(user, customer, ecosystem))

    def list_groups(self, user: dict, customer: str, ecosystem: str) -> list:
        with self.lock:
            return [dict(g) for g in self._ecosystem(user, customer, ecosystem)["groups"]]

    def _thing_view(self, thing: dict) -> dict:
        """A stored Thing as the API answers it: with every extra field, at its default when it was never set."""
        return copy.deepcopy(dict(self.config.thing_extra_fields, **thing))

    def _stored_thing(self, body: models.ThingIn, extras: dict, did: str) -> dict:
        """What a POST or PUT stores: the body, and every extra field at its value in the body or at its default."""
        thing = body.to_thing(did)
        for name, default in self.config.thing_extra_fields.items():
            thing[name] = copy.deepcopy(extras.get(name, default))
        return thing

    def list_devices(self, user: dict, customer: str, ecosystem: str) -> list:
        with self.lock:
            return [self._thing_view(d) for d in self._ecosystem(user, customer, ecosystem)["devices"].values()]

    def get_device(self, user: dict, customer: str, ecosystem: str, device: str) -> dict:
        with self.lock:
            eco = self._ecosystem(user, customer, ecosystem)
            thing = eco["devices"].get(device.lower())
            if thing is None:
                raise ApiError(404, "device %s not found" % device)
            return self._thing_view(thing)

    @staticmethod
    def _writable(eco: dict, what: str) -> None:
        if eco["status"] not in WRITABLE:
            raise ApiError(409, "cannot %s: ecosystem %s is in status %s; wait until it is %s or %s"
                           % (what, eco["uuid"], eco["status"], OK, PENDING))

    @staticmethod
    def _check_group(eco: dict, body: models.ThingIn) -> None:
        if body.profileGroup.lower() not in {g["uuid"] for g in eco["groups"]}:
            raise ApiError(400, "profileGroup: profile group %s not found in ecosystem %s"
                           % (body.profileGroup, eco["uuid"]))

    def _changed(self, eco: dict) -> None:
        if eco["status"] == OK:
            eco["status"] = PENDING
        self._save()

    def create_device(self, user: dict, customer: str, ecosystem: str, body: models.ThingIn, extras: dict) -> dict:
        with self.lock:
            eco = self._ecosystem(user, customer, ecosystem)
            self._check_group(eco, body)
            self._writable(eco, "create a device")
            did = str(uuidlib.uuid4())
            eco["devices"][did] = self._stored_thing(body, extras, did)
            self._changed(eco)
            return self._thing_view(eco["devices"][did])

    def replace_device(self, user: dict, customer: str, ecosystem: str, device: str, body: models.ThingIn,
                       extras: dict) -> dict:
        with self.lock:
            eco = self._ecosystem(user, customer, ecosystem)
            did = device.lower()
            if did not in eco["devices"]:
                raise ApiError(404, "device %s not found" % device)
            self._check_group(eco, body)
            self._writable(eco, "update a device")
            eco["devices"][did] = self._stored_thing(body, extras, did)
            self._changed(eco)
            return self._thing_view(eco["devices"][did])

    def delete_device(self, user: dict, customer: str, ecosystem: str, device: str) -> None:
        with self.lock:
            eco = self._ecosystem(user, customer, ecosystem)
            did = device.lower()
            if did not in eco["devices"]:
                raise ApiError(404, "device %s not found" % device)
            self._writable(eco, "delete a device")
            del eco["devices"][did]
            self._changed(eco)

    def commit(self, user: dict, customer: str, ecosystem: str) -> None:
        with self.lock:
            eco = self._ecosystem(user, customer, ecosystem)
            self._writable(eco, "commit")
            fail = bool(eco["fail_next_commit"])
            eco["fail_next_commit"] = False
            seconds = self.config.commit_seconds
            if seconds <= 0:
                eco["status"] = ERROR if fail else OK
                eco["commit"] = None
            else:
                eco["status"] = IN_PROGRESS
                eco["commit"] = {"started": time.time(), "seconds": seconds, "fail": fail}
            self._save()
