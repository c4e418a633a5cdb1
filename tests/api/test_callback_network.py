"""Callbacks never reach the hub's own network unless the operator allows it (server-side request forgery)."""

from __future__ import annotations

import httpx
import pytest

from quayside.api.delivery import _Batch, _post
from quayside.errors import InputError
from quayside.store.repositories.subscription_rules import (
    ALLOW_PRIVATE_ENV,
    blocked_callback_address,
    check_callback_url,
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
