"""What a browser would post: the fields of a form on a page, read with ``html.parser``."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    """Every form's action and its successful fields (inputs, selected options, textareas)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), []))
        elif not self.forms:
            return
        elif tag == "input" and "name" in a and not a.get("disabled"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.forms[-1][1].append((a["name"], a.get("value", "")))
        elif tag == "select" and "name" in a:
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected]
            value = chosen[-1] if chosen else (self._options[0][0] if self._options else "")
            self.forms[-1][1].append((self._select, value))
            self._select = None


def form_fields(html: str, action: str) -> dict[str, str]:
    """The fields the form posting to ``action`` (any ``#fragment`` aside) sends, as a browser
    would (buttons aside)."""
    parser = _Forms()
    parser.feed(html)
    for form_action, fields in parser.forms:
        if form_action.split("#")[0] == action:
            return dict(fields)
    raise AssertionError(f"no form posts to {action}; forms: {[f[0] for f in parser.forms]}")
