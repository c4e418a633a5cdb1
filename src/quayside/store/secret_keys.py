"""Encryption at rest of subscription secrets: Fernet keys from the environment or from a key file.

A subscription's ``secret`` keys the HMAC of its callbacks, so the hub needs it in the clear to sign and
cannot keep only a hash of it (as it does for API keys). It is stored encrypted with Fernet (AES-128-CBC and
HMAC-SHA256, from ``cryptography``) under keys the database does not hold. Where the keys come from, first
match wins:

1. ``QUAYSIDE_SECRET_KEY``: one or more Fernet keys (URL-safe base64 of 32 bytes), separated by commas;
2. ``QUAYSIDE_SECRET_KEY_FILE``: a file holding one key per line (``#`` starts a comment); it must exist;
3. neither, and the hub is a local SQLite file: ``<database file>.key`` next to it, created with mode 0600
   and one new key the first time a secret is encrypted.

A PostgreSQL hub needs 1 or 2: every server process, on every machine, must hold the same keys, which a file
made on one machine by itself would not give.

The first key encrypts; every key decrypts (:class:`cryptography.fernet.MultiFernet`). That is how keys are
rotated: put a new key first and keep the old ones after it, run ``quayside secrets rotate`` (which
re-encrypts every stored secret with the first key), then remove the old keys. ``quayside secrets rotate
--new-key`` puts a new key at the top of the key file itself.
"""

from __future__ import annotations

import contextlib
import os
import secrets as _random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import URL, make_url

from quayside.errors import ConfigError

SECRET_KEY_ENV = "QUAYSIDE_SECRET_KEY"
SECRET_KEY_FILE_ENV = "QUAYSIDE_SECRET_KEY_FILE"
#: The default key file of a SQLite hub is the database file's name plus this suffix, in its directory.
KEY_FILE_SUFFIX = ".key"
KEY_FILE_MODE = 0o600

_HINT = (
    f"set {SECRET_KEY_ENV} (comma-separated Fernet keys, newest first) or {SECRET_KEY_FILE_ENV} "
    "(a file with one key per line); `quayside secrets generate-key` prints a new key"
)


@dataclass(frozen=True)
class SecretKeys:
    """A key ring: :meth:`encrypt` with the first key, :meth:`decrypt` with any of them.

    ``source`` says where the keys came from (the variable's name or the file's path), for messages; the
    keys themselves are never part of a message.
    """

    ring: MultiFernet
    first: Fernet
    count: int
    source: str

    def encrypt(self, plain: bytes) -> bytes:
        """The Fernet token of ``plain`` under the first key (ASCII bytes)."""
        return self.first.encrypt(plain)

    def decrypt(self, token: bytes) -> bytes:
        """The plain bytes of ``token``.

        Raises
        ------
        ConfigError
            When no key of the ring opens the token (it was encrypted under a key since removed).
        """
        try:
            return self.ring.decrypt(bytes(token))
        except InvalidToken:
            raise ConfigError(
                f"a stored subscription secret cannot be decrypted with any key of {self.source}",
                field=SECRET_KEY_ENV,
                hint="put the key it was encrypted with back, after the first one",
            ) from None

    def rotate(self, token: bytes) -> bytes:
        """``token`` encrypted again under the first key (:class:`ConfigError` as :meth:`decrypt`)."""
        return self.encrypt(self.decrypt(token))

    def is_current(self, token: bytes) -> bool:
        """Whether ``token`` opens with the first key (nothing to rotate)."""
        try:
            self.first.decrypt(bytes(token))
        except InvalidToken:
            return False
        return True


