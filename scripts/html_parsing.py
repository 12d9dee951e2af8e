"""An HTML parser that reads malformed markup the way browsers do, instead of raising."""

from __future__ import annotations

from html.parser import HTMLParser


class LenientHTMLParser(HTMLParser):
    """html.parser raises AssertionError on some '<![' sections (e.g. '<![ x'); browsers treat
    them as a comment up to the next '>', and so does this parser."""

    def parse_marked_section(self, i, report=1):
        end = self.rawdata.find(">", i + 3)
        return -1 if end < 0 else end + 1
