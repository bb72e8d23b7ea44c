"""Corporate staging: a target behind TLS with a private CA, with and without mutual TLS.

A CA made in the test (trustme) signs the mock's certificate; the run must trust it only when
given `--ca-bundle`, and present a client certificate with `--request-cert` when the server asks
for one. Every client of the run goes through the same options: the preflight probes, the token
requests (client credentials), the generated cases and the suite's own reads.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import trustme
import uvicorn
from e2e_targets import run_conformance, summary_of

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.exit_codes import Exit
from ordermesh_mock.app import create_app
from ordermesh_mock.config import MockConfig

# A narrow run: generated cases of one read (and the orders its setup creates), no scenarios.
NARROW = ("--profile", "smoke", "--seed", "1", "--suite", "properties", "--include", "getOrderById")
CREDENTIALS = {
    "ORDERMESH_CLIENT_ID": MOCK_MERCHANT_A.client_id or "",
    "ORDERMESH_CLIENT_SECRET": MOCK_MERCHANT_A.client_secret or "",
    "ORDERMESH_MERCHANT_ID": MOCK_MERCHANT_A.merchant_id or "",
}


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    """A private CA, the server's certificate for 127.0.0.1 and a client certificate, as files."""
    folder = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    client = ca.issue_cert("qa-client@ordermesh.test")
    files = {
        "ca": folder / "ca.pem",
        "server_cert": folder / "server.pem",
        "server_key": folder / "server.key",
        "client_cert": folder / "client.pem",
        "client_key": folder / "client.key",
    }
    ca.cert_pem.write_to_path(str(files["ca"]))
    server.private_key_pem.write_to_path(str(files["server_key"]))
    client.private_key_pem.write_to_path(str(files["client_key"]))
    for blob in server.cert_chain_pems:
        blob.write_to_path(str(files["server_cert"]), append=True)
    for blob in client.cert_chain_pems:
        blob.write_to_path(str(files["client_cert"]), append=True)
    return files


@contextmanager
def tls_mock(pki: dict[str, Path], mutual: bool) -> Iterator[str]:
    """The clean mock over HTTPS on loopback; with `mutual`, it requires a client certificate
    signed by the CA."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(MockConfig()),
        log_level="critical",
        access_log=False,
        ssl_certfile=str(pki["server_cert"]),
        ssl_keyfile=str(pki["server_key"]),
        ssl_ca_certs=str(pki["ca"]) if mutual else None,
        ssl_cert_reqs=ssl.CERT_REQUIRED if mutual else ssl.CERT_NONE,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def run_against(url: str, *flags: str, reports: Path):
    result = run_conformance("--base-url", url, *NARROW, *flags, reports=reports, env=CREDENTIALS)
    return result, result.stdout + result.stderr


def test_a_private_ca_is_trusted_with_ca_bundle_and_refused_without(pki, tmp_path):
    with tls_mock(pki, mutual=False) as url:
        refused, output = run_against(url, reports=tmp_path / "refused")
        assert refused.returncode == Exit.TARGET, output[-2000:]
        assert "--ca-bundle" in output  # the refusal says what to pass
        trusted, output = run_against(url, "--ca-bundle", str(pki["ca"]), reports=tmp_path / "ok")
    assert trusted.returncode == Exit.OK, output[-3000:]
    assert summary_of(tmp_path / "ok")["operations"]["getOrderById"]["cases"] > 0


def test_no_tls_verify_accepts_any_certificate(pki, tmp_path):
    with tls_mock(pki, mutual=False) as url:
        result, output = run_against(url, "--no-tls-verify", reports=tmp_path)
    assert result.returncode == Exit.OK, output[-3000:]


def test_mutual_tls_presents_the_client_certificate(pki, tmp_path):
    trust = ("--ca-bundle", str(pki["ca"]))
    with tls_mock(pki, mutual=True) as url:
        refused, output = run_against(url, *trust, reports=tmp_path / "refused")
        assert refused.returncode == Exit.TARGET, output[-2000:]
        result, output = run_against(
            url,
            *trust,
            *("--request-cert", str(pki["client_cert"])),
            *("--request-cert-key", str(pki["client_key"])),
            reports=tmp_path / "ok",
        )
    assert result.returncode == Exit.OK, output[-3000:]
    assert summary_of(tmp_path / "ok")["operations"]["getOrderById"]["cases"] > 0


@pytest.mark.parametrize(
    ("flag", "content", "named"),
    [
        ("--ca-bundle", None, "--ca-bundle"),
        ("--ca-bundle", "not a certificate\n", "--ca-bundle"),
        ("--request-cert", None, "--request-cert"),
        ("--client-cert", "not a certificate\n", "--request-cert"),
    ],
)
def test_a_bad_file_is_a_usage_error_naming_the_flag(tmp_path, flag, content, named):
    path = tmp_path / "file.pem"
    if content is not None:
        path.write_text(content)
    result = run_conformance(
        "--base-url", "https://127.0.0.1:9", flag, str(path), reports=tmp_path, env=CREDENTIALS
    )
    assert result.returncode == Exit.USAGE
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert named in line and str(path) in line
