"""The README's Python walk-through and its taste commands run as written, and it links
nothing outside the repository."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
HINTERLAND = Path(sys.executable).parent / "hinterland"


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _blocks(section: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section, re.S)


def taste_commands() -> list[list[str]]:
    """The ``$H ...`` lines of the taste block, comments stripped, ``$H`` resolved."""
    (block,) = _blocks(_section("A taste"), "sh")
    commands = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("$H "):
            commands.append([str(HINTERLAND), *shlex.split(line[3:])])
    return commands


def test_python_walkthrough_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = _blocks(_section("Python"), "python")
    assert 8 <= len(code.strip().splitlines()) <= 20  # about fifteen lines
    for stage in (".region(", ".design(", ".orders(", ".promise(", ".routes("):
        assert stage in code
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md (Python)", "exec"), namespace)
    plan = namespace["plan"]
    assert plan.route_plan is not None and plan.promises is not None  # type: ignore[attr-defined]
    assert (tmp_path / "zips.geojson").stat().st_size > 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_busy(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _serve(cmd: list[str], cwd: Path) -> None:
    """Start ``serve``, wait until /docs answers, stop it."""
    port = int(cmd[cmd.index("--port") + 1])
    if _port_busy(port):  # someone else's server: same command on a free port
        port = _free_port()
        cmd = [*cmd[: cmd.index("--port") + 1], str(port), *cmd[cmd.index("--port") + 2:]]
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"serve exited {proc.returncode}: {proc.stdout.read()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/docs", timeout=2) as r:
                    assert r.status == 200
                    return
            except OSError:
                time.sleep(0.5)
        raise AssertionError("serve did not answer within 120 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_taste_commands_run_as_written(tmp_path: Path) -> None:
    commands = taste_commands()
    assert len(commands) >= 8
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {**os.environ, "COLUMNS": "100"}
    for cmd in commands:
        if cmd[1] == "serve":
            _serve(cmd, tmp_path)
            continue
        done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        shown = " ".join(cmd[1:])
        assert done.returncode == 0, f"{shown}: exit {done.returncode}\n{done.stderr[-2000:]}"
    assert (tmp_path / "plan.parquet").is_file() and (tmp_path / "choices.csv").is_file()
    assert (tmp_path / "out" / "design" / "zips.geojson").is_file()


def test_readme_links_nothing_outside_the_repository() -> None:
    assert not re.search(r"https?://|www\.", README)
    for target in re.findall(r"\]\(([^)]+)\)", README):
        assert not target.startswith(("/", "..")), target
        assert (ROOT / target.split("#")[0]).exists(), target
    for path in re.findall(r"`([\w./-]+\.(?:md|py|csv|cff|toml))`", README):
        assert not path.startswith(".."), path
        assert (ROOT / path).exists(), f"README names {path}, which is not in the repository"
