# -*- coding: utf-8 -*-
# Copyright (c) Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP client for the Acreto API v2.

Plain Python on top of requests, with no Ansible imports, so that it can be
unit-tested on its own. The module glue lives in _module.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import html
import inspect
import json
import os
import random
import re
import socket
import ssl
import threading
import time
import traceback
import warnings
from urllib.parse import quote, quote_plus, urljoin, urlsplit

from ansible_collections.acreto.platform.plugins.module_utils._api import DEFAULT_ENDPOINT, TOKEN_LIFETIME, endpoint_problem
from ansible_collections.acreto.platform.plugins.module_utils._errors import AcretoAuthError, AcretoError, AcretoInputError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import (
        ConnectTimeoutError,
        HTTPError as Urllib3HTTPError,
        InsecureRequestWarning,
        NewConnectionError,
        ProtocolError,
        ReadTimeoutError,
        SSLError as Urllib3SSLError,
    )
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

RETRY_STATUSES = frozenset((429, 502, 503, 504))
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
# A Retry-After beyond this is waited for this long only, so one answer cannot stall a run for hours.
RETRY_AFTER_MAX = 120
# A refused or unroutable connection rarely heals within seconds: a few quick tries, not the full backoff.
CONNECT_RETRIES = 2
MESSAGE_MAX = 200
# A list followed page by page through its Link headers is read to this many pages at the most.
MAX_PAGES = 1000
# What OpenSSL says when the other side of a TLS handshake answers in plain HTTP.
PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE", "PACKET LENGTH TOO LONG", "UNKNOWN_PROTOCOL")

TOKEN_REJECTED_MESSAGE = (
    f"The API token was rejected (expired or invalid); tokens live {TOKEN_LIFETIME} s. Pass username and password so "
    "the collection can log in again, or get a fresh token with acreto.platform.acreto_auth."
)
NO_CREDENTIALS_MESSAGE = "No credentials: pass token, or username and password."


def describe_failure(method, path, status, detail, retries=0):
    """'<METHOD> <path> returned <status|no response>[ after N retries][: detail]'."""
    text = f"{method} {path} returned " + ("no response" if status is None else str(status))
    if retries:
        text += f" after {retries} retr{'y' if retries == 1 else 'ies'}"
    if detail:
        text += ": " + " ".join(str(detail).split())
    return text


def _one_line(text, limit=MESSAGE_MAX):
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit - 3].rstrip() + "..."
    return text


_DROP_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def first_text_line(body, limit=MESSAGE_MAX):
    """First meaningful line of a text body; markup is dropped, so an HTML error page gives its title."""
    if not body:
        return None
    if "<" in body:
        body = _TAG.sub("\n", _DROP_BLOCKS.sub("\n", body))
        body = html.unescape(body)
    for line in body.splitlines():
        line = line.strip()
        if line:
            return _one_line(line, limit)
    return None


def _api_message(data):
    """The API's own message from a parsed error body ({"code": ..., "message": ...})."""
    if isinstance(data, dict):
        for key in ("message", "error", "detail", "msg"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return _one_line(value)
        return _one_line(json.dumps(data, sort_keys=True)) if data else None
    if isinstance(data, str):
        return _one_line(data) if data.strip() else None
    if data is None:
        return None
    return _one_line(json.dumps(data))


class Redaction:
    """Hides secrets in a text, in every form an API may echo them: as they are, URL-encoded, JSON- or HTML-escaped,
    and with their white space changed. Immutable: a client swaps in a new one when it learns a secret."""

    MASK = "********"

    def __init__(self, secrets=()):
        self.secrets = frozenset(secret for secret in secrets if secret)
        forms = set()
        for secret in self.secrets:
            forms |= {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1],
                      html.escape(secret), html.escape(secret, quote=False)}
        alternatives = [re.escape(form) for form in sorted(forms, key=len, reverse=True) if form]
        for secret in self.secrets:
            parts = secret.split()
            if len(parts) > 1 or parts != [secret]:
                alternatives.append(r"\s+".join(re.escape(part) for part in parts))
        self._pattern = re.compile("|".join(alternatives)) if alternatives else None

    def with_secret(self, secret):
        return Redaction(self.secrets | {secret})

    def text(self, value):
        return self._pattern.sub(self.MASK, value) if self._pattern is not None else value

    def value(self, value):
        """A string, or the keys and values of a parsed JSON value, hidden."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.value(key): self.value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value


def _missing_keys(item, required):
    """The required keys that item lacks (all of them when it is not an object); a key must hold a non-empty string."""
    if not isinstance(item, dict):
        return list(required)
    return [key for key in required if not (isinstance(item.get(key), str) and item[key].strip())]


def _kind_of(value):
    """What a JSON value is, in words, and its keys for an object: ('an object', 'keys: data, total'), ('null', None)."""
    if value is None:
        return "null", None
    if isinstance(value, dict):
        keys = ", ".join(sorted(str(key) for key in value)[:6])
        return ("an object", "keys: " + keys) if keys else ("an empty object", None)
    if isinstance(value, list):
        return "a list", None
    if isinstance(value, bool):
        return "a boolean", None
    if isinstance(value, (int, float)):
        return "a number", None
    return "a string", None


def _a(noun):
    """The noun with its indefinite article: 'a Thing', 'an ecosystem'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _exception_chain(err):
    """The exception and everything it wraps (args, .reason, causes), outermost first."""
    seen = []
    todo = [err]
    while todo:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or any(current is known for known in seen):
            continue
        seen.append(current)
        todo.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
        todo.extend((getattr(current, "reason", None), current.__cause__, current.__context__))
    return seen


