"""sippy's reactor in a thread of its own, and the one SIP transport of the process.

sippy keeps its state in process globals (the event dispatcher, the local address in
``SipConf``), so a process runs one SIP stack, bound to one address, at a time. Every
call into sippy happens on the reactor's thread, through ``call`` / ``call_sync``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

from leadline.logging import get_logger, mask_text

log = get_logger("leadline.dialler.sip")

_lock = threading.Lock()
_thread: threading.Thread | None = None
_ready = threading.Event()


def free_udp_port(address: str) -> int:
    """A UDP port nobody holds on ``address`` right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((address, 0))
        port: int = probe.getsockname()[1]
        return port


class _SipLog:
    """sippy's logger interface, writing SIP traffic to our debug log (secrets masked)."""

    def write(self, *args: object, **kwargs: object) -> None:
        log.debug("sip", message=mask_text("".join(str(part) for part in args)))


def _reactor() -> None:
    from _thread import get_ident

    from sippy.Core.EventDispatcher import ED2

    # The dispatcher belongs to the thread that runs its loop: timers check this.
    ED2.my_ident = get_ident()
    _ready.set()
    while True:
        try:
            ED2.loop()
        except Exception:
            # One call's failure must not stop every other call's signalling.
            log.exception("sip reactor error")


def _ensure_reactor() -> None:
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            return
        _ready.clear()
        _thread = threading.Thread(target=_reactor, name="sip-reactor", daemon=True)
        _thread.start()
    _ready.wait(5)


def call(function: Callable[..., object], *args: object) -> None:
    """Run ``function(*args)`` on the reactor's thread, soon."""
    from sippy.Core.EventDispatcher import ED2

    ED2.callFromThread(function, *args)


def call_sync(function: Callable[..., Any], *args: object) -> Any:
    """Run ``function(*args)`` on the reactor's thread and wait for its result."""
    from sippy.Core.EventDispatcher import ED2

    return ED2.callFromThreadSync(function, *args)


class Transport:
    """The UDP transport of the process, bound to ``address:port`` (0: a free port)."""

    _open: Transport | None = None

    def __init__(
        self, address: str, port: int, on_request: Callable[[Any, Any], Any] | None = None
    ) -> None:
        self.address = address
        self.port = port or free_udp_port(address)
        self.on_request = on_request
        self.config: dict[str, Any] = {}

    def open(self) -> None:
        with _lock:
            if Transport._open is not None:
                raise RuntimeError(
                    "a SIP transport is already open in this process "
                    f"({Transport._open.address}:{Transport._open.port})"
                )
            Transport._open = self
        _ensure_reactor()
        try:
            call_sync(self._open_on_reactor)
        except BaseException:
            Transport._open = None
            raise
        log.info("sip transport open", address=self.address, port=self.port)

    def _open_on_reactor(self) -> None:
        from sippy.SipConf import SipConf
        from sippy.SipTransactionManager import SipTransactionManager
        from sippy.Udp_server import Udp_server_opts

        # One sender thread: with several, an ACK and the BYE right after it can
        # leave in the wrong order, and a phone drops a BYE that overtakes its ACK.
        Udp_server_opts.nworkers = 1
        SipConf.my_address = self.address
        SipConf.my_port = self.port
        SipConf.my_uaname = "Leadline"
        self.config = {
            "_sip_address": self.address,
            "_sip_port": self.port,
            "_sip_logger": _SipLog(),
        }
        self.config["_sip_tm"] = SipTransactionManager(self.config, self._incoming)

    def _incoming(self, request: Any, transaction: Any) -> Any:
        # Out-of-dialog requests: the dialler takes no calls, it only places them.
        if self.on_request is not None:
            return self.on_request(request, transaction)
        return (request.genResponse(403, "Forbidden"), None, None)

    def close(self) -> None:
        if Transport._open is not self:
            return
        try:
            call_sync(self._close_on_reactor)
        finally:
            Transport._open = None
        log.info("sip transport closed", address=self.address, port=self.port)

    def _close_on_reactor(self) -> None:
        manager = self.config.get("_sip_tm")
        if manager is not None:
            manager.shutdown()
            # Timers of finished calls still fire (and tidy up) after this: they find
            # a transaction manager that does nothing rather than none at all.
            self.config["_sip_tm"] = _Closed()


class _Closed:
    """A closed transport's stand-in for sippy's transaction manager: every call is
    accepted and does nothing."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        def ignore(*args: object, **kwargs: object) -> None:
            return None

        return ignore
