"""HTTP layer: the documented API under /v2, the control API under /_sim, faults and the request log."""

import asyncio
import json
from typing import Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from acreto_sim import __version__, models
from acreto_sim.control_guard import ControlGuard
from acreto_sim.state import ApiError, State

CUSTOMER = "/v2/customers/{customer}"
ECOSYSTEM = CUSTOMER + "/ecosystems/{ecosystem}"


def error(code: int, message: str, headers: Optional[dict] = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=code, headers=headers)


async def parse_body(request: Request, model: type):
    """Validate the JSON body with a model, after authentication and lookups (FastAPI would do it before)."""
    raw = await request.body()
    if not raw.strip():
        raise ApiError(400, "request body is required: a JSON object")
    try:
        return model.model_validate_json(raw)
    except ValidationError as err:
        raise ApiError(400, models.describe_errors(err)) from None


async def parse_thing(request: Request, state: State) -> tuple:
    """The body of a POST or PUT of a Thing, and the values it gives to the extra fields of a newer API."""
    body = await parse_body(request, models.ThingIn)
    raw = json.loads(await request.body())
    extras = {name: raw[name] for name in state.config.thing_extra_fields if name in raw}
    return body, extras


def paged(request: Request, items: list, page_size: int) -> JSONResponse:
    """A list answer; with a page size, one page of it (?page=N, from 1) and a Link rel="next" to the next one."""
    if not page_size:
        return JSONResponse(items)
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        raise ApiError(400, "page: must be a whole number from 1") from None
    start = (page - 1) * page_size
    headers = {}
    if start + page_size < len(items):
        headers["Link"] = '<%s?page=%d>; rel="next"' % (request.url.path, page + 1)
    return JSONResponse(items[start:start + page_size], headers=headers)


def create_api(state: State) -> FastAPI:
    api = FastAPI(
        title="Acreto API v2 simulator",
        version=__version__,
        docs_url="/_sim/docs",
        redoc_url=None,
        openapi_url="/_sim/openapi.json",
        redirect_slashes=False,
    )

    @api.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        headers = dict(exc.headers or {})
        if exc.code == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return error(exc.code, exc.message, headers)

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # each method is its own route, so list every method of every route on this path
            allowed = set()
            for route in api.routes:
                regex = getattr(route, "path_regex", None)
                if regex is not None and regex.match(request.url.path):
                    allowed |= set(getattr(route, "methods", ()) or ())
            headers["Allow"] = ", ".join(sorted(allowed - {"HEAD"}))
        return error(exc.status_code, "%s %s: %s" % (request.method, request.url.path, exc.detail), headers)

    @api.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for item in exc.errors():
            loc = ".".join(str(p) for p in item.get("loc", ()) if p not in ("body", "path", "query"))
            parts.append("%s: %s" % (loc, item.get("msg")) if loc else str(item.get("msg")))
        return error(400, "; ".join(parts))

    @api.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception):
        return error(500, "internal simulator error: %s" % type(exc).__name__)

    def user_of(request: Request) -> dict:
        return state.authenticate(request.headers.get("authorization"))

    # --- documented API ---------------------------------------------------------------

    # Handlers read path parameters from the request: declaring them as arguments costs a
    # validation step per request that plain strings do not need. The response models are
    # declared for the OpenAPI document; returning a Response skips their re-validation.

    @api.post("/v2/auth/login", response_model=models.LoginResponse, response_model_exclude_none=True)
    async def login(request: Request):
        body = await parse_body(request, models.LoginRequest)
        return JSONResponse(state.login(body.username, body.password))

    @api.get(CUSTOMER + "/ecosystems", response_model=list[models.Ecosystem])
    async def list_ecosystems(request: Request):
        p = request.path_params
        return paged(request, state.list_ecosystems(user_of(request), p["customer"]), state.config.page_size)

    @api.get(ECOSYSTEM, response_model=models.Ecosystem)
    async def get_ecosystem(request: Request):
        p = request.path_params
        return JSONResponse(state.get_ecosystem(user_of(request), p["customer"], p["ecosystem"]))

    @api.get(ECOSYSTEM + "/groups", response_model=list[models.Group])
    async def list_groups(request: Request):
        p = request.path_params
        return paged(request, state.list_groups(user_of(request), p["customer"], p["ecosystem"]), state.config.page_size)

    @api.get(ECOSYSTEM + "/devices", response_model=list[models.Thing])
    async def list_devices(request: Request):
        p = request.path_params
        return paged(request, state.list_devices(user_of(request), p["customer"], p["ecosystem"]), state.config.page_size)

    @api.post(ECOSYSTEM + "/devices", response_model=models.Thing, status_code=201)
    async def create_device(request: Request):
        p = request.path_params
        user = user_of(request)
        state.get_ecosystem(user, p["customer"], p["ecosystem"])  # 404 before 400
        body, extras = await parse_thing(request, state)
        return JSONResponse(state.create_device(user, p["customer"], p["ecosystem"], body, extras), status_code=201)

    @api.get(ECOSYSTEM + "/devices/{device}", response_model=models.Thing)
    async def get_device(request: Request):
        p = request.path_params
        return JSONResponse(state.get_device(user_of(request), p["customer"], p["ecosystem"], p["device"]))

    @api.put(ECOSYSTEM + "/devices/{device}", response_model=models.Thing)
    async def replace_device(request: Request):
        p = request.path_params
        user = user_of(request)
        state.get_device(user, p["customer"], p["ecosystem"], p["device"])  # 404 before 400
        body, extras = await parse_thing(request, state)
        return JSONResponse(state.replace_device(user, p["customer"], p["ecosystem"], p["device"], body, extras))

    @api.delete(ECOSYSTEM + "/devices/{device}", status_code=204)
    async def delete_device(request: Request):
        p = request.path_params
        state.delete_device(user_of(request), p["customer"], p["ecosystem"], p["device"])
        return Response(status_code=204)

    @api.post(ECOSYSTEM + "/commits", status_code=204)
    async def commit(request: Request):
        p = request.path_params
        state.commit(user_of(request), p["customer"], p["ecosystem"])
        return Response(status_code=204)

    # --- control API ---------------------------------------------------------------------

    @api.post("/_sim/reset")
    async def reset():
        state.reset()
        return {"reset": True}

    @api.get("/_sim/requests")
    async def get_requests():
        return state.request_log()

    @api.delete("/_sim/requests")
    async def clear_requests():
        state.clear_requests()
        return {"cleared": True}

    @api.get("/_sim/faults")
    async def list_faults():
        return state.list_faults()

    @api.post("/_sim/faults")
    async def add_fault(request: Request):
        spec = await parse_body(request, models.FaultIn)
        if spec.status is None and not spec.drop and not spec.delay_ms and spec.body is None and not spec.headers:
            raise ApiError(400, "status: give a status, drop: true, a delay_ms, a body or headers")
        return state.add_fault(spec)

    @api.delete("/_sim/faults")
    async def clear_faults():
        state.clear_faults()
        return {"cleared": True}

    @api.post("/_sim/ecosystems/{ecosystem}/status")
    async def force_status(request: Request, ecosystem: str):
        change = await parse_body(request, models.StatusIn)
        if change.status is None and change.fail_next_commit is None:
            raise ApiError(400, "status: give a status or fail_next_commit")
        return state.force_status(ecosystem, change)

    @api.get("/_sim/tokens")
    async def issued_tokens():
        return state.tokens()

    @api.post("/_sim/tokens/expire")
    async def expire_tokens():
        state.expire_tokens()
        return {"expired": True}

    @api.get("/_sim/config")
    async def get_config():
        with state.lock:
            return state.config.as_dict()

    @api.patch("/_sim/config")
    async def patch_config(request: Request):
        return state.update_config(await parse_body(request, models.ConfigIn))

    return api


