"""The translators' tool (python -m scripts.translations), on small throwaway git projects."""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config

from scripts import translations

ROOT = Path(__file__).resolve().parent.parent

FRONT = """---
title: {title}
description: {description}
last_reviewed: 2026-11-24
next_review: 2027-11-24
clinical_review: pending
{extra}---
"""

INDEX = FRONT.format(title="Home", description="Start here.", extra="") + """
# Home

!!! abstract "Key points"

    - Pain after back surgery is common.

Read about [scar tissue](causes.md#scar-tissue) and [other causes](causes.md).
"""

CAUSES = FRONT.format(title="Causes", description="Why pain goes on.", extra="urgent_signs: true\n") + """
# Causes

!!! abstract "Key points"

    - Scar tissue can press on nerves.[^kumar2008]

## Scar tissue

Epidural fibrosis is scar tissue around the nerves.[^kumar2008] An MRI can show it.
See [the glossary](glossary.md).

!!! warning "Get help now"

    Call 911 if you suddenly cannot move your legs.

## Other causes

Nerves can stay irritated.[^nice-ng59] See [scar tissue](#scar-tissue).

## Sources

[^kumar2008]: Kumar K, et al. Neurosurgery. 2008;63(4):762-770. <https://pubmed.ncbi.nlm.nih.gov/18981888/>

[^nice-ng59]: NICE. Low back pain and sciatica in over 16s. NG59. <https://www.nice.org.uk/guidance/ng59>
"""

SYMPTOMS = FRONT.format(title="Symptoms", description="What you may feel.", extra="") + """
# Symptoms

!!! abstract "Key points"

    - Pain can spread down a leg.[^nice-ng59]

## Sources

[^nice-ng59]: NICE. Low back pain and sciatica in over 16s. NG59. <https://www.nice.org.uk/guidance/ng59>
"""

GLOSSARY = FRONT.format(title="Glossary", description="Words used in this guide.", extra="") + """
# Glossary

epidural fibrosis
:   Scar tissue that forms around the nerves after surgery.

MRI
:   A scan that uses a strong magnet to take pictures inside the body.

sciatica
:   Pain that runs down the leg from an irritated nerve.
"""

SPANISH = """translation:
  status: machine-assisted
  source_commit: "{commit}"
"""

INDEX_ES = FRONT.format(title="Inicio", description="Empiece aquí.", extra=SPANISH) + """
# Inicio

!!! abstract "Puntos clave"

    - El dolor después de una cirugía de espalda es común.

Lea sobre el [tejido cicatricial](causes.md#scar-tissue) y [otras causas](causes.md).
"""

CAUSES_ES = FRONT.format(title="Causas", description="Por qué sigue el dolor.",
                         extra="urgent_signs: true\n" + SPANISH) + """
# Causas

!!! abstract "Puntos clave"

    - El tejido cicatricial puede presionar los nervios.[^kumar2008]

## Tejido cicatricial {#scar-tissue}

La fibrosis epidural es tejido cicatricial alrededor de los nervios.[^kumar2008] Una
resonancia magnética (MRI) puede mostrarla. Vea [el glosario](glossary.md).

!!! warning "Pida ayuda ahora"

    Llame al 911 si de repente no puede mover las piernas.

## Otras causas

Los nervios pueden seguir irritados.[^nice-ng59] Vea [tejido cicatricial](#scar-tissue).

## Fuentes

[^kumar2008]: Kumar K, et al. Neurosurgery. 2008;63(4):762-770. <https://pubmed.ncbi.nlm.nih.gov/18981888/>

[^nice-ng59]: NICE. Low back pain and sciatica in over 16s. NG59. <https://www.nice.org.uk/guidance/ng59>
"""

GLOSSARY_ES = FRONT.format(title="Glosario", description="Palabras de esta guía.", extra=SPANISH) + """
# Glosario

fibrosis epidural
:   Tejido cicatricial que se forma alrededor de los nervios después de una cirugía.

resonancia magnética
:   Un estudio que usa un imán fuerte para tomar imágenes del interior del cuerpo.

ciática
:   Dolor que baja por la pierna desde un nervio irritado.
"""


