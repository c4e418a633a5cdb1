"""Callbacks never reach the hub's own network unless the operator allows it (server-side request forgery)."""

from __future__ import annotations

import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from quayside.errors import InputError
from quayside.hub.delivery import _Batch, _post
from quayside.store.repositories.subscription_rules import (
    ALLOW_PRIVATE_ENV,
    blocked_callback_address,
    check_callback_url,
    resolve_callback_address,
)


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/cb",  # loopback
        "http://localhost/cb",
        "http://10.1.2.3/cb",  # RFC 1918
        "http://192.168.0.10/cb",
        "http://169.254.169.254/latest/meta-data",  # link-local: cloud metadata services
        "http://[::1]/cb",
        "http://0.0.0.0/cb",
    ],
)
@pytest.mark.usefixtures("strict")
def test_private_and_loopback_callbacks_are_refused(url: str) -> None:
    with pytest.raises(InputError, match="callbackUrl") as caught:
        check_callback_url(url)
    assert ALLOW_PRIVATE_ENV in str(caught.value)


@pytest.mark.usefixtures("strict")
def test_public_addresses_and_unresolved_names_pass_the_subscription_check() -> None:
    assert check_callback_url("https://93.184.216.34/dcsa") == "https://93.184.216.34/dcsa"
    # Names are judged at delivery time, when they are resolved.
    assert check_callback_url("https://receiver.example/dcsa") == "https://receiver.example/dcsa"
    assert blocked_callback_address("8.8.8.8") is None


def test_the_operator_may_allow_its_own_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    assert check_callback_url("http://127.0.0.1:9/cb") == "http://127.0.0.1:9/cb"


@pytest.mark.usefixtures("strict")
def test_delivery_to_a_loopback_address_is_not_sent() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"the hub called {request.url}")

    batch = _Batch(1, "sub-1", "http://127.0.0.1:9/cb", b"secret-secret-16", [1], 1, 1, b"[]")
    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        outcome = _post(client, batch)
    assert outcome.status_code is None
    assert outcome.error is not None
    assert "127.0.0.1" in outcome.error


# --- DNS rebinding: the connection goes to the address that was checked -----------------------------------
PUBLIC = "93.184.216.34"  # a global unicast address (is_global), never actually reached by these tests


class RebindingResolver:
    """A resolver we control: ``name`` resolves to ``first`` once, then to ``then`` (a rebinding attack).

    Other names and IP literals go to the real resolver. ``asked`` counts the lookups of ``name``.
    """

    def __init__(self, name: str, first: str, then: str) -> None:
        self.name, self.first, self.then = name, first, then
        self.asked = 0
        self.real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host != self.name:
            return self.real(host, port, *args, **kwargs)
        self.asked += 1
        address = self.first if self.asked == 1 else self.then
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 0))]


def _batch(url: str) -> Any:
    return _Batch(1, "sub-1", url, b"secret-secret-16", [1], 1, 1, b"[]")


