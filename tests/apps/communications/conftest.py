"""A real SMTP server on loopback (aiosmtpd), on a free port, for the outbox's tests."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    """What the server received, and (for the crash test) a worker to kill on receipt."""

    received: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    kill_on_receipt: int | None = None  # a worker's pid
    refuse: bool = False
    refuse_to: set[str] = field(default_factory=set)  # recipients whose messages are refused
    peers: list[Any] = field(default_factory=list)  # the client's address of each message

    @property
    def connections(self) -> int:
        """How many SMTP connections the messages came over (a connection's client port)."""
        return len(set(self.peers))

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 try again later"
        if self.refuse_to & set(envelope.rcpt_tos):
            return "550 mailbox unavailable"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        self.peers.append(session.peer)
        if self.kill_on_receipt is not None:  # the message is in: kill before it is marked
            os.kill(self.kill_on_receipt, signal.SIGKILL)
            self.kill_on_receipt = None
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings) -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield box, port
    finally:
        controller.stop()
