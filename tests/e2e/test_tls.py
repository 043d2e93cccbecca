"""TLS: the simulator over HTTPS with a self-signed certificate made here.

validate_certs is true by default, so the defaults must fail naming certificate verification;
ca_path must work; validate_certs=false must work and warn.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from acreto_sim.testing import SimulatorProcess
from conftest import PASSWORD
from plays import DOC, output, run_play


def self_signed(directory):
    """A self-signed certificate for 127.0.0.1 and localhost; returns (certificate path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acreto-e2e")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def https_sim(tmp_path):
    cert, key = self_signed(tmp_path)
    with SimulatorProcess(["--commit-seconds", "0", "--tls-cert", str(cert), "--tls-key", str(key)], password=PASSWORD,
                          workdir=str(tmp_path)) as sim:
        sim.verify = str(cert)
        yield sim, cert


def test_certificate_verification_is_on_by_default_and_ca_path_or_validate_certs_false_work(https_sim, run_playbook, tmp_path):
    sim, cert = https_sim
    assert sim.url.startswith("https://127.0.0.1:")
    hostport = sim.url[len("https://"):]
    info = {"acreto.platform.acreto_ecosystem_info": {"name": DOC}}

    proc, results = run_play(run_playbook, tmp_path, [
        dict(info, name="Defaults", register="defaults", ignore_errors=True),
        dict(name="ca_path", register="ca", **{"acreto.platform.acreto_ecosystem_info": {"name": DOC, "ca_path": str(cert)}}),
        dict(name="validate_certs false", register="insecure",
             **{"acreto.platform.acreto_ecosystem_info": {"name": DOC, "validate_certs": False}}),
        dict(info, name="ca_path from the environment", register="ca_env", environment={"ACRETO_CA_PATH": str(cert)}),
    ], env={"ACRETO_ENDPOINT": sim.url + "/v2"})

    defaults = results["defaults"]
    assert defaults["failed"] is True
    assert defaults["msg"] == (
        "Login as 'someone@somedomain.com' failed: POST /auth/login returned no response: certificate verification "
        "failed for %s (self-signed certificate); set ca_path to the CA certificate that signed the server's "
        "certificate, or validate_certs to false to skip verification (insecure)" % hostport)
    assert defaults["status"] is None
    for key in ("ca", "insecure", "ca_env"):
        assert [eco["name"] for eco in results[key]["ecosystems"]] == [DOC], key
    text = " ".join(output(proc).split())
    assert "validate_certs is false: the TLS certificate of %s/v2 is not checked." % sim.url in text
    assert text.count("validate_certs is false") == 1
    assert "Traceback" not in text
    # the failed handshake sent nothing, and was not retried: only the three successful runs reached the API
    logins = [entry for entry in sim.ctl("GET", "/requests").json() if entry["path"] == "/v2/auth/login"]
    assert [entry["status"] for entry in logins] == [200, 200, 200]
