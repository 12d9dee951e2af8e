"""What every tool agrees on about a page's Markdown source."""

from __future__ import annotations

import re

# The YAML block at the top of a page, between "---" lines (MkDocs also accepts "..." to
# close it); group 1 is the YAML. Files are read in text mode, so Windows line ends arrive as "\n".
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*\n", re.S)
