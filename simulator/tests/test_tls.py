"""HTTPS with a self-signed certificate made here, so that certificate checking can be tested."""

import datetime
import ipaddress

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from conftest import ECOSYSTEM_PATH
from test_scripts import run_curl_script


@pytest.fixture(scope="module")
def cert_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acreto-sim test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_https_with_a_self_signed_certificate(start_sim, cert_pair):
    cert, key = cert_pair
    sim = start_sim(["--tls-cert", cert, "--tls-key", key])
    assert sim.url.startswith("https://127.0.0.1:")

    # trusted when the client is given the certificate
    sim.verify = cert
    sim.token = sim.login()
    assert sim.api("GET", ECOSYSTEM_PATH).json()["name"] == "Documentation Ecosystem"

    # refused by a client that checks against the system CAs
    sim.verify = True
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        sim.api("GET", ECOSYSTEM_PATH)

    # accepted when checking is turned off
    sim.verify = False
    assert sim.api("GET", ECOSYSTEM_PATH).status_code == 200

    # plain HTTP on the HTTPS port gets no API answer
    with pytest.raises(requests.ConnectionError):
        requests.get(sim.url.replace("https://", "http://") + "/v2" + ECOSYSTEM_PATH, timeout=5)

    # the document's curl commands work over HTTPS with the certificate as CA bundle
    sim.ctl("PATCH", "/config", json={"commit_seconds": 0.5})
    result = run_curl_script(sim, sim.password, CURL_CA_BUNDLE=cert)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_curl_script(sim, sim.password)
    assert result.returncode == 1 and "certificate" in result.stderr
