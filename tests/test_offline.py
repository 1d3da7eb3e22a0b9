"""Offline proof (issue 8): the tests, the notebook kernels and aigc-run cannot reach the network.

Three layers: pytest-socket refuses non-loopback connections in the unit tests
(options in pyproject.toml); ``aigc_utils.offline``'s guard does the same, and
blocks DNS look-ups, in every Python process started with ``AIGC_OFFLINE=1``
and its ``sitecustomize`` folder on ``PYTHONPATH`` (scripts/test.sh sets both,
so the nbval kernels are guarded; ``aigc-run`` sets them for its kernels:
tests/test_runner.py runs a notebook that tries to connect and sees it fail).
"""

import socket
import subprocess
import sys
import tomllib

import pytest

from aigc_utils import offline
from notebook_files import REPO_ROOT

TEST_NET = ("203.0.113.1", 80)  # TEST-NET-3 (RFC 5737): never a real host


@pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")  # pytest-socket's own notice of the block
def test_unit_tests_cannot_connect_outside_loopback():
    with pytest.raises(RuntimeError, match=r"203\.0\.113\.1"):
        socket.create_connection(TEST_NET, timeout=1)


def test_pytest_socket_is_configured_for_every_run():
    addopts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert "--allow-hosts=127.0.0.1,::1" in addopts


def test_guard_blocks_connections_and_lookups_but_not_loopback():
    already = offline.is_installed()  # under scripts/test.sh the sitecustomize installed it at start-up
    offline.install()
    try:
        assert offline.is_installed()
        with pytest.raises(offline.NetworkBlockedError, match=r"connection to \('203\.0\.113\.1', 80\) blocked"):
            socket.create_connection(TEST_NET, timeout=1)
        with pytest.raises(offline.NetworkBlockedError, match="DNS look-up of 'example.com'"):
            socket.getaddrinfo("example.com", 443)
        with pytest.raises(offline.NetworkBlockedError, match="AIGC_OFFLINE"):
            socket.gethostbyname("pypi.org")
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            with socket.create_connection(server.getsockname(), timeout=5):
                pass
        assert socket.getaddrinfo("localhost", 80)
    finally:
        if not already:
            offline.uninstall()
    assert offline.is_installed() == already


def test_guard_in_a_child_process_fails_loudly():
    code = "import socket; socket.create_connection(('203.0.113.1', 80), timeout=1)"
    env = offline.offline_environment()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "NetworkBlockedError: aigc offline guard: connection to ('203.0.113.1', 80) blocked" in result.stderr
    probe = "import socket; print(hasattr(socket.socket.connect, '_aigc_offline_original'))"
    off = subprocess.run(
        [sys.executable, "-c", probe], env=offline.offline_environment(offline=False), capture_output=True, text=True, timeout=120
    )
    assert off.stdout.strip() == "False", "AIGC_OFFLINE=0 installs nothing"


def test_offline_environment_and_loopback_rules():
    env = offline.offline_environment({"PYTHONPATH": "x"})
    assert env["AIGC_OFFLINE"] == "1" and env["PYTHONPATH"].split(":")[0] == str(offline.site_dir())
    assert (offline.site_dir() / "sitecustomize.py").is_file()
    assert offline.offline_environment({}, offline=False) == {"AIGC_OFFLINE": "0"}
    assert offline.is_loopback("127.0.0.1") and offline.is_loopback("::1") and offline.is_loopback("::ffff:127.0.0.1")
    assert not offline.is_loopback("203.0.113.1") and not offline.is_loopback("example.com")
    with pytest.raises(TypeError, match="offline"):
        offline.offline_environment(offline="yes")
    with pytest.raises(TypeError, match="environ"):
        offline.offline_environment([("A", "1")])
    with pytest.raises(TypeError, match="host"):
        offline.is_loopback(None)


def test_test_command_guards_the_notebook_kernels():
    script = (REPO_ROOT / "scripts" / "test.sh").read_text()
    assert "AIGC_OFFLINE=1" in script and "aigc_utils/_offline_site" in script