@pytest.mark.usefixtures("strict")
def test_a_name_that_rebinds_after_the_check_is_still_called_at_the_checked_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Checked: a public address. Asked again to connect, the name would say 127.0.0.1.
    resolver = RebindingResolver("receiver.example", PUBLIC, "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    reached: list[str] = []

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        # Where a real connection would go: the host resolved as the socket layer resolves it.
        host, port = address
        reached.append(str(socket.getaddrinfo(host, port)[0][4][0]))
        raise ConnectionRefusedError("test: no network")

    monkeypatch.setattr(socket, "create_connection", connect)
    with httpx.Client() as client:
        outcome = _post(client, _batch("http://receiver.example/cb"))
    assert reached == [PUBLIC]  # the checked address, not the rebound 127.0.0.1
    assert resolver.asked == 1  # resolved once, for the check; the connection did not ask again
    assert outcome.status_code is None
    assert outcome.error is not None
    assert "ConnectError" in outcome.error


def test_the_pinned_request_keeps_the_host_name_for_host_header_and_tls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", RebindingResolver("receiver.example", PUBLIC, "10.0.0.1"))
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        assert _post(client, _batch("https://receiver.example:8443/dcsa/cb?shipperRef=42")).ok
        assert _post(client, _batch("http://receiver.example/cb")).ok
    tls, plain = seen
    assert (tls.url.host, tls.url.port, tls.url.raw_path) == (PUBLIC, 8443, b"/dcsa/cb?shipperRef=42")
    assert tls.headers["host"] == "receiver.example:8443"
    assert tls.extensions["sni_hostname"] == "receiver.example"  # the name TLS checks the certificate for
    assert tls.headers["connection"] == "close"  # never reuse a connection verified for another name
    assert (plain.url.host, plain.headers["host"]) == ("10.0.0.1", "receiver.example")
    assert "sni_hostname" not in plain.extensions


@pytest.mark.usefixtures("strict")
def test_an_unreachable_checked_address_gives_way_to_the_next_checked_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    second = "93.184.216.35"

    def two(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (PUBLIC, 0)),
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (second, 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two)
    tried: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        tried.append(request.url.host)
        if request.url.host == PUBLIC:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(204)

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        assert _post(client, _batch("http://receiver.example/cb")).ok
    assert tried == [PUBLIC, second]  # both checked when resolved, neither looked up again


@pytest.mark.usefixtures("strict")
def test_a_name_with_any_private_address_is_refused_and_not_called(monkeypatch: pytest.MonkeyPatch) -> None:
    def both(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (PUBLIC, 0)),
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("10.1.2.3", 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", both)
    assert resolve_callback_address("receiver.example").address is None

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"the hub called {request.url}")

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        outcome = _post(client, _batch("http://receiver.example/cb"))
    assert outcome.error is not None
    assert "10.1.2.3" in outcome.error


def test_a_name_that_does_not_resolve_is_not_called(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(204))) as client:
        outcome = _post(client, _batch("https://nowhere.example/cb"))
    assert outcome.status_code is None
    assert outcome.error is not None
    assert "cannot resolve callback host nowhere.example" in outcome.error


# --- the same over real TLS: a receiver on loopback with a certificate for its name -----------------------
def _certificate(tmp: Path, name: str) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for ``name`` signed by it: (CA file, certificate file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Quayside test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = tmp / "ca.pem", tmp / "cert.pem", tmp / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_file, cert_file, key_file


class _TLSReceiver:
    """An HTTPS receiver on 127.0.0.1 in a thread; records the SNI name and the Host header it gets."""

    def __init__(self, cert: Path, key: Path) -> None:
        received: list[dict[str, str | None]] = []
        server_names: list[str | None] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append({"host": self.headers.get("Host")})
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)

        def note_server_name(_sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
            server_names.append(name)

        context.sni_callback = note_server_name
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.received, self.server_names = received, server_names
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_https_callbacks_verify_the_certificate_for_the_name_at_the_pinned_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The operator allows its own network (the receiver is on loopback); the name resolves to it when
    # checked and to an unroutable address afterwards: the callback must still reach the checked one.
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    monkeypatch.setattr(
        socket, "getaddrinfo", RebindingResolver("receiver.example", "127.0.0.1", "10.255.255.1")
    )
    ca, cert, key = _certificate(tmp_path, "receiver.example")
    receiver = _TLSReceiver(cert, key)
    try:
        trusted = ssl.create_default_context(cafile=str(ca))
        with httpx.Client(verify=trusted, timeout=5) as client:
            outcome = _post(client, _batch(f"https://receiver.example:{receiver.port}/cb"))
            assert outcome.ok, outcome.error
            assert receiver.server_names == ["receiver.example"]
            assert receiver.received == [{"host": f"receiver.example:{receiver.port}"}]
            # A certificate for one name does not pass for another name on the same address.
            monkeypatch.setattr(
                socket, "getaddrinfo", RebindingResolver("other.example", "127.0.0.1", "10.255.255.1")
            )
            wrong = _post(client, _batch(f"https://other.example:{receiver.port}/cb"))
        assert not wrong.ok
        assert wrong.error is not None
        assert "CERTIFICATE_VERIFY_FAILED" in wrong.error
        assert len(receiver.received) == 1
    finally:
        receiver.close()
