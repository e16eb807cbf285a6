"""``customs users``: the first admin, users with roles, API tokens — passwords from a file or a prompt."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from customs.cli import app
from customs.settings import Settings
from review.runner import open_accounts

PASSWORD = "a long admin password"


@pytest.fixture()
def env(tmp_path: Path, review_database_url: str | None) -> dict[str, str]:
    """The CLI's environment: a SQLite file, or a PostgreSQL database by URL."""
    env = {
        "CUSTOMS_REVIEW_DB": str(tmp_path / "review.db"),
        "CUSTOMS_REVIEW_KEY": Fernet.generate_key().decode(),
    }
    if review_database_url is not None:
        env["CUSTOMS_REVIEW_DATABASE_URL"] = review_database_url
    return env


def settings_of(env: dict[str, str]) -> Settings:
    return Settings(
        review_db=Path(env["CUSTOMS_REVIEW_DB"]),
        review_database_url=env.get("CUSTOMS_REVIEW_DATABASE_URL"),
        review_key=env["CUSTOMS_REVIEW_KEY"],  # type: ignore[arg-type]
    )


def test_create_admin_from_a_password_file_then_users_and_a_token(
    tmp_path: Path, env: dict[str, str]
) -> None:
    runner = CliRunner()
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    done = runner.invoke(app, ["users", "create-admin", "root", "--password-file", str(secret)], env=env)
    assert done.exit_code == 0, done.output
    assert "created user root (admin)" in done.output
    again = runner.invoke(app, ["users", "create-admin", "root", "--password-file", str(secret)], env=env)
    assert again.exit_code == 2 and "exists" in again.output
    prompted = runner.invoke(
        app,
        ["users", "create", "rita", "--roles", "reviewer,approver"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        env=env,
    )
    assert prompted.exit_code == 0, prompted.output
    bad = runner.invoke(
        app, ["users", "create", "x", "--roles", "boss", "--password-file", str(secret)], env=env
    )
    assert bad.exit_code == 2 and "unknown role" in bad.output
    listed = runner.invoke(app, ["users", "list"], env=env)
    assert "root\tadmin" in listed.output and "rita\treviewer,approver" in listed.output
    token = runner.invoke(app, ["users", "token", "rita"], env=env).output.strip()
    accounts = open_accounts(settings_of(env))
    user = accounts.token_user(token)
    assert user is not None and user.name == "rita"
    assert accounts.authenticate("root", PASSWORD) is not None
    assert runner.invoke(app, ["users", "disable", "rita"], env=env).exit_code == 0
    assert accounts.token_user(token) is None
    accounts.db.close()


def test_a_short_password_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    secret = tmp_path / "password"
    secret.write_text("short\n")
    done = CliRunner().invoke(app, ["users", "create-admin", "root", "--password-file", str(secret)], env=env)
    assert done.exit_code == 2 and "at least 12 characters" in done.output


def test_passwords_are_stored_as_argon2_hashes(tmp_path: Path, env: dict[str, str]) -> None:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD)
    CliRunner().invoke(app, ["users", "create-admin", "root", "--password-file", str(secret)], env=env)
    db = open_accounts(settings_of(env)).db
    [row] = db.all("SELECT password_hash FROM users")
    db.close()
    stored = row["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_one_token_is_listed_and_revoked_on_its_own(tmp_path: Path, env: dict[str, str]) -> None:
    runner = CliRunner()
    secret = tmp_path / "password"
    secret.write_text(PASSWORD)
    runner.invoke(app, ["users", "create-admin", "root", "--password-file", str(secret)], env=env)
    laptop = runner.invoke(app, ["users", "token", "root", "--label", "laptop"], env=env).output.strip()
    backup = runner.invoke(app, ["users", "token", "root", "--label", "backup"], env=env).output.strip()
    listed = runner.invoke(app, ["users", "tokens", "root"], env=env)
    assert listed.exit_code == 0, listed.output
    lines = [line.split("\t") for line in listed.output.splitlines()]
    assert [(line[1], line[-1]) for line in lines] == [("laptop", "active"), ("backup", "active")]
    assert laptop.split("_", 2)[2] not in listed.output and backup.split("_", 2)[2] not in listed.output
    laptop_id = lines[0][0]
    done = runner.invoke(app, ["users", "revoke-token", laptop_id], env=env)
    assert done.exit_code == 0 and f"revoked token {laptop_id} (laptop) of root" in done.output
    accounts = open_accounts(settings_of(env))
    assert accounts.token_user(laptop) is None
    assert accounts.token_user(backup) is not None
    by_whole_token = runner.invoke(app, ["users", "revoke-token", backup], env=env)
    assert by_whole_token.exit_code == 0, by_whole_token.output
    assert accounts.token_user(backup) is None
    assert "revoked" in runner.invoke(app, ["users", "tokens", "root"], env=env).output
    missing = runner.invoke(app, ["users", "revoke-token", "000000000000"], env=env)
    assert missing.exit_code == 2 and "no token" in missing.output
    assert runner.invoke(app, ["users", "tokens", "nobody"], env=env).exit_code == 2
    accounts.db.close()