def _os_reason(chain):
    """The operating system's words for a failed connection, from the innermost OSError."""
    for item in reversed(chain):
        if isinstance(item, socket.gaierror):
            return "name resolution failed: " + str(item.strerror or item)
        if isinstance(item, OSError) and not isinstance(item, socket.timeout):
            return str(item.strerror or item or type(item).__name__)
    return None


@functools.lru_cache(maxsize=None)
def _retry_class():
    """The Retry subclass; built on first use so that this file imports without urllib3."""

    class _Retry(Retry):
        """urllib3 Retry with the client's policy on top.

        - Methods outside IDEMPOTENT_METHODS (POST) are retried on 429 only, which means the
          request was refused and not applied. A read error after sending is never retried for
          them (urllib3 re-raises it because they are not in allowed_methods). Connect errors are
          retried for every method: the request never left the machine.
        - Retry-After is honoured up to RETRY_AFTER_MAX.
        - Each retry is reported to the owning client so that it can count attempts.
        """

        _on_retry = None
        _compat_backoff_max = None
        _compat_jitter = 0.0

        def is_retry(self, method, status_code, has_retry_after=False):
            if method and method.upper() not in IDEMPOTENT_METHODS:
                return status_code == 429
            return super().is_retry(method, status_code, has_retry_after)

        def get_retry_after(self, response):
            value = super().get_retry_after(response)
            if value is None:
                return None
            return min(value, RETRY_AFTER_MAX)

        def get_backoff_time(self):
            value = super().get_backoff_time()
            # urllib3 1.26 has neither backoff_max nor backoff_jitter as parameters
            if self._compat_backoff_max is not None and value > 0:
                value = min(self._compat_backoff_max, value + random.random() * self._compat_jitter)
            return value

        def new(self, **kw):
            retry = super().new(**kw)
            retry._on_retry = self._on_retry
            retry._compat_backoff_max = self._compat_backoff_max
            retry._compat_jitter = self._compat_jitter
            return retry

        def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
            retry = super().increment(method=method, url=url, response=response, error=error, _pool=_pool,
                                      _stacktrace=_stacktrace)
            if self._on_retry is not None:
                self._on_retry(method, getattr(response, "status", None))
            return retry

    return _Retry


def _build_retry(retries, backoff_factor, backoff_max, on_retry):
    params = inspect.signature(Retry.__init__).parameters
    kwargs = {
        "total": retries,
        "connect": min(retries, CONNECT_RETRIES),
        "read": retries,
        "status": retries,
        "status_forcelist": RETRY_STATUSES,
        "backoff_factor": backoff_factor,
        "raise_on_status": False,
        "respect_retry_after_header": True,
        # TLS and other errors are not worth retrying: they will not go away within seconds.
        "other": 0,
        "allowed_methods": IDEMPOTENT_METHODS,
    }
    # urllib3 2 caps and jitters the backoff itself; for 1.26 the Retry subclass does it.
    native = "backoff_max" in params and "backoff_jitter" in params
    if native:
        kwargs["backoff_max"] = backoff_max
        kwargs["backoff_jitter"] = backoff_factor
    retry = _retry_class()(**kwargs)
    retry._on_retry = on_retry
    if not native:
        retry._compat_backoff_max = backoff_max
        retry._compat_jitter = backoff_factor
    return retry


