"""A hostile company: the generated sample with text that attacks whoever reads it. A channel
written as a Markdown phishing link, reps named as spreadsheet formulas. Pages must show them
as text, and CSV downloads must hand them to a spreadsheet as text."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from tests.companies.faults import Fault, build, read, write

CHANNEL = "[phish](https://evil.example) **x**"
REPLACED_CHANNEL = "email"
REP_NAMES = ('=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3+cmd")
# The config's display name for paid_search in the hostile company's second config: names come
# from whoever edits the config, and are shown as text like any value from the data.
DISPLAY_NAME = "[Paid](https://evil.example/ads) **x** search"
# What a page must never carry unescaped: the pieces that make Markdown links, bold and images.
RAW_MARKERS = ("](https://evil", "**x**", "![")


def _poison(folder: Path) -> None:
    for table in ("leads", "traffic"):
        data = read(folder, table)
        channel = data.column("channel").to_pylist()
        position = data.schema.get_field_index("channel")
        write(folder, table, data.set_column(position, "channel", pa.array(
            [CHANNEL if value == REPLACED_CHANNEL else value for value in channel], type=pa.string())))
    reps = read(folder, "reps")
    names = reps.column("name").to_pylist()
    names[: len(REP_NAMES)] = REP_NAMES
    write(folder, "reps", reps.set_column(reps.schema.get_field_index("name"), "name", pa.array(names, type=pa.string())))


def build_hostile(sample: Path, root: Path) -> Path:
    """The hostile copy of `sample` under `root`; returns its config path."""
    return build(Fault("hostile", (), 0, "", mutate=_poison), sample, root).config_path


def with_hostile_display_name(config_path: Path) -> Path:
    """A copy of the hostile company's config that names paid_search with DISPLAY_NAME."""
    text = config_path.read_text(encoding="utf-8")
    assert 'paid_search = "Paid search"' in text, "sla_config.toml no longer names paid_search"
    named = config_path.with_name("hostile_display_name.toml")
    named.write_text(text.replace('paid_search = "Paid search"', f"paid_search = {DISPLAY_NAME!r}".replace("'", '"')),
                     encoding="utf-8")
    return named
