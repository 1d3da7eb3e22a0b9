"""The offline guard: prove that the course never touches the network.

The course promises that nothing is downloaded at run time. This module turns
that promise into a test: once :func:`install` has run, every attempt of the
Python process to reach a non-loopback address raises
:class:`NetworkBlockedError`, with a message naming the address::

    AIGC_OFFLINE=1 PYTHONPATH=$(python -m aigc_utils.offline --site-dir) python my_script.py

Blocked: ``socket.connect``/``connect_ex`` (and so ``create_connection``,
``urllib``, ``requests``, ``http.client``) to any address outside
``127.0.0.0/8`` and ``::1``, and DNS look-ups (``getaddrinfo``,
``gethostbyname``, ``gethostbyname_ex``) of any name other than
``localhost`` and this machine's own name. Allowed: loopback TCP (Jupyter
kernels talk to their client over loopback ZMQ), Unix sockets, numeric
addresses in look-ups (the connect is checked instead).

How it reaches every process:

- ``aigc_utils/_offline_site/sitecustomize.py`` calls :func:`install_from_environment`,
  which installs the guard when ``$AIGC_OFFLINE`` is ``1``. Putting that
  folder on ``PYTHONPATH`` (see :func:`site_dir`) guards every Python process
  started below, Jupyter kernels included. ``scripts/test.sh`` does this for
  the notebook tests, and ``aigc-run`` does it for the kernels it starts
  (``--allow-network`` turns it off).
- The unit tests are guarded by the ``pytest-socket`` plugin (options in
  ``pyproject.toml``).

The error is a ``RuntimeError`` on purpose (as pytest-socket's is): code that
quietly swallows ``OSError`` and retries cannot hide a download attempt.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path
from typing import Any

ENV_VAR = "AIGC_OFFLINE"
_SITE_DIR = Path(__file__).resolve().parent / "_offline_site"


class NetworkBlockedError(RuntimeError):
    """A network access that the offline guard refused (the message names the address)."""


def site_dir() -> Path:
    """The folder to put on ``PYTHONPATH`` so that child processes install the guard
    (its ``sitecustomize.py`` acts only when ``$AIGC_OFFLINE`` is ``1``)."""
    return _SITE_DIR


def is_loopback(host: Any) -> bool:
    """Whether ``host`` (an IP address string, ``"localhost"`` or ``""``) stays on this machine.

    Raises:
        TypeError: ``host`` is not a string.
    """
    if not isinstance(host, str):
        raise TypeError(f"host must be a string, got {type(host).__name__}")
    name = host.strip("[]").split("%")[0].lower()
    if name in ("", "localhost", "0.0.0.0", "::"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _allowed_name(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return True
    if is_loopback(host):
        return True
    try:
        ipaddress.ip_address(host.strip("[]").split("%")[0])
        return True  # a numeric address: no DNS query; the connect is checked
    except ValueError:
        pass
    return host.lower().rstrip(".") in {socket.gethostname().lower(), "localhost.localdomain", "ip6-localhost"}


def _blocked(what: str) -> NetworkBlockedError:
    return NetworkBlockedError(
        f"aigc offline guard: {what} blocked (${ENV_VAR}=1; the course must run without network). "
        "Set AIGC_OFFLINE=0 or run aigc-run --allow-network to allow it."
    )


def _address_allowed(family: int, address: Any) -> bool:
    if family == getattr(socket, "AF_UNIX", object()):
        return True
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return is_loopback(address[0])
    return False


_PATCHED = ("connect", "connect_ex")
_PATCHED_FUNCTIONS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex")
_MARK = "_aigc_offline_original"


def install() -> None:
    """Block non-loopback connections and DNS look-ups in this process (idempotent).

    The originals are kept on the replacement functions themselves, so the
    guard can be loaded twice (by ``sitecustomize`` from its file, then as
    ``aigc_utils.offline``) and still be one guard.
    """
    if is_installed():
        return

    def guarded_method(name: str) -> Any:
        original = getattr(socket.socket, name)

        def method(self: socket.socket, address: Any) -> Any:
            if not _address_allowed(self.family, address):
                raise _blocked(f"connection to {address!r}")
            return original(self, address)

        setattr(method, _MARK, original)
        return method

    def guarded_lookup(name: str) -> Any:
        original = getattr(socket, name)

        def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not _allowed_name(host):
                raise _blocked(f"DNS look-up of {host!r}")
            return original(host, *args, **kwargs)

        setattr(lookup, _MARK, original)
        return lookup

    for name in _PATCHED:
        setattr(socket.socket, name, guarded_method(name))
    for name in _PATCHED_FUNCTIONS:
        setattr(socket, name, guarded_lookup(name))


def uninstall() -> None:
    """Undo :func:`install` (nothing happens when the guard is not installed)."""
    for name in _PATCHED:
        original = getattr(getattr(socket.socket, name), _MARK, None)
        if original is not None:
            setattr(socket.socket, name, original)
    for name in _PATCHED_FUNCTIONS:
        original = getattr(getattr(socket, name), _MARK, None)
        if original is not None:
            setattr(socket, name, original)


def is_installed() -> bool:
    """Whether the guard is active in this process."""
    return hasattr(socket.socket.connect, _MARK)


def install_from_environment() -> bool:
    """Install the guard when ``$AIGC_OFFLINE`` is ``1``; return whether it is installed."""
    if os.environ.get(ENV_VAR, "") == "1":
        install()
    return is_installed()


def offline_environment(environ: dict[str, str] | None = None, *, offline: bool = True) -> dict[str, str]:
    """A copy of ``environ`` (default ``os.environ``) that makes child Python processes
    install the guard (``offline=True``) or not (``offline=False``).

    Raises:
        TypeError: ``offline`` is not a bool or ``environ`` is not a dict.
    """
    if not isinstance(offline, bool):
        raise TypeError(f"offline must be a bool, got {type(offline).__name__}")
    if environ is not None and not isinstance(environ, dict):
        raise TypeError(f"environ must be a dict or None, got {type(environ).__name__}")
    env = dict(os.environ if environ is None else environ)
    env[ENV_VAR] = "1" if offline else "0"
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if offline and str(_SITE_DIR) not in paths:
        paths.insert(0, str(_SITE_DIR))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    if not env["PYTHONPATH"]:
        del env["PYTHONPATH"]
    return env


def main(argv: list[str] | None = None) -> int:
    """``python -m aigc_utils.offline --site-dir`` prints the folder for ``PYTHONPATH``."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["--site-dir"]:
        print("usage: python -m aigc_utils.offline --site-dir", file=sys.stderr)
        return 2
    print(site_dir())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