def generate_key() -> str:
    """A new Fernet key (URL-safe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode("ascii")


def default_key_file(url: str | URL) -> Path | None:
    """``<database file>.key`` for a SQLite file database; None for any other (no local file to sit by)."""
    parsed = make_url(url) if isinstance(url, str) else url
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database).resolve().with_name(Path(database).name + KEY_FILE_SUFFIX)


def secret_keys(url: str | URL, *, create: bool = False) -> SecretKeys:
    """The key ring for the hub at ``url`` (see the module docstring for where it comes from).

    ``create``: make the default key file of a SQLite hub when it does not exist yet (done when a secret
    is about to be encrypted; decrypting never creates a key).

    Raises
    ------
    ConfigError
        When no key is configured (and none may be made), or a configured key or file is unusable.
    """
    from_env = os.environ.get(SECRET_KEY_ENV, "").strip()
    if from_env:
        return _ring(from_env, SECRET_KEY_ENV)
    named = os.environ.get(SECRET_KEY_FILE_ENV, "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError("key file does not exist", field=SECRET_KEY_FILE_ENV, value=named, hint=_HINT)
        return _file_ring(path)
    path_or_none = default_key_file(url)
    if path_or_none is None:
        raise ConfigError(
            "no key to encrypt subscription secrets with: a PostgreSQL hub needs one shared by every server",
            field=SECRET_KEY_ENV,
            hint=_HINT,
        )
    if not path_or_none.exists():
        if not create:
            raise ConfigError(
                "the key file of this database is missing",
                field=SECRET_KEY_FILE_ENV,
                value=str(path_or_none),
                hint=_HINT,
            )
        write_key_file(path_or_none, [generate_key()], exclusive=True)
    return _file_ring(path_or_none)


def key_file_in_use(url: str | URL) -> Path | None:
    """The key file the ring of ``url`` is read from, or None when it comes from ``QUAYSIDE_SECRET_KEY``."""
    if os.environ.get(SECRET_KEY_ENV, "").strip():
        return None
    named = os.environ.get(SECRET_KEY_FILE_ENV, "").strip()
    return Path(named) if named else default_key_file(url)


def write_key_file(path: Path, keys: list[str], *, exclusive: bool = False) -> None:
    """Write ``keys`` (first: the one that encrypts) to ``path`` with mode 0600, atomically.

    ``exclusive``: leave an existing file alone (another process made it first); its keys then apply.
    """
    for key in keys:
        _fernet(key, str(path))
    text = "# Quayside subscription secret keys: the first encrypts, all decrypt. Keep this file private.\n"
    text += "".join(f"{key}\n" for key in keys)
    temporary = path.with_name(f".{path.name}.{_random.token_hex(6)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if exclusive:
            with contextlib.suppress(FileExistsError):  # another process made it first: its key wins
                os.link(temporary, path)
        else:
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_key_file(path: Path) -> list[str]:
    """The keys of a key file, in order (comments and blank lines skipped)."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read key file: {exc}", field=SECRET_KEY_FILE_ENV, value=str(path)) from exc
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _file_ring(path: Path) -> SecretKeys:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"cannot read key file: {exc}", field=SECRET_KEY_FILE_ENV, value=str(path)) from exc
    return _cached_file_ring(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _cached_file_ring(path: str, _mtime_ns: int, _size: int) -> SecretKeys:
    # Keyed on the file's modification time and size, so that a key added by `quayside secrets rotate
    # --new-key` reaches running servers without a restart.
    keys = read_key_file(Path(path))
    if not keys:
        raise ConfigError("holds no key", source=f"key file {path}", hint=_HINT)
    return _ring(",".join(keys), f"key file {path}")


@lru_cache(maxsize=16)
def _ring(text: str, source: str) -> SecretKeys:
    fernets = [_fernet(part.strip(), source) for part in text.split(",") if part.strip()]
    if not fernets:
        raise ConfigError("holds no key", source=source, hint=_HINT)
    return SecretKeys(ring=MultiFernet(fernets), first=fernets[0], count=len(fernets), source=source)


def _fernet(key: str, source: str) -> Fernet:
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        # The key is not quoted: a message must never carry key material.
        raise ConfigError(
            "holds a value that is not a Fernet key (URL-safe base64 of 32 bytes)", source=source, hint=_HINT
        ) from None


@dataclass(frozen=True)
class Rotation:
    """What :func:`rotate` did: secrets re-encrypted (of all), and the key ring they now open with."""

    total: int
    rotated: int
    keys: int
    source: str
    new_key_file: Path | None


def rotate(url: str, *, new_key: bool = False) -> Rotation:
    """``quayside secrets rotate``: re-encrypt every subscription secret under the first key.

    With ``new_key``, a new key is first put at the top of the key file in use (the old ones stay below
    it, so that running servers still open every secret); keys given in ``QUAYSIDE_SECRET_KEY`` are the
    operator's to change. Migrates the database first. Afterwards every secret opens with the first key
    alone, and the others may be removed.

    Raises
    ------
    ConfigError
        When no key is configured, a stored secret opens with none of the keys, or ``new_key`` is asked
        for while the keys come from ``QUAYSIDE_SECRET_KEY``.
    """
    from sqlalchemy import select

    from quayside.store import db
    from quayside.store.models import Subscription

    db.upgrade(url)
    written: Path | None = None
    if new_key:
        path = key_file_in_use(url)
        if path is None:
            raise ConfigError(
                "the keys come from the environment: put the new key first there yourself",
                field=SECRET_KEY_ENV,
                hint="`quayside secrets generate-key` prints one; then run `quayside secrets rotate`",
            )
        old = read_key_file(path) if path.exists() else []
        write_key_file(path, [generate_key(), *old])
        written = path
    keys = secret_keys(url, create=True)
    engine = db.make_engine(url)
    total = rotated = 0
    try:
        with db.session_scope(db.session_factory(engine)) as session:
            for row in session.scalars(select(Subscription).order_by(Subscription.id).with_for_update()):
                total += 1
                if not keys.is_current(row.secret_token):
                    row.secret_token = keys.rotate(row.secret_token)
                    rotated += 1
    finally:
        engine.dispose()
    return Rotation(total=total, rotated=rotated, keys=keys.count, source=keys.source, new_key_file=written)
