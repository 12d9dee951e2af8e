"""The words our own templates show, per language: i18n/<language>.yml, English as fallback."""

from __future__ import annotations

from pathlib import Path

import yaml

STRINGS_DIR = Path(__file__).resolve().parent.parent / "i18n"


def load_strings(language: str, default_language: str, folder: Path = STRINGS_DIR) -> dict:
    """The default language's strings, overlaid with the given language's where present."""
    strings = yaml.safe_load((folder / f"{default_language}.yml").read_text(encoding="utf-8"))
    own = folder / f"{language}.yml"
    if language != default_language and own.exists():
        strings.update(yaml.safe_load(own.read_text(encoding="utf-8")) or {})
    return strings
