"""``quayside user create``: the first person of an organisation who signs in to the portal.

The password is the first line of standard input, so that it appears neither in the shell's history nor
in the process list: ``printf '%s\\n' "$PASSWORD" | quayside user create --org "Port of Los Angeles"
--email ops@example.org --admin``. Later users are invited by an administrator in the portal
(``/portal/users``). A :class:`~quayside.errors.QuaysideError` (a short password, an unknown organisation,
an email taken) reaches ``quayside``'s ``main``, which prints it on one line and exits 2.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from quayside._cli_options import DbOption

__all__ = ["register"]


def _read_password() -> str:
    """The first line of standard input, without its line ending (asked for without echo on a terminal)."""
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def register(app: typer.Typer) -> None:
    """Add the ``user`` group to ``app``."""
    user_app = typer.Typer(help="People who sign in to the portal.", no_args_is_help=True)

    @user_app.command("create")
    def create(
        org: Annotated[str, typer.Option("--org", help="Organisation name or id.")],
        email: Annotated[str, typer.Option("--email", help="Email address: what the user signs in with.")],
        name: Annotated[
            str | None, typer.Option("--name", help="Name shown in the portal (default: email).")
        ] = None,
        admin: Annotated[
            bool,
            typer.Option("--admin", help="An administrator of the organisation (invites and removes users)."),
        ] = False,
        db: DbOption = None,
    ) -> None:
        """Create a user; the password is read from the first line of standard input."""
        from quayside.hub.users import check_password, create_user_in
        from quayside.store.models.base import utcnow

        password = check_password(_read_password())
        user, organisation = create_user_in(
            db, org=org, email=email, name=name, admin=admin, password=password, now=utcnow()
        )
        sys.stdout.write(
            f"user {user.id} '{user.email}' created in '{organisation.name}' as {user.role.value}\n"
        )

    app.add_typer(user_app, name="user")
