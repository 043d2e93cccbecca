"""Command line: acreto-sim [--host H] [--port P] ..."""

import argparse
import json
import os
import secrets
import signal
import socket
import ssl
import sys
from importlib import resources
from typing import Optional

from acreto_sim.control_guard import is_loopback
from acreto_sim.files import write_atomically

PROG = "acreto-sim"
PASSWORD_ENV = "ACRETO_SIM_PASSWORD"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class CliError(Exception):
    """Bad input to the simulator itself: reported as one line, without a traceback."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write("%s: error: %s (see %s --help)\n" % (PROG, message, PROG))
        sys.exit(2)


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number" % text) from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError("%r must be 0 or more" % text)
    return value


def _milliseconds(text: str) -> float:
    from acreto_sim.models import DELAY_MAX_MS

    value = _non_negative_float(text)
    if value > DELAY_MAX_MS:
        raise argparse.ArgumentTypeError("%r must be at most %d" % (text, DELAY_MAX_MS))
    return value


def _whole_number(minimum: int):
    """An argparse type: a whole number of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError("%r is not a whole number" % text) from None
        if value < minimum:
            raise argparse.ArgumentTypeError("%r must be %d or more" % (text, minimum))
        return value

    return parse


_positive_int = _whole_number(1)
_non_negative_int = _whole_number(0)


THING_FIELDS = ("uuid", "name", "profileGroup", "type", "category", "assetValue", "expiry")


def _extra_field(text: str) -> tuple:
    """NAME=JSON: a field of a newer API and its default value."""
    name, sep, default = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise argparse.ArgumentTypeError("%r is not NAME=JSON_DEFAULT" % text)
    if name in THING_FIELDS:
        raise argparse.ArgumentTypeError("%r: %s is a field of every Thing already" % (text, name))
    try:
        return name, json.loads(default)
    except ValueError as err:
        raise argparse.ArgumentTypeError("%r: the default is not JSON (%s)" % (text, err)) from None


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a port number" % text) from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("%r is not between 0 and 65535" % text)
    return value


def build_parser() -> Parser:
    from acreto_sim import __version__

    parser = Parser(
        prog=PROG,
        description="Local simulator of the Acreto platform API v2. Prints its base URL on stdout when ready; "
                    "the API is under <url>/v2 and the control API under <url>/_sim.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on; other than loopback only with "
                        "--allow-remote (default: %(default)s)")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a --host that other machines can reach (the simulator has no real security)")
    parser.add_argument("--port", type=_port, default=8080, help="port to listen on; 0 picks a free one "
                        "(default: %(default)s)")
    parser.add_argument("--commit-seconds", type=_non_negative_float, default=3.0, metavar="N",
                        help="how long a commit stays in commit_in_progress; 0 finishes at once (default: 3)")
    parser.add_argument("--token-ttl", type=_positive_int, default=600, metavar="SECONDS",
                        help="lifetime of access tokens (default: %(default)s)")
    parser.add_argument("--latency-ms", type=_milliseconds, default=0.0, metavar="MS",
                        help="delay every API request (/v2) by this many milliseconds, as a network round trip "
                        "would; concurrent requests overlap (default: 0)")
    parser.add_argument("--latency-jitter-ms", type=_milliseconds, default=0.0, metavar="MS",
                        help="vary each request's delay by up to this many milliseconds either way, uniformly; "
                        "never below 0 (default: 0)")
    parser.add_argument("--page-size", type=_non_negative_int, default=0, metavar="N",
                        help="answer lists N items a page, with an RFC 8288 Link rel=\"next\" header to the next "
                        "page (?page=2, ...); 0 answers each list whole (default: 0)")
    parser.add_argument("--thing-extra-field", type=_extra_field, action="append", default=[], metavar="NAME=JSON",
                        help="model a newer API: Things store, return and accept the field NAME, which takes the "
                        "JSON value when a POST or PUT leaves it out (repeatable)")
    parser.add_argument("--login-expiry-field", action="store_true",
                        help="add the token lifetime as 'expiry' to the login response")
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this PEM certificate (chain)")
    parser.add_argument("--tls-key", metavar="FILE", help="PEM private key of --tls-cert")
    parser.add_argument("--state", metavar="FILE", help="keep the data in this JSON file across restarts "
                        "(written atomically after each change); default: in memory")
    parser.add_argument("--seed", metavar="FILE", help="initial data, YAML or JSON, instead of the built-in "
                        "quick start data")
    parser.add_argument("--password", help="password of the seeded users, visible to every user of the machine "
                        "in ps: prefer $%s (default: $%s, else generated and printed on stderr)"
                        % (PASSWORD_ENV, PASSWORD_ENV))
    parser.add_argument("--url-file", metavar="FILE", help="also write the base URL to this file when ready")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="warning", help="server log level on stderr "
                        "(default: %(default)s)")
    parser.add_argument("--access-log", action="store_true", help="log every request on stderr")
    parser.add_argument("--request-log-max", type=_positive_int, default=100000, metavar="N",
                        help="entries kept in GET /_sim/requests, oldest dropped first (default: %(default)s)")
    parser.add_argument("--version", action="version", version="%(prog)s " + __version__)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def load_seed(path: Optional[str]):
    import yaml
    from pydantic import ValidationError

    from acreto_sim import models
    from acreto_sim.state import SeedError, seed_to_data

    if path is None:
        name = "built-in seed"
        text = resources.files("acreto_sim").joinpath("default_seed.yaml").read_text(encoding="utf-8")
    else:
        name = "seed file %s" % path
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as err:
            raise CliError("cannot read %s: %s" % (name, getattr(err, "strerror", None) or err)) from None
    try:
        raw = yaml.safe_load(text)  # JSON is YAML too
    except yaml.YAMLError as err:
        raise CliError("%s is not valid YAML or JSON: %s" % (name, _one_line(err))) from None
    if not isinstance(raw, dict):
        raise CliError("%s must hold a mapping with 'users' and 'customers'" % name)
    try:
        return seed_to_data(models.Seed.model_validate(raw))
    except ValidationError as err:
        raise CliError("invalid %s: %s" % (name, models.describe_errors(err))) from None
    except SeedError as err:
        raise CliError("invalid %s: %s" % (name, err)) from None


