"""Every message of the analysis views has an Indonesian translation with the same placeholders."""

from __future__ import annotations

import re

import pytest

from pantau.analysis.quality import MESSAGES
from pantau.analysis.reliability import LABELS
from pantau.i18n import gettext

TEXTS = [*MESSAGES.values(), *LABELS.values(), "none", "low", "medium", "high"]


@pytest.mark.parametrize("text", TEXTS)
def test_translated_with_same_placeholders(text: str) -> None:
    translated = gettext(text, "id")
    assert translated != text
    assert set(re.findall(r"{\w+}", translated)) == set(re.findall(r"{\w+}", text))
