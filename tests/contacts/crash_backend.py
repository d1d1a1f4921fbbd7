"""An email backend for the outbox test with real workers: it writes each message to a directory
(``KEYWORK_TEST_MAILDIR``) and, once, kills its own worker process at the step named by
``KEYWORK_TEST_CRASH``: ``before_send`` (the mail server never got it) or ``after_send`` (the
server accepted it; the worker dies before the result is recorded)."""

import os
import signal
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class CrashingBackend(BaseEmailBackend):
    def _crash_once(self, step: str) -> None:
        if os.environ.get("KEYWORK_TEST_CRASH") != step:
            return
        marker = Path(os.environ["KEYWORK_TEST_MAILDIR"]) / f"crashed-{step}"
        if marker.exists():
            return
        marker.write_text("killed")
        os.killpg(os.getpgid(os.getpid()), signal.SIGKILL)

    def send_messages(self, messages):
        self._crash_once("before_send")
        folder = Path(os.environ["KEYWORK_TEST_MAILDIR"])
        for message in messages:
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        self._crash_once("after_send")
        return len(messages)