class SimMiddleware:
    """Outermost ASGI layer: the latency of /v2 requests, their log, and injected faults (never for /_sim)."""

    def __init__(self, app, state: State):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        logged = path == "/v2" or path.startswith("/v2/")
        if logged:
            latency = self.state.latency_seconds()
            if latency:
                # the round trip of a network: this request waits, the others go on
                await asyncio.sleep(latency)
        fault = None if path.startswith("/_sim") else self.state.take_fault(method, path)
        if fault is None:
            if not logged:
                return await self.app(scope, receive, send)
            sent = []

            async def send_logged(message):
                if message["type"] == "http.response.start":
                    sent.append(message["status"])
                await send(message)

            try:
                await self.app(scope, receive, send_logged)
            finally:
                self.state.log_request(method, path, sent[0] if sent else None)
            return

        status = None
        try:
            if fault.after:
                held = []

                async def hold(message):
                    held.append(message)

                await self.app(scope, receive, hold)
                if fault.delay_ms:
                    await asyncio.sleep(fault.delay_ms / 1000.0)
                if not fault.drop and not fault.answers:
                    for message in held:
                        if message["type"] == "http.response.start":
                            status = message["status"]
                        await send(message)
                    return
            elif fault.delay_ms:
                await asyncio.sleep(fault.delay_ms / 1000.0)
                if not fault.drop and not fault.answers:
                    sent = []

                    async def send_delayed(message):
                        if message["type"] == "http.response.start":
                            sent.append(message["status"])
                        await send(message)

                    await self.app(scope, receive, send_delayed)
                    status = sent[0] if sent else None
                    return
            if fault.drop:
                await drop_connection(send)
                return
            status = 200 if fault.status is None else fault.status
            await send_fault(send, status, fault)
        finally:
            if logged:
                self.state.log_request(method, path, status)


async def send_fault(send, status: int, fault) -> None:
    """The answer of a fault: its body (a string as it is, another value as JSON) or the simulator's error, its headers."""
    body = b""
    headers = []
    if status not in (204, 304) and status >= 200:
        if fault.body is None:
            body = json.dumps({"code": status, "message": "fault injected by the simulator"}).encode()
        elif isinstance(fault.body, str):
            body = fault.body.encode()
        else:
            body = json.dumps(fault.body).encode()
        if fault.body is None or fault.body != "":
            headers.append((b"content-type", (fault.content_type or "application/json").encode()))
    headers.append((b"content-length", str(len(body)).encode()))
    if fault.retry_after is not None:
        headers.append((b"retry-after", str(fault.retry_after).encode()))
    headers.extend((name.lower().encode(), value.encode()) for name, value in fault.headers.items())
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def drop_connection(send) -> None:
    """Close the client's connection without an answer.

    ASGI has no message for this, so reach the transport of uvicorn's request cycle, whose
    bound `send` method this middleware receives unwrapped.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop a connection under this ASGI server")
    transport.abort()
    # let connection_lost() run so that uvicorn knows not to answer with a 500
    for _ in range(10):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)


def create_app(state: State, started_for: str = ""):
    """The ASGI app; `started_for` is the --host, a Host that the control API accepts besides loopback."""
    return ControlGuard(SimMiddleware(create_api(state), state), started_for)
