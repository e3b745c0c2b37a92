"""A lead-scoring export shaped like the public Kaggle "X Education" file: one row per lead, a 0/1
`Converted` column, a dozen attributes, no dates, no deals table.

`write_export` writes rows as that file does (same headers, "Yes"/"No" flags, empty cells for
missing values, "Select" where a form was left at its default); `seeded_rows` makes any number of
plausible rows from a seed, and `HAND_ROWS` are eight leads small enough to score by hand.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADERS = (
    "Prospect ID", "Lead Number", "Lead Origin", "Lead Source", "Do Not Email", "Do Not Call", "Converted",
    "TotalVisits", "Total Time Spent on Website", "Page Views Per Visit", "Last Activity", "Country",
    "Specialization", "What is your current occupation", "Tags", "Lead Quality", "City", "Last Notable Activity",
)
ORIGINS = ("API", "Landing Page Submission", "Lead Add Form", "Lead Import")
SOURCES = ("Google", "Direct Traffic", "Olark Chat", "Organic Search", "Reference", "Welingak Website")
ACTIVITIES = ("Email Opened", "SMS Sent", "Olark Chat Conversation", "Page Visited on Website", "Converted to Lead")
COUNTRIES = ("India", "United States", "United Arab Emirates", "")
SPECIALIZATIONS = ("Select", "Finance Management", "Marketing Management", "Human Resource Management", "")
OCCUPATIONS = ("Unemployed", "Working Professional", "Student", "")
TAGS = ("Will revert after reading the email", "Ringing", "Interested in other courses", "Closed by Horizzon", "")
QUALITIES = ("High in Relevance", "Might be", "Not Sure", "Low in Relevance", "Worst", "")
CITIES = ("Mumbai", "Thane & Outskirts", "Other Cities", "Select", "")

# Eight leads to score by hand (tests/app/test_lead_scoring_export.py): number, source, do not
# email, converted, visits, seconds on the site, page views per visit, lead quality.
HAND_ROWS = (
    (660001, "Reference", "No", 1, 5, 800, 2.5, "High in Relevance"),
    (660002, "Google", "No", 0, 2, 650, 3.0, "Might be"),
    (660003, "Welingak Website", "Yes", 1, 1, 100, 1.0, ""),
    (660004, "Olark Chat", "No", 0, 0, 0, 0, "Worst"),
    (660005, "Google", "No", 1, 7, 1200, 3.5, "High in Relevance"),
    (660006, "Reference", "No", 0, 3, 300, 2.6, "Not Sure"),
    (660007, "Direct Traffic", "No", 1, 4, 601, 2.0, "High in Relevance"),
    (660008, "Reference", "No", 0, 6, 900, 2.0, "Low in Relevance"),
)


def hand_rows() -> list[dict]:
    rows = []
    for number, source, no_email, converted, visits, seconds, per_visit, quality in HAND_ROWS:
        rows.append({
            "Prospect ID": f"p-{number}", "Lead Number": number, "Lead Origin": "Landing Page Submission",
            "Lead Source": source, "Do Not Email": no_email, "Do Not Call": "No", "Converted": converted,
            "TotalVisits": visits, "Total Time Spent on Website": seconds, "Page Views Per Visit": per_visit,
            "Last Activity": "Email Opened", "Country": "India", "Specialization": "Select",
            "What is your current occupation": "Unemployed", "Tags": "", "Lead Quality": quality, "City": "Mumbai",
            "Last Notable Activity": "Modified",
        })
    return rows


def seeded_rows(count: int, seed: int = 13) -> list[dict]:
    """`count` leads drawn from a seeded generator: the same seed, the same file."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        source = rng.choice(SOURCES)
        seconds = int(rng.expovariate(1 / 500))
        converted = rng.random() < (0.15 + 0.35 * (source in ("Reference", "Welingak Website")) + 0.3 * (seconds > 900))
        visits = rng.randint(0, 12)
        rows.append({
            "Prospect ID": f"{rng.getrandbits(64):016x}", "Lead Number": 580000 + index,
            "Lead Origin": rng.choice(ORIGINS), "Lead Source": source,
            "Do Not Email": "Yes" if rng.random() < 0.08 else "No", "Do Not Call": "No",
            "Converted": int(converted), "TotalVisits": "" if rng.random() < 0.02 else visits,
            "Total Time Spent on Website": seconds,
            "Page Views Per Visit": round(visits / max(1, rng.randint(1, 4)), 2),
            "Last Activity": rng.choice(ACTIVITIES), "Country": rng.choice(COUNTRIES),
            "Specialization": rng.choice(SPECIALIZATIONS),
            "What is your current occupation": rng.choice(OCCUPATIONS), "Tags": rng.choice(TAGS),
            "Lead Quality": rng.choice(QUALITIES), "City": rng.choice(CITIES),
            "Last Notable Activity": rng.choice(ACTIVITIES),
        })
    return rows


def write_export(folder: Path, rows: list[dict], name: str = "Leads.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path
