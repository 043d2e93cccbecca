"""The control API (/_sim) answers only requests that a web page in the developer's browser cannot forge.

A page can POST a text/plain or form body to any address, or a body-less POST, without asking first; it cannot
send `Content-Type: application/json` across origins without a CORS preflight, which the simulator never grants.
A DNS-rebinding page reaches the simulator under its own host name, which the Host check refuses.
The API under /v2 is not guarded: it needs a token, as the platform's does.
"""

import ipaddress
import json

CONTROL_PREFIX = "/_sim"
LOOPBACK_NAMES = ("localhost",)
READ_METHODS = ("GET", "HEAD")


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host of a Host header, without its port or IPv6 brackets: "[::1]:8080" -> "::1"."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    name, _, port = header.rpartition(":")
    return name if name and port.isdigit() else header


def media_type(header: str) -> str:
    return header.split(";", 1)[0].strip().lower()


class ControlGuard:
    """ASGI layer in front of the app: refuses /_sim requests with a foreign Host (421) or a non-JSON write (415)."""

    def __init__(self, app, started_for: str = ""):
        self.app = app
        # the --host the simulator listens on is a name that its own users type, so it is accepted too
        self.started_for = started_for.lower()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(CONTROL_PREFIX):
            refusal = self.refusal(scope)
            if refusal is not None:
                return await send_refusal(send, *refusal)
        return await self.app(scope, receive, send)

    def refusal(self, scope):
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        host = host_name(headers.get("host", "")).lower()
        if not (is_loopback(host) or (host and host == self.started_for)):
            return 421, ("the control API %s answers only requests addressed to localhost, 127.0.0.1, [::1] or "
                         "the --host it was started with, not Host %r" % (CONTROL_PREFIX, headers.get("host", "")))
        if scope["method"] not in READ_METHODS and media_type(headers.get("content-type", "")) != "application/json":
            return 415, ("%s %s: the control API takes only Content-Type: application/json, with or without a "
                         "body, not %r" % (scope["method"], scope["path"], headers.get("content-type", "")))
        return None


async def send_refusal(send, status: int, message: str) -> None:
    body = json.dumps({"code": status, "message": message}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body, "more_body": False})
