"""Every importer message has an Indonesian translation with the same placeholders."""

from __future__ import annotations

import re

from pantau.i18n import _catalogue

from .msgids import msgids

PLACEHOLDER = re.compile(r"{(\w*)}")


def test_every_message_is_translated() -> None:
    catalogue = _catalogue("id")
    found = msgids()
    assert len(found) > 80
    missing = sorted(m for m in found if m not in catalogue)
    assert missing == []


def test_translations_keep_placeholders() -> None:
    catalogue = _catalogue("id")
    for message in msgids():
        assert set(PLACEHOLDER.findall(catalogue[message])) == set(PLACEHOLDER.findall(message))