def check_tls(cert: str, key: str) -> None:
    for what, path in (("--tls-cert", cert), ("--tls-key", key)):
        if not os.path.isfile(path):
            raise CliError("%s %s: no such file" % (what, path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as err:
        raise CliError("cannot load TLS certificate %s with key %s: %s" % (cert, key, _one_line(err))) from None


def bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as err:
        raise CliError("cannot listen on %s: %s" % (host, err.strerror)) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as err:
        sock.close()
        raise CliError("cannot listen on %s port %d: %s" % (host, port, err.strerror or err)) from None
    return sock


def base_url(scheme: str, host: str, port: int) -> str:
    if ":" in host:
        host = "[%s]" % host
    return "%s://%s:%d" % (scheme, host, port)


def load_state(args, password: str):
    from acreto_sim.state import Config, SeedError, State

    seed_data = load_seed(args.seed)
    config = Config(commit_seconds=args.commit_seconds, token_ttl=args.token_ttl,
                    login_expiry_field=args.login_expiry_field, latency_ms=args.latency_ms,
                    latency_jitter_ms=args.latency_jitter_ms, page_size=args.page_size,
                    thing_extra_fields=dict(args.thing_extra_field))
    try:
        return State(seed_data, password, config, state_file=args.state, request_log_max=args.request_log_max)
    except SeedError as err:
        raise CliError(str(err)) from None
    except OSError as err:
        raise CliError("cannot write state file %s: %s" % (args.state, err.strerror or err)) from None


def run(args) -> int:
    # cheap checks first, so that bad input is reported before the slower imports
    if bool(args.tls_cert) != bool(args.tls_key):
        raise CliError("--tls-cert and --tls-key must be given together")
    if args.tls_cert:
        check_tls(args.tls_cert, args.tls_key)
    remote = not is_loopback(args.host)
    if remote and not args.allow_remote:
        raise CliError("--host %s is reachable from other machines; add --allow-remote to listen there anyway"
                       % args.host)
    if args.password is not None and not args.password:
        raise CliError("--password must not be empty")
    if args.url_file:
        url_dir = os.path.dirname(os.path.abspath(args.url_file))
        if not os.path.isdir(url_dir):
            raise CliError("--url-file %s: directory %s does not exist" % (args.url_file, url_dir))
    password = args.password or os.environ.get(PASSWORD_ENV) or ""
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    sock = bind(args.host, args.port)
    try:
        state = load_state(args, password)
    except BaseException:
        sock.close()
        raise
    url = base_url("https" if args.tls_cert else "http", args.host, sock.getsockname()[1])
    if remote:
        sys.stderr.write("%s: warning: listening on %s: other machines can reach the API and the control API "
                         "(/_sim), which needs no token%s\n"
                         % (PROG, args.host, "" if args.tls_cert else "; without --tls-cert passwords and tokens "
                            "travel in clear text"))
    if generated:
        for user in state.data["users"].values():
            if not user.get("password"):
                sys.stderr.write("%s: password for %s: %s\n" % (PROG, user["username"], password))
        sys.stderr.flush()

    def ready():
        if args.url_file:
            write_atomically(args.url_file, url + "\n")
        sys.stdout.write(url + "\n")
        sys.stdout.flush()

    import uvicorn

    from acreto_sim.app import create_app

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.started and not self.should_exit:
                ready()

    server = Server(uvicorn.Config(
        create_app(state, started_for=args.host),
        log_level=args.log_level,
        access_log=args.access_log,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        lifespan="off",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=2,
    ))
    # uvicorn re-raises SIGINT/SIGTERM after its graceful shutdown; a no-op handler makes that a clean exit
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        if args.url_file and server.started:
            try:
                os.unlink(args.url_file)
            except OSError:
                pass
    return 0 if server.started else 1


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except CliError as err:
        sys.stderr.write("%s: error: %s\n" % (PROG, err))
        return 1