def git(root: Path, *args: str, date: str = "2026-11-24T10:00:00+00:00") -> str:
    """Run git in the throwaway project, with a fixed author and date and no personal config."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


def commit_all(root: Path, message: str, date: str = "2026-11-24T10:00:00+00:00") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "log", "-1", "--format=%h")


class Project:
    """A small copy of the guide: English pages committed, then their Spanish translations."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
        shutil.copytree(ROOT / "i18n", root / "i18n")
        for name, text in {"index.md": INDEX, "causes.md": CAUSES, "symptoms.md": SYMPTOMS,
                           "glossary.md": GLOSSARY}.items():
            self.write(name, text)
        git(root, "init", "-q")
        self.english_commit = commit_all(root, "English pages")
        for name, text in {"index.es.md": INDEX_ES, "causes.es.md": CAUSES_ES,
                           "glossary.es.md": GLOSSARY_ES}.items():
            self.write(name, text.replace("{commit}", self.english_commit))
        commit_all(root, "Spanish pages")

    def write(self, name: str, text: str) -> Path:
        path = self.root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, name: str) -> str:
        return (self.root / "docs" / name).read_text(encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        text = self.read(name)
        assert old in text, f"{old!r} is not in {name}"
        self.write(name, text.replace(old, new, 1))

    def line_of(self, name: str, text: str) -> int:
        return next(number for number, line in enumerate(self.read(name).splitlines(), start=1)
                    if text in line)


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def run(project, capsys):
    """Run the command line on the project: (exit status, what it printed, its errors)."""
    def run(*args: str) -> tuple[int, str, str]:
        code = translations.main(["--root", str(project.root), *args])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def states(project) -> dict[str, translations.PageState]:
    return {s.page: s for s in translations.page_states(project.root) if s.language == "es"}


# --- page_states and status ---------------------------------------------------------------

def test_page_states_translated_and_missing(project):
    found = states(project)
    assert set(found) == {"index.md", "causes.md", "symptoms.md", "glossary.md"}
    causes = found["causes.md"]
    assert (causes.state, causes.status, causes.translator) == ("translated", "machine-assisted", None)
    assert causes.source_commit == project.english_commit and causes.english_changed_on is None
    assert found["symptoms.md"] == translations.PageState("symptoms.md", "es", "missing", None,
                                                          None, None, None)


def test_team_pages_marked_translate_false_are_not_listed(project):
    project.write("readability.md", "---\ntitle: Readability\ntranslate: false\n---\n\n# Readability\n")
    assert "readability.md" not in states(project)
    assert "symptoms.md" in states(project)


def test_page_states_reviewed_names_the_translator(project):
    project.edit("causes.es.md", "status: machine-assisted",
                 'status: reviewed\n  translator: "Ana Ruiz, CHI"')
    causes = states(project)["causes.md"]
    assert (causes.status, causes.translator) == ("reviewed", "Ana Ruiz, CHI")


def test_committed_english_change_makes_translation_outdated_with_its_date(project):
    project.edit("causes.md", "An MRI can show it.", "An MRI scan can often show it.")
    commit_all(project.root, "Clarify MRI", date="2026-12-01T09:00:00+00:00")
    found = states(project)
    assert found["causes.md"].state == "outdated"
    assert found["causes.md"].english_changed_on == datetime.date(2026, 12, 1)
    assert found["index.md"].state == "translated"


def test_uncommitted_english_change_makes_translation_outdated_today(project):
    project.edit("causes.md", "An MRI can show it.", "An MRI scan can often show it.")
    causes = states(project)["causes.md"]
    assert causes.state == "outdated" and causes.english_changed_on == datetime.date.today()


def test_status_table_legend_and_totals(project, run):
    project.edit("causes.md", "An MRI can show it.", "An MRI scan can often show it.")
    commit_all(project.root, "Clarify MRI", date="2026-12-01T09:00:00+00:00")
    code, out, _ = run("status")
    assert code == 0
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    assert rows["page"] == ["es"]
    assert rows["causes.md"] == ["M!"] and rows["index.md"] == ["M"] and rows["symptoms.md"] == ["-"]
    assert "Legend: M machine-assisted" in out
    assert (rows["translated"], rows["current"], rows["reviewed"], rows["missing"]) == (
        ["3"], ["2"], ["0"], ["1"])
    assert ("docs/causes.es.md: out of date: docs/causes.md changed on 2026-12-01. See what "
            "changed: python -m scripts.translations diff es causes") in out


def test_status_json_lists_page_states(project, run):
    project.edit("causes.md", "An MRI can show it.", "An MRI scan can often show it.")
    commit_all(project.root, "Clarify MRI", date="2026-12-01T09:00:00+00:00")
    code, out, _ = run("status", "es", "--format", "json")
    assert code == 0
    entries = {entry["page"]: entry for entry in json.loads(out)}
    assert entries["causes.md"] == {"page": "causes.md", "language": "es", "state": "outdated",
                                    "status": "machine-assisted", "translator": None,
                                    "source_commit": project.english_commit,
                                    "english_changed_on": "2026-12-01"}
    assert entries["symptoms.md"]["state"] == "missing"


def test_status_of_an_unknown_language_is_a_usage_error(run):
    code, out, err = run("status", "vi")
    assert code == 2 and "new-language vi" in err


def test_unknown_source_commit_is_unknown_not_a_crash(project, run):
    project.edit("causes.es.md", f'source_commit: "{project.english_commit}"', "source_commit: abcdef1")
    assert states(project)["causes.md"].state == "unknown"
    code, out, _ = run("status")
    assert code == 0 and "git does not know the commit 'abcdef1'" in out


def test_without_git_states_are_unknown_and_nothing_crashes(project, run, monkeypatch):
    monkeypatch.setenv("PATH", "")  # git cannot be found
    found = states(project)
    assert found["causes.md"].state == "unknown" and found["symptoms.md"].state == "missing"
    assert run("status")[0] == 0
    assert run("verify", "es")[0] == 0
    code, _, err = run("new", "es", "symptoms")
    assert code == 1 and "git is not installed" in err
    code, _, err = run("diff", "es", "causes")
    assert code == 1 and "git is not installed" in err


def test_outside_a_git_repository_states_are_unknown(project):
    shutil.rmtree(project.root / ".git")
    assert states(project)["causes.md"].state == "unknown"


# --- diff ---------------------------------------------------------------------------------

def test_diff_shows_what_changed_and_the_next_source_commit(project, run):
    project.edit("causes.md", "An MRI can show it.", "An MRI scan can often show it.")
    new_commit = commit_all(project.root, "Clarify MRI", date="2026-12-01T09:00:00+00:00")
    for spelling in ("causes", "causes.md", "docs/causes.md", "causes.es.md"):
        code, out, _ = run("diff", "es", spelling)
        assert code == 0
        assert "-Epidural fibrosis is scar tissue around the nerves.[^kumar2008] An MRI can show it." in out
        assert "+Epidural fibrosis is scar tissue around the nerves.[^kumar2008] An MRI scan can often show it." in out
        assert f"    source_commit: {new_commit}\n" in out
        assert "Next: update only these parts in docs/causes.es.md." in out


def test_diff_of_uncommitted_change_says_to_commit_first(project, run):
    project.edit("causes.md", "An MRI can show it.", "An MRI scan can often show it.")
    code, out, _ = run("diff", "es", "causes")
    assert code == 0 and "+Epidural fibrosis" in out
    assert "not committed yet" in out and "source_commit:" not in out.split("Next:")[1]


def test_diff_of_a_current_translation_says_nothing_to_do(run):
    code, out, _ = run("diff", "es", "causes")
    assert code == 0 and "is up to date" in out and "Nothing to do" in out


def test_diff_without_translation_or_page(run):
    code, _, err = run("diff", "es", "symptoms")
    assert code == 1 and "docs/symptoms.es.md does not exist yet" in err
    assert "python -m scripts.translations new es symptoms" in err
    code, _, err = run("diff", "es", "cuases")
    assert code == 2 and "Did you mean: causes?" in err


# --- new ----------------------------------------------------------------------------------

def test_new_scaffolds_the_page_from_the_english_commit(project, run):
    code, out, _ = run("new", "es", "symptoms")
    assert code == 0
    assert "Created docs/symptoms.es.md" in out
    assert "verify es" in out and "http://127.0.0.1:8000/es/symptoms/" in out
    text = project.read("symptoms.es.md")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["translation"] == {"status": "machine-assisted",
                                   "source_commit": project.english_commit}
    assert {key: meta[key] for key in ("title", "description", "clinical_review")} == {
        "title": "Symptoms", "description": "What you may feel.", "clinical_review": "pending"}
    assert text.endswith(SYMPTOMS.split("---\n", 2)[2])
    assert "change to reviewed" in text.lower()
    assert states(project)["symptoms.md"].state == "translated"
    assert run("verify", "es")[0] == 0  # a fresh copy has the English structure


def test_new_dry_run_writes_nothing(project, run):
    code, out, _ = run("new", "es", "symptoms", "--dry-run")
    assert code == 0 and "Would create docs/symptoms.es.md" in out
    assert not (project.root / "docs" / "symptoms.es.md").exists()


def test_new_refuses_to_overwrite(project, run):
    before = project.read("causes.es.md")
    code, _, err = run("new", "es", "causes")
    assert code == 1 and "docs/causes.es.md already exists; nothing was changed" in err
    assert "diff es causes" in err
    assert project.read("causes.es.md") == before


def test_new_in_an_unregistered_language_says_to_add_it(project, run):
    code, _, err = run("new", "vi", "causes")
    assert code == 2
    assert "'vi' is not a language of this site yet" in err
    assert "python -m scripts.translations new-language vi" in err
    assert not (project.root / "docs" / "causes.vi.md").exists()


def test_new_unknown_page_suggests_close_names(run):
    code, _, err = run("new", "es", "symptom")
    assert code == 2 and "there is no English page docs/symptom.md" in err and "symptoms" in err


def test_new_needs_a_committed_english_page(project, run):
    project.write("about.md", FRONT.format(title="About", description="Who we are.", extra=""))
    code, _, err = run("new", "es", "about")
    assert code == 1 and "has no commit yet" in err


# --- new-language -------------------------------------------------------------------------

def test_new_language_registers_it_and_creates_its_files(project, run):
    code, out, _ = run("new-language", "vi")
    assert code == 0
    text = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]' in text
    assert "# Hooks: small, single-purpose build steps" in text  # comments are kept
    shutil.copytree(ROOT / "overrides", project.root / "overrides")
    languages = load_config(str(project.root / "mkdocs.yml")).plugins["i18n"].config.languages
    vietnamese = languages[-1]
    assert [lang["locale"] for lang in languages] == ["en", "es", "vi"]
    assert (vietnamese["name"], vietnamese["build"], vietnamese["site_name"]) == (
        "Tiếng Việt", True, "FBSS Patient Guide")
    assert list(vietnamese["nav_translations"]) == [
        "Understanding FBSS", "Treatments", "Living with FBSS", "Get help"]
    strings = yaml.safe_load((project.root / "i18n" / "vi.yml").read_text(encoding="utf-8"))
    english = yaml.safe_load((project.root / "i18n" / "en.yml").read_text(encoding="utf-8"))
    assert strings == english
    glossary = project.read("glossary.vi.md")
    assert "status: machine-assisted" in glossary
    assert "<!-- en: epidural fibrosis -->\nepidural fibrosis\n:   " in glossary
    assert "<!-- en: MRI -->\nMRI\n:   " in glossary
    assert "Translate the text in quotes in i18n/vi.yml" in out
    assert "new vi PAGE" in out and "http://127.0.0.1:8000/vi/" in out
    assert "right to left" not in out
    assert run("new", "vi", "causes")[0] == 0
    assert run("verify", "vi")[0] == 0  # fresh copies have the English structure
    code, out, _ = run("status")
    assert code == 0 and out.splitlines()[0].split() == ["page", "es", "vi"]