class _Attempts:
    """What happened to one request while urllib3 sent it: how often it was sent again."""

    __slots__ = ("retries",)

    def __init__(self):
        self.retries = 0


class AcretoClient:
    """One keep-alive session to the Acreto API for the calls of one run.

    The threads of a bulk run share it: what belongs to one request lives with that request, the counters and
    the token change under a lock, and the secrets to hide are replaced as a whole, never changed in place.
    """

    def __init__(self, endpoint, username=None, password=None, token=None, validate_certs=True, ca_path=None,
                 timeout=30, retries=5, backoff_factor=0.5, backoff_max=30, pool_maxsize=10):
        if not HAS_REQUESTS:
            raise AcretoError("The Python library 'requests' is required to talk to the Acreto API.")
        self.endpoint, self._hostport = self._normalise_endpoint(endpoint)
        # A token goes into a header, where no control character may stand; a password into a JSON body, where a
        # tab can. Neither is echoed: they are secrets.
        for name, secret, allowed in (("password", password, "\t"), ("token", token, "")):
            if isinstance(secret, str) and any((ord(char) < 32 or ord(char) == 127) and char not in allowed
                                               for char in secret.strip()):
                raise AcretoInputError(f"{name} holds a line break or another control character, which cannot be sent; "
                                       "check how it is read (a vaulted file, a lookup).")
        self.username = username
        self._password = password
        self.token = token.strip() if isinstance(token, str) and token.strip() else None
        self.customers = None
        self.expires_in = None
        self.timeout = timeout
        self.retries = retries
        self._backoff = (backoff_factor, backoff_max)
        self.request_count = {}
        # 429 answers seen, retried or not; a caller running requests in parallel can slow down on them.
        self.throttled = 0
        self._redaction = Redaction((password, self.token))
        self._counters_lock = threading.Lock()
        self._login_lock = threading.Lock()
        # urllib3 reports each retry through a callback in the thread that sends the request
        self._in_flight = threading.local()
        if ca_path:
            self._check_ca_file("ca_path", ca_path)
        if not validate_certs:
            self._verify = False
        elif ca_path:
            self._verify = ca_path
        else:
            # as requests does when it reads the environment
            for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
                if os.environ.get(variable) and self.endpoint.lower().startswith("https://"):
                    self._check_ca_file("the environment variable " + variable, os.environ[variable])
            self._verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True

        self._session = requests.Session()
        # The environment (proxies, CA bundle) is read once, here: requests reads it again for every
        # request otherwise, which costs about half a millisecond each, a third of a bulk run's writes.
        self._session.trust_env = False
        self._session.proxies.update(requests.utils.get_environ_proxies(self.endpoint))
        self._session.headers.update({
            "Accept": "application/json",
            "User-Agent": "acreto.platform " + requests.utils.default_user_agent(),
        })
        # The session is shared by the threads of a bulk run: one pooled connection per thread.
        adapter = HTTPAdapter(max_retries=_build_retry(retries, backoff_factor, backoff_max, self._note_retry),
                              pool_maxsize=pool_maxsize)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    # -- public API -------------------------------------------------------

    def retry_delay(self, attempt):
        """Seconds to wait before try number attempt + 1 of a request that the caller repeats itself."""
        factor, cap = self._backoff
        return min(cap, factor * (2 ** (attempt - 1)) + random.random() * factor)

    def login(self):
        """POST auth/login with username and password; returns the response body.

        A login changes nothing on the platform, so unlike other POSTs it is sent again after a
        dropped connection or a 5xx, up to `retries` times.
        """
        if not self._can_login:
            raise AcretoAuthError("Login needs username and password.")
        with self._login_lock:
            return self._login_with_retries()

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def post(self, path, body=None):
        return self.request("POST", path, body=body)

    def put(self, path, body):
        return self.request("PUT", path, body=body)

    def delete(self, path):
        return self.request("DELETE", path)

    def request(self, method, path, body=None, params=None):
        """Send one API request; returns the parsed JSON body, or None for an empty body."""
        return self._exchange(method, path, body, params)[1]

    def get_list(self, path, what, required=("uuid", "name")):
        """The list that GET path answers, each item an object with the required keys (what names an item).

        A list answer with an RFC 8288 `Link: <...>; rel="next"` header is followed to its last page, at most
        MAX_PAGES of them, on this endpoint only. Anything but a list of such objects raises AcretoError naming the
        request, what was expected and what came back; null is never taken as an empty list.
        """
        items, url, pages = [], path, 0
        while True:
            pages += 1
            response, data = self._exchange("GET", url, None, None)
            shown = "/" + url.lstrip("/")
            self._check_list("GET", shown, response, data, what, required, first_index=len(items))
            items.extend(data)
            following = (getattr(response, "links", None) or {}).get("next", {}).get("url")
            if not following:
                return items
            url = self._same_endpoint(shown, following)
            if pages >= MAX_PAGES:
                raise AcretoError(f"GET {shown} kept answering with a next page after {MAX_PAGES} pages of {what}s",
                                  method="GET", path=shown, status=response.status_code)

    def get_object(self, path, what, required=("uuid", "name")):
        """The object that GET path answers, with the required keys; raises AcretoError otherwise."""
        response, data = self._exchange("GET", path, None, None)
        self._check_object("GET", "/" + path.lstrip("/"), response, data, what, required)
        return data

    def _same_endpoint(self, shown, url):
        """The path, under the endpoint, of a next-page link; a link elsewhere would carry the token away."""
        absolute = urljoin(self.endpoint + shown, url)
        if not absolute.startswith(self.endpoint + "/"):
            raise AcretoError(f"GET {shown} linked its next page to {self._redact(_one_line(url))}, outside the endpoint "
                              f"{self.endpoint}; not followed", method="GET", path=shown)
        return absolute[len(self.endpoint):]

    def _check_list(self, method, shown, response, data, what, required, prefix="", first_index=0):
        """Raise unless data is a list of objects that have the required keys."""
        if not isinstance(data, list):
            raise self._shape_error(method, shown, response, "a list of %ss" % what, data, prefix=prefix)
        for index, item in enumerate(data):
            self._check_object(method, shown, response, item, what, required, prefix, where="item %d" % (first_index + index))

    def _check_object(self, method, shown, response, item, what, required, prefix="", where=None):
        """Raise unless item is an object that has the required keys, each a non-empty string."""
        missing = _missing_keys(item, required)
        if missing:
            raise self._shape_error(method, shown, response, "%s (an object with %s)" % (_a(what), " and ".join(required)),
                                    item, where=where, missing=missing, prefix=prefix)

    def _shape_error(self, method, shown, response, expected, found, where=None, missing=None, prefix=""):
        """'<METHOD> <path> returned <status> with <what came> where <what was expected> was expected (<details>)'."""
        notes = [where] if where else []
        if missing and isinstance(found, dict):
            got = "%s without %s" % (expected.split(" (", 1)[0], " and ".join(missing))
        else:
            kind, keys = _kind_of(found)
            if found is None and not (response.text or "").strip():
                kind = "an empty body"
            got = "%s where %s was expected" % (kind, expected)
            notes += [keys] if keys else []
        details = " (%s)" % "; ".join(notes) if notes else ""
        return AcretoError(f"{prefix}{method} {shown} returned {response.status_code} with {got}{details}",
                           method=method, path=shown, status=response.status_code)

    def _exchange(self, method, path, body, params):
        """Send one API request; returns the response and its parsed JSON body (None for an empty body)."""
        method = method.upper()
        shown = "/" + path.lstrip("/")
        token, fresh_login = self._current_token(method, shown)
        response, retries = self._send(method, path, body, params, token)
        if response.status_code == 401:
            # A 401 means the request was refused, so replaying it (POST included) cannot duplicate anything.
            if not self._can_login:
                err = self._http_error(method, shown, response, retries)
                raise AcretoAuthError(err.message + ". " + TOKEN_REJECTED_MESSAGE, method=method, path=shown, status=401,
                                      api_message=err.api_message, api_error=err.api_error)
            if not fresh_login:
                response, retries = self._send(method, path, body, params, self._renewed_token(token))
            if response.status_code == 401:
                err = self._http_error(method, shown, response, retries)
                detail = f" (with a fresh token for '{self.username}')"
                raise AcretoAuthError(describe_failure(method, shown, 401, None) + detail
                                      + (": " + err.api_message if err.api_message else ""),
                                      method=method, path=shown, status=401,
                                      api_message=err.api_message, api_error=err.api_error)
        if response.status_code >= 300:
            raise self._http_error(method, shown, response, retries)
        return response, self._decode(method, shown, response)

    def close(self):
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- the token ----------------------------------------------------------

    @property
    def _can_login(self):
        return bool(self.username and self._password)

    def _current_token(self, method, shown):
        """The token to send, and whether it comes from a login made for this very request."""
        token = self.token
        if token is not None:
            return token, False
        if not self._can_login:
            raise AcretoAuthError(NO_CREDENTIALS_MESSAGE, method=method, path=shown)
        with self._login_lock:
            if self.token is None:
                self._login_with_retries()
                return self.token, True
            return self.token, False

    def _renewed_token(self, rejected):
        """A token newer than `rejected`: the one another thread got meanwhile, or a new login."""
        with self._login_lock:
            if self.token == rejected:
                self._login_with_retries()
            return self.token

    def _login_with_retries(self):
        attempt = 0
        while True:
            try:
                return self._login()
            except AcretoAuthError:
                raise
            except AcretoError as err:
                attempt += 1
                if not err.replayable or attempt > self.retries:
                    raise
                time.sleep(self.retry_delay(attempt))

    def _login(self):
        shown = "/auth/login"
        prefix = f"Login as '{self.username}' failed: "
        try:
            response, retries = self._send("POST", "auth/login", {"username": self.username, "password": self._password},
                                           None, None)
            if response.status_code >= 300:
                err = self._http_error("POST", shown, response, retries)
                if response.status_code == 404:
                    err.message += ". " + self._endpoint_hint("auth/login")
                if 400 <= response.status_code < 500:
                    raise AcretoAuthError(prefix + err.message, method="POST", path=shown, status=err.status,
                                          api_message=err.api_message, api_error=err.api_error)
                raise err
            data = self._decode("POST", shown, response)
        except AcretoAuthError:
            raise
        except AcretoError as err:
            # Logging in changes nothing on the platform, so it is never uncertain.
            err.message = prefix + err.message
            err.replayable = err.uncertain
            err.uncertain = False
            raise
        token = data.get("accessToken") if isinstance(data, dict) else None
        if not token or not isinstance(token, str):
            raise AcretoAuthError(prefix + f"POST {shown} returned {response.status_code} without an accessToken",
                                  method="POST", path=shown, status=response.status_code)
        self._redaction = self._redaction.with_secret(token)
        self.token = token
        customers = data.get("customers")
        self._check_list("POST", shown, response, customers, "customer", ("uuid", "name"), prefix)
        self.customers = customers
        self.expires_in = self._lifetime(data.get("expiry"))
        return data

    # -- internals --------------------------------------------------------

    @staticmethod
    def _normalise_endpoint(endpoint):
        problem = endpoint_problem(endpoint)
        if problem:
            raise AcretoInputError(problem)
        text = " ".join(str(endpoint).split())
        parts = urlsplit(text)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return text.rstrip("/"), f"{host}:{port}"

    @staticmethod
    def _check_ca_file(what, path):
        """A CA bundle that is not there fails here, naming where it came from, instead of in the middle of a request."""
        if not os.path.exists(path):
            raise AcretoInputError(f"{what} '{path}' does not exist; give the file (PEM) of the CA certificates that "
                                   "signed the API's certificate.")
        if not os.access(path, os.R_OK):
            raise AcretoInputError(f"{what} '{path}' cannot be read (permission denied).")

    def _endpoint_hint(self, path):
        """What to check when the API's own login is not where the endpoint says."""
        hint = f"No API login at {self.endpoint}/{path}: check endpoint"
        if not self.endpoint.endswith("/v2"):
            hint += f", which should end in /v2, like {DEFAULT_ENDPOINT}"
        return hint

    @staticmethod
    def _lifetime(value):
        try:
            seconds = int(value)
        except (TypeError, ValueError):
            return TOKEN_LIFETIME
        return seconds if seconds > 0 else TOKEN_LIFETIME

    def _note_retry(self, method, status=None):
        attempts = getattr(self._in_flight, "attempts", None)
        if attempts is not None:
            attempts.retries += 1
        self._count(method, throttled=status == 429)

    def _count(self, method, throttled=False):
        method = (method or "").upper()
        with self._counters_lock:
            self.request_count[method] = self.request_count.get(method, 0) + 1
            if throttled:
                self.throttled += 1

    def _redact(self, value):
        return self._redaction.value(value)

    def _line(self, text, limit=MESSAGE_MAX):
        """One line of text for a message: secrets hidden first, then shortened."""
        return _one_line(self._redact(str(text)), limit)

    def _send(self, method, path, body, params, token):
        """Send one request (urllib3 may send it again); returns the response and how often it was sent again.

        Without a token the request goes out without Authorization: that is the login.
        """
        url = self.endpoint + "/" + path.lstrip("/")
        headers = {}
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        kwargs = {"headers": headers, "params": params, "timeout": self.timeout, "verify": self._verify,
                  "allow_redirects": False}
        if body is not None:
            kwargs["json"] = body
        attempts = self._in_flight.attempts = _Attempts()
        self._count(method)
        try:
            with warnings.catch_warnings():
                if self._verify is False:
                    warnings.simplefilter("ignore", InsecureRequestWarning)
                response = self._session.request(method, url, **kwargs)
        except (requests.exceptions.RequestException, Urllib3HTTPError) as err:
            raise self._transport_error(method, "/" + path.lstrip("/"), err, attempts.retries) from err
        finally:
            self._in_flight.attempts = None
        return response, attempts.retries

    def _transport_error(self, method, shown, err, retries):
        """An AcretoError for a request that got no HTTP response."""
        chain = _exception_chain(err)
        text = self._redact(" ".join(str(item) for item in chain))
        host = self._hostport
        sent = True
        if any(isinstance(item, ssl.SSLCertVerificationError) for item in chain) or "CERTIFICATE_VERIFY_FAILED" in text:
            verify_error = next((item for item in chain if isinstance(item, ssl.SSLCertVerificationError)), None)
            why = getattr(verify_error, "verify_message", None) or "the certificate was not trusted"
            reason = (f"certificate verification failed for {host} ({self._line(why)}); set ca_path to the CA "
                      "certificate that signed the server's certificate, or validate_certs to false to skip "
                      "verification (insecure)")
            sent = False
        elif any(isinstance(item, (ssl.SSLError, Urllib3SSLError, requests.exceptions.SSLError)) for item in chain):
            ssl_error = next((item for item in reversed(chain) if isinstance(item, ssl.SSLError)), None)
            why = self._line(getattr(ssl_error, "reason", None) or ssl_error or err)
            reason = f"TLS handshake with {host} failed ({why})"
            if any(text_of in str(why).upper() for text_of in PLAIN_HTTP_SIGNS):
                reason += "; the server may speak plain HTTP: if so, the endpoint starts with http://"
            sent = False
        elif any(isinstance(item, NewConnectionError) for item in chain):
            reason = f"cannot connect to {host} ({self._line(_os_reason(chain) or 'connection failed')})"
            sent = False
        elif any(isinstance(item, (ConnectTimeoutError, requests.exceptions.ConnectTimeout)) for item in chain):
            reason = f"cannot connect to {host} (connection timed out after {self.timeout} s)"
            sent = False
        elif any(isinstance(item, (ReadTimeoutError, requests.exceptions.ReadTimeout)) for item in chain):
            reason = f"no answer from {host} within {self.timeout} s (read timeout)"
        elif any(isinstance(item, ProtocolError) for item in chain):
            reason = f"connection to {host} dropped ({self._line(_os_reason(chain) or chain[-1])})"
        else:
            reason = f"request to {host} failed ({type(err).__name__}: {self._line(err)})"
        return AcretoError(
            describe_failure(method, shown, None, self._redact(reason), retries),
            method=method, path=shown, status=None, api_message=None, api_error=None,
            uncertain=sent and method not in IDEMPOTENT_METHODS, retries=retries,
        )

    def _http_error(self, method, shown, response, retries):
        status = response.status_code
        api_error = None
        # secrets go first, before the body is parsed, shortened or squeezed: keys and values, in any form
        text = self._redact(response.text or "")
        try:
            api_error = json.loads(text) if text.strip() else None
        except ValueError:
            api_message = first_text_line(text)
        else:
            api_message = _api_message(api_error)
        if 300 <= status < 400:
            location = response.headers.get("Location")
            api_message = f"unexpected redirect to {self._line(location)}; check the endpoint" if location else api_message
        detail = api_message or (self._redact(response.reason or "") or None)
        return AcretoError(
            describe_failure(method, shown, status, detail, retries),
            method=method, path=shown, status=status, api_message=api_message, api_error=api_error,
            uncertain=status >= 500 and method not in IDEMPOTENT_METHODS, retries=retries,
        )

    def _decode(self, method, shown, response):
        text = response.text or ""
        if not text.strip():
            return None
        try:
            return response.json()
        except ValueError:
            content_type = response.headers.get("Content-Type") or "no content type"
            first = first_text_line(self._redact(text)) or ""
            raise AcretoError(
                f"{method} {shown} returned a response that is not JSON (status {response.status_code}, "
                f"{self._line(content_type)})" + (": " + first if first else ""),
                method=method, path=shown, status=response.status_code, api_message=first or None,
            ) from None
