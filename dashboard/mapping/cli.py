"""`python -m dashboard map FOLDER`: inspect a folder of exports and write a draft config."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dashboard.mapping.draft import draft_mapping, render
from dashboard.mapping.profiles import export_files, inspect_folder


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="the folder holding your CSV or parquet exports")
    parser.add_argument("--out", type=Path, help="the config to write (default: <folder name>.toml here)")
    parser.add_argument("--company", help="company name for the config (default: the folder's name)")
    parser.add_argument("--force", action="store_true", help="overwrite --out when it exists")


def run(args: argparse.Namespace) -> int:
    folder = args.folder.resolve()
    if not folder.is_dir():
        print(f"error: {args.folder} is not a folder; pass the folder that holds your exports", file=sys.stderr)
        return 2
    if not export_files(folder):
        print(f"error: {args.folder} holds no .csv or .parquet file", file=sys.stderr)
        return 2
    out = (args.out or Path(f"{folder.name}.toml")).resolve()
    if out.is_relative_to(folder):
        print(f"error: {out} is inside the exports folder, which is never written; choose another --out",
              file=sys.stderr)
        return 2
    if out.exists() and not args.force:
        print(f"error: {out} exists; pass --force to overwrite it or choose another --out", file=sys.stderr)
        return 2
    draft = draft_mapping(inspect_folder(folder))
    relative = Path(os.path.relpath(folder, out.parent)).as_posix()
    out.write_text(render(draft, relative, str(args.folder), args.company or folder.name), encoding="utf-8")
    print(f"wrote {out}: " + ", ".join(f"{name} <- {table.file.path}" for name, table in draft.tables.items()))
    for profile in draft.unplaced_files:
        print(f"  not placed: {profile.path}")
    if draft.stages_not_tracked:
        print(f"  not tracked: {', '.join(draft.stages_not_tracked)}")
    print(f"next: read the comments in {out.name}, then run python -m dashboard validate --config {out}")
    return 0