def test_new_language_dry_run_changes_nothing(project, run):
    before = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    code, out, _ = run("new-language", "ko", "--dry-run")
    assert code == 0 and "+        - locale: ko" in out and "Would create i18n/ko.yml" in out
    assert (project.root / "mkdocs.yml").read_text(encoding="utf-8") == before
    assert not (project.root / "i18n" / "ko.yml").exists()


def test_new_language_right_to_left_and_given_name(project, run):
    code, out, _ = run("new-language", "fa")
    assert code == 0 and "right to left" in out
    code, out, _ = run("new-language", "de", "--name", "Deutsch")
    assert code == 0
    config = translations.load_config(project.root)
    assert translations._i18n_languages(config)[-1]["name"] == "Deutsch"


def test_new_language_refuses_duplicates_bad_codes_and_missing_names(project, run):
    before = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    code, _, err = run("new-language", "es")
    assert code == 1 and "'es' is already a language of this site" in err
    for bad in ("Vietnamese", "vi-vn", "VI"):
        code, _, err = run("new-language", bad)
        assert code == 2 and "is not a language code" in err
    code, _, err = run("new-language", "de")
    assert code == 2 and '--name "Deutsch"' in err
    assert (project.root / "mkdocs.yml").read_text(encoding="utf-8") == before


