"""``quayside user create``: the password from standard input, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from argon2 import PasswordHasher
from sqlalchemy import select
from typer.testing import CliRunner

from quayside._cli_users import register
from quayside.errors import ConflictError, InputError, NotFoundError, QuaysideError
from quayside.hub import users
from quayside.store import db
from quayside.store.models import User, UserRole
from quayside.store.repositories.orgs import create_organisation
from quayside.store.types import OrgRole

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)


@pytest.fixture
def app() -> typer.Typer:
    cli = typer.Typer()
    register(cli)

    @cli.callback()
    def main() -> None:
        """Quayside (the ``user`` group alone)."""

    return cli


@pytest.fixture
def url(tmp_path: Path) -> str:
    path = f"sqlite:///{tmp_path / 'q.sqlite'}"
    db.upgrade(path)
    engine = db.make_engine(path)
    with db.session_scope(db.session_factory(engine)) as session:
        create_organisation(session, "Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    engine.dispose()
    return path


def _users(url: str) -> list[User]:
    engine = db.make_engine(url)
    with db.session_factory(engine)() as session:
        rows = list(session.scalars(select(User)).all())
    engine.dispose()
    return rows


def _run(app: typer.Typer, url: str, *args: str, stdin: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, ["user", "create", "--db", url, *args], input=stdin)
    return result.exit_code, result.stdout, result.exception


def test_create_reads_the_password_from_the_first_line(app: typer.Typer, url: str) -> None:
    code, out, error = _run(
        app,
        url,
        "--org",
        "Port of Los Angeles",
        "--email",
        "Ops@Port.example",
        "--admin",
        stdin=f"{PASSWORD}\nrest\n",
    )
    assert (code, error) == (0, None)
    assert out == "user 1 'ops@port.example' created in 'Port of Los Angeles' as admin\n"
    (user,) = _users(url)
    assert (user.email, user.name, user.role) == ("ops@port.example", "ops@port.example", UserRole.ADMIN)
    assert user.password_hash.startswith("$argon2id$")
    assert users._verify(user.password_hash, PASSWORD)


def test_create_a_member_with_a_name_by_organisation_id(app: typer.Typer, url: str) -> None:
    code, _, _ = _run(
        app, url, "--org", "1", "--email", "m@port.example", "--name", "Mia", stdin=PASSWORD + "\r\n"
    )
    assert code == 0
    (user,) = _users(url)
    assert (user.name, user.role) == ("Mia", UserRole.MEMBER)


@pytest.mark.parametrize(
    ("args", "stdin", "error", "text"),
    [
        (("--org", "Port of Los Angeles"), "", InputError, "field 'password': password is empty"),
        (("--org", "Port of Los Angeles"), "short\n", InputError, "password is too short (5 characters)"),
        (("--org", "Nowhere Port"), PASSWORD, NotFoundError, "no such organisation (got 'Nowhere Port')"),
    ],
)
def test_refusals_are_one_line(
    app: typer.Typer, url: str, args: tuple[str, ...], stdin: str, error: type[QuaysideError], text: str
) -> None:
    _, _, raised = _run(app, url, *args, "--email", "a@port.example", stdin=stdin)
    assert isinstance(raised, error)
    assert text in str(raised)
    assert "\n" not in str(raised)
    assert _users(url) == []


def test_an_email_is_created_once(app: typer.Typer, url: str) -> None:
    args = ("--org", "Port of Los Angeles", "--email", "a@port.example")
    assert _run(app, url, *args, stdin=PASSWORD)[0] == 0
    _, _, raised = _run(app, url, "--org", "Port of Los Angeles", "--email", "A@PORT.example", stdin=PASSWORD)
    assert isinstance(raised, ConflictError)
    assert len(_users(url)) == 1
