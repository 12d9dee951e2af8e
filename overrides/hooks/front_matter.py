"""Stop the build on front matter a reader would be harmed by, naming the file and line.

MkDocs silently treats unparseable front matter as page text, so a typo in a translator's
YAML would publish the raw block. This hook parses the front matter itself and raises a
clear error instead:

    docs/causes.es.md:4: front matter is not valid YAML (mapping values are not allowed here).
    Check the colons and quotes on that line.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # so `scripts` imports however mkdocs was started

from scripts.markdown_source import FRONT_MATTER  # noqa: E402

REQUIRED = ("title", "description", "last_reviewed", "next_review", "clinical_review")
CLINICAL_REVIEW = ("pending", "reviewed")
TRANSLATION_STATUS = ("machine-assisted", "reviewed")


def problems(path: Path, default_language: str, shown_as: str | None = None) -> list[str]:
    """Return 'file:line: message' strings for the front matter of one page."""
    text = path.read_text(encoding="utf-8")
    path = shown_as or path
    match = FRONT_MATTER.match(text)
    if not match:
        return [f"{path}:1: the page has no front matter. Start it with '---', the keys "
                f"{', '.join(REQUIRED)}, and '---' (see CONTRIBUTING.md)."]
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for the opening '---', +1 for 1-based lines
        reason = getattr(error, "problem", None) or "it cannot be read"
        return [f"{path}:{line}: front matter is not valid YAML ({reason}). "
                "Check the colons, quotes and indentation on that line."]
    if not isinstance(meta, dict):
        return [f"{path}:2: front matter must be 'key: value' lines (see CONTRIBUTING.md)."]

    found = []
    for key in REQUIRED:
        if meta.get(key) in (None, ""):
            found.append(f"{path}:1: front matter is missing '{key}' (see CONTRIBUTING.md).")
    for key in ("last_reviewed", "next_review"):
        if key in meta and not isinstance(meta[key], datetime.date):
            found.append(f"{path}:1: '{key}' must be a date written YYYY-MM-DD, "
                         f"not {meta[key]!r}.")
    review = meta.get("clinical_review")
    if review is not None and review not in CLINICAL_REVIEW:
        found.append(f"{path}:1: 'clinical_review' must be one of {', '.join(CLINICAL_REVIEW)}.")
    if review == "reviewed" and not meta.get("clinical_reviewer"):
        found.append(f"{path}:1: 'clinical_review: reviewed' needs 'clinical_reviewer' "
                     "(the real name and credentials of the person who reviewed it).")

    suffixes = Path(path).name.split(".")
    language = suffixes[-2] if len(suffixes) > 2 else default_language
    if language != default_language:
        translation = meta.get("translation")
        if not isinstance(translation, dict):
            found.append(f"{path}:1: a translated page needs a 'translation:' block with "
                         "'status' and 'source_commit' (see CONTRIBUTING.md).")
        else:
            if translation.get("status") not in TRANSLATION_STATUS:
                found.append(f"{path}:1: 'translation: status' must be one of "
                             f"{', '.join(TRANSLATION_STATUS)}.")
            if translation.get("status") == "reviewed" and not translation.get("translator"):
                found.append(f"{path}:1: a reviewed translation names its translator.")
            if not translation.get("source_commit"):
                found.append(f"{path}:1: 'translation: source_commit' names the English "
                             "version this page follows (run: python -m scripts.translations status).")
    return found


def on_files(files, config):
    """Check every Markdown page once, before anything is rendered."""
    default_language = next(
        (lang["locale"] for lang in config.plugins["i18n"].config.languages if lang["default"]),
        "en",
    )
    docs = Path(config.docs_dir)
    found = []
    for file in files.documentation_pages():
        shown_as = f"{docs.name}/{file.src_uri}"
        found.extend(problems(Path(file.abs_src_path), default_language, shown_as))
    if found:
        raise PluginError("Front matter problems:\n  " + "\n  ".join(found))
    return files