def test_new_language_leaves_an_unusual_mkdocs_yml_alone(project, run):
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("      languages:")
    end = text.index("\n# Hooks:")
    odd = text[:start] + "      languages: [{locale: en, default: true, name: English, build: true}]\n" + text[end:]
    config.write_text(odd, encoding="utf-8")
    code, _, err = run("new-language", "vi")
    assert code == 1 and "could not be changed safely" in err
    assert "Add these lines by hand" in err and "- locale: vi" in err
    assert config.read_text(encoding="utf-8") == odd


# --- verify -------------------------------------------------------------------------------

def test_verify_passes_on_a_faithful_translation(run):
    code, out, _ = run("verify")
    assert code == 0 and "All 3 translated page(s) match their English pages." in out


# defect: (text in causes.es.md, replaced by, the line the finding names: a unique text on it
# and an offset, the message; {names} are lines of the English page and the glossary)
DEFECTS = {
    "missing front matter key": (
        "description: Por qué sigue el dolor.\n", "", "source_commit:", 1,
        "the front matter has no 'description' (see docs/causes.md:3)"),
    "renamed front matter key": (
        "description: Por qué", "descripción: Por qué", "descripción:", 0,
        "the front matter key 'descripción' should be 'description'"),
    "dropped warning box": (
        '!!! warning "Pida ayuda ahora"\n\n    Llame', "Llame", "## Tejido cicatricial", 0,
        "1 '!!! warning' box(es) in docs/causes.md (line {warning}), 0 here (none)"),
    "missing source": (
        "\n[^nice-ng59]: NICE.", "\nNICE.", "[^kumar2008]: Kumar", 0,
        "the source [^nice-ng59] is missing (see docs/causes.md:{source})"),
    "extra link": (
        "Los nervios pueden seguir irritados.",
        "Los nervios (vea [síntomas](symptoms.md)) pueden seguir irritados.", "vea [síntomas]", 0,
        "0 link(s) to symptoms.md in docs/causes.md (none), 1 here (line {extra_link})"),
    "missing linked anchor": (
        "## Tejido cicatricial {#scar-tissue}", "## Tejido cicatricial", "## Tejido cicatricial", 0,
        "no heading here has the anchor #scar-tissue, which docs/index.es.md:{index_link} links to"),
    "inconsistent glossary term": (
        "La fibrosis epidural es", "La cicatriz epidural es", "## Tejido cicatricial", 0,
        'the English page uses the glossary term "epidural fibrosis" (docs/causes.md:{term}), but '
        'this page never uses its translation "fibrosis epidural" (docs/glossary.es.md:{entry})'),
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_verify_finds_each_defect_with_file_and_line(project, run, defect):
    old, new, where, offset, message = DEFECTS[defect]
    project.edit("causes.es.md", old, new)
    line = project.line_of("causes.es.md", where) + offset
    message = message.format(
        warning=project.line_of("causes.md", "!!! warning"),
        source=project.line_of("causes.md", "[^nice-ng59]:"),
        extra_link=project.line_of("causes.es.md", "[síntomas]") if "síntomas" in new else 0,
        index_link=project.line_of("index.es.md", "causes.md#scar-tissue"),
        term=project.line_of("causes.md", "Epidural fibrosis is"),
        entry=project.line_of("glossary.es.md", "fibrosis epidural"))
    code, out, _ = run("verify", "es")
    assert code == 1
    assert f"docs/causes.es.md:{line}: {message}" in out, out
    assert "problem(s) in 1 file(s)" in out


def test_verify_reports_the_link_count_difference(project, run):
    project.edit("causes.es.md", "Los nervios pueden seguir irritados.",
                 "Los nervios (vea [síntomas](symptoms.md)) pueden seguir irritados.")
    code, out, _ = run("verify", "es")
    assert f"docs/causes.es.md:{project.line_of('causes.es.md', '[síntomas]')}: 3 links here, 2 in docs/causes.md (+1)" in out


def test_verify_anchor_linked_from_an_untranslated_page(project, run):
    (project.root / "docs" / "index.es.md").unlink()  # Spanish readers see the English index
    project.edit("causes.es.md", "## Tejido cicatricial {#scar-tissue}", "## Tejido cicatricial")
    code, out, _ = run("verify", "es")
    assert code == 1
    line = project.line_of("causes.es.md", "## Tejido cicatricial")
    assert (f"docs/causes.es.md:{line}: no heading here has the anchor #scar-tissue, which "
            f"docs/index.md:{project.line_of('index.md', '#scar-tissue')} (shown in this language until it is translated) links to") in out


def test_verify_translation_block_and_orphans(project, run):
    project.edit("causes.es.md", "status: machine-assisted", "status: reviewed")
    project.write("cause.es.md", project.read("causes.es.md"))
    code, out, _ = run("verify", "es")
    assert code == 1
    line = project.line_of("causes.es.md", "translation:")
    assert f"docs/causes.es.md:{line}: a reviewed translation names its translator" in out
    assert "docs/cause.es.md:1: there is no English page docs/cause.md." in out


def test_verify_glossary_out_of_order_count(project, run):
    project.edit("glossary.es.md", "\nciática\n:   Dolor que baja por la pierna desde un nervio irritado.\n", "")
    code, out, _ = run("verify", "es")
    assert code == 1 and "2 terms here, 3 in docs/glossary.md" in out


GLOSSARY_ES_MARKED = FRONT.format(title="Glosario", description="Palabras de esta guía.",
                                  extra=SPANISH) + """
# Glosario

<!-- en: sciatica -->
ciática
:   Dolor que baja por la pierna desde un nervio irritado.

<!-- en: epidural fibrosis -->
fibrosis epidural
:   Tejido cicatricial que se forma alrededor de los nervios después de una cirugía.

<!-- en: MRI -->
resonancia magnética
:   Un estudio que usa un imán fuerte para tomar imágenes del interior del cuerpo.
"""


def test_verify_pairs_a_marked_glossary_in_any_order(project, run):
    project.write("glossary.es.md", GLOSSARY_ES_MARKED.replace("{commit}", project.english_commit))
    assert run("verify", "es")[0] == 0
    project.edit("causes.es.md", "La fibrosis epidural es", "La cicatriz epidural es")
    code, out, _ = run("verify", "es")
    entry = project.line_of("glossary.es.md", "fibrosis epidural")
    assert code == 1 and 'its translation "fibrosis epidural" (docs/glossary.es.md:' \
        f"{entry})" in out


def test_verify_glossary_marker_must_name_an_english_term(project, run):
    project.write("glossary.es.md", GLOSSARY_ES_MARKED.replace("{commit}", project.english_commit)
                  .replace("<!-- en: MRI -->", "<!-- en: MRIs -->"))
    code, out, _ = run("verify", "es")
    line = project.line_of("glossary.es.md", "<!-- en: MRIs -->")
    assert code == 1
    assert f"docs/glossary.es.md:{line}: '<!-- en: MRIs -->' names no term of docs/glossary.md" in out


def test_glossary_markers_do_not_change_the_tooltips(project):
    hook = ROOT / "overrides" / "hooks" / "glossary_tooltips.py"
    spec = importlib.util.spec_from_file_location("glossary_tooltips", hook)
    tooltips = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tooltips)
    marked = project.write("glossary.es.md", GLOSSARY_ES_MARKED)
    assert set(tooltips.glossary_entries(marked)) == {
        "ciática", "Ciática", "fibrosis epidural", "Fibrosis epidural", "resonancia magnética",
        "Resonancia magnética"}


def test_verify_unknown_language_is_a_usage_error(run):
    assert run("verify", "vi")[0] == 2


# --- the command itself -------------------------------------------------------------------

def test_runs_as_a_module(project):
    result = subprocess.run([sys.executable, "-m", "scripts.translations", "--root",
                             str(project.root), "status", "es"],
                            cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0 and "causes.md" in result.stdout
    result = subprocess.run([sys.executable, "-m", "scripts.translations", "--help"],
                            cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    for command in ("status", "diff", "new", "new-language", "verify"):
        assert command in result.stdout
    result = subprocess.run([sys.executable, "-m", "scripts.translations", "frobnicate"],
                            cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 2
