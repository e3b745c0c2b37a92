"""Seeded, vectorised sample-data generator for the Sales & Marketing SLA dashboard.

`generate()` writes the five contract extracts (traffic, leads, touches, deals, reps) as parquet
files for the fictional Northwind Analytics, 2025-01-01 .. 2026-10-31. The one exception to that
window is the opening pipeline: deals already open on 2025-01-01, opened (and some proposed) in the
second half of 2024 from leads that predate the extract, so won revenue does not start from zero.
Everything is drawn with numpy from generators seeded only by `seed` (never the wall clock), so the
same arguments give byte-identical files. Leads are simulated in chunks of `CHUNK_SIZE`, which
keeps memory bounded at tens of millions of rows; touches and deals are kept as compact numeric
arrays until the end, when they are sorted by time and written.

Scores follow the lead definition of the SLA version in force at each lead's `created_at`, read
from the SLA config, so the dashboard's threshold pages see the same model the data was made with.

Leads handed back to marketing have a later life (`reengage_recycled`): nurture brings some back
as MQLs months later, and some of those convert, so "what happened since" a hand-back shows outcomes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.core.config import SlaVersion, load_config
from dashboard.core.contract import TABLES
from dashboard.scoring_lab.scoring import score_leads

DEFAULT_LEADS = 60_000
DEFAULT_SEED = 7
DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "sla_config.toml"
# Leads are generated in chunks, each from its own random stream (so the output is the same
# whatever the memory); they are written in smaller row groups so that a date filter on a
# stage column that follows creation only loosely (mql_at, recycled_at) still skips most of them.
CHUNK_SIZE = 1_000_000
ROW_GROUP_SIZE = 131_072

US_PER_SECOND = 1_000_000
US_PER_HOUR = 3_600 * US_PER_SECOND
US_PER_DAY = 24 * US_PER_HOUR
NULL_TIME = np.iinfo(np.int64).min
NEVER = np.iinfo(np.int64).max

FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)


def epoch_us(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * US_PER_DAY


START_US = epoch_us(FIRST_DAY)
AS_OF_END_US = epoch_us(LAST_DAY) + US_PER_DAY - US_PER_SECOND
DAYS = (LAST_DAY - FIRST_DAY).days + 1


# --- Reference data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    name: str
    lead_share: float
    visit_to_lead: float
    intent: float  # shifts engagement (pricing pages, downloads, demos), which the score sees
    quality: float  # shifts SQL and win odds beyond what the score sees
    segment_mix: tuple[float, float, float]


CHANNELS = (
    Channel("organic", 0.30, 0.018, 0.00, 0.00, (0.60, 0.30, 0.10)),
    Channel("paid_search", 0.22, 0.024, 0.05, -0.10, (0.62, 0.30, 0.08)),
    Channel("paid_social", 0.16, 0.011, -0.35, -0.55, (0.72, 0.23, 0.05)),
    Channel("email", 0.12, 0.030, 0.10, 0.00, (0.58, 0.31, 0.11)),
    Channel("events", 0.06, 0.050, 0.30, 0.40, (0.42, 0.36, 0.22)),
    Channel("referral", 0.06, 0.040, 0.35, 0.55, (0.50, 0.33, 0.17)),
    Channel("partner", 0.08, 0.035, 0.20, 0.30, (0.45, 0.37, 0.18)),
)
CHANNEL_NAMES = tuple(channel.name for channel in CHANNELS)
CHANNEL_INTENT = np.array([channel.intent for channel in CHANNELS])
CHANNEL_QUALITY = np.array([channel.quality for channel in CHANNELS])
EVENTS = CHANNEL_NAMES.index("events")

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
SMB, MID_MARKET, ENTERPRISE = range(3)
# Employees: log-normal (median, sigma) clipped to a range; segments overlap as they do when
# sales territories, not head counts, decide the segment.
COMPANY_SIZE = {SMB: (50, 0.9, 1, 500), MID_MARKET: (350, 0.7, 50, 5_000), ENTERPRISE: (2_500, 1.0, 300, 300_000)}
DEAL_AMOUNT = {SMB: (15_000, 0.5), MID_MARKET: (45_000, 0.5), ENTERPRISE: (140_000, 0.6)}
CYCLE_MEDIAN_DAYS = np.array([60.0, 95.0, 150.0])
SEGMENT_WIN_SHIFT = np.array([0.15, 0.0, -0.25])

REGIONS = ("NA", "EMEA", "APAC", "LATAM")
REGION_SHARE = (0.55, 0.25, 0.12, 0.08)

INDUSTRIES = ("Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Education", "Other")
# Ideal-customer-profile (ICP) accounts are mostly software and finance firms; the rest spread out.
INDUSTRY_SHARE_ICP = (0.50, 0.33, 0.05, 0.04, 0.03, 0.01, 0.04)
INDUSTRY_SHARE_OTHER = (0.14, 0.08, 0.14, 0.17, 0.14, 0.10, 0.23)
INDUSTRY_FIT = np.array([0.20, 0.15, 0.05, 0.0, -0.05, -0.15, -0.10])

JOB_LEVELS = ("Individual Contributor", "Manager", "Director", "VP", "C-level")
# Small companies send more founders and executives; large ones more individual contributors.
JOB_LEVEL_SHARE = np.array(
    [
        [0.30, 0.28, 0.17, 0.12, 0.13],
        [0.35, 0.30, 0.18, 0.11, 0.06],
        [0.38, 0.32, 0.17, 0.10, 0.03],
    ]
)
JOB_LEVEL_SHARE_ICP = np.array([0.02, 0.05, 0.20, 0.43, 0.30])
JOB_LEVEL_FIT = np.array([-0.30, 0.0, 0.20, 0.35, 0.30])

TOUCH_KINDS = ("call", "email", "meeting", "social")
MEETING = TOUCH_KINDS.index("meeting")
ATTEMPT_KIND_SHARE = (0.45, 0.42, 0.0, 0.13)

DEAL_STATUSES = ("open", "won", "lost")
OPEN, WON, LOST = range(3)

MONTH_SEASONALITY = np.array([0.95, 1.00, 1.08, 1.05, 1.02, 0.95, 0.82, 0.80, 1.02, 1.10, 1.08, 0.88])
EVENT_SEASON = np.array([0.5, 0.8, 1.4, 1.4, 1.3, 1.0, 0.4, 0.3, 1.3, 1.5, 1.2, 0.4])
# Monday first. People browse at weekends but rarely fill in forms then.
WEEKDAY_LEADS = np.array([1.10, 1.15, 1.12, 1.05, 0.90, 0.35, 0.30])
WEEKDAY_SESSIONS = np.array([1.05, 1.08, 1.06, 1.00, 0.90, 0.60, 0.55])
ANNUAL_GROWTH = 0.18
# Local (New York) hour-of-day weights for lead creation.
WORKDAY_HOURS = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.6, 2.6, 3.0, 3.0]
    + [2.5, 2.7, 2.9, 2.8, 2.4, 1.9, 1.3, 1.0, 0.9, 0.8, 0.6, 0.4]
)
WEEKEND_HOURS = np.array(
    [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.3, 0.5, 0.8, 1.1, 1.3, 1.4]
    + [1.4, 1.4, 1.3, 1.3, 1.2, 1.1, 1.1, 1.1, 1.0, 0.9, 0.7, 0.5]
)

# Funnel calibration (shares and logits), tuned so the realised rates land near the published
# benchmarks. Leads are either ICP accounts (bigger, senior, target industries) or not, and either
# in market (researching a purchase) or not; ICP accounts are far more often in market. The two
# latent classes make scores cluster, so a stricter threshold trims MQLs instead of halving them.
ICP_SHARE = 0.25
ICP_SIZE_FACTOR = 8.0
IN_MARKET_SHARE_ICP = 0.93
IN_MARKET_SHARE_OTHER = 0.025
IN_MARKET_INTENT = 3.5
PRICING_VIEWS_LOG_MEAN, PRICING_VIEWS_SLOPE = -1.20, 0.80
DOWNLOADS_LOG_MEAN, DOWNLOADS_SLOPE = -1.00, 0.75
WEBINAR_LOGIT, WEBINAR_SLOPE = -2.60, 1.30
DEMO_LOGIT, DEMO_SLOPE = -4.40, 0.90
SQL_LOGIT = -3.30
DISQUALIFY_LOGIT = 0.0
RECYCLE_SHARE_OF_REST = 0.25
UNTOUCHED_RECYCLE_SHARE = 0.5
PROPOSAL_LOGIT = -1.55
WIN_LOGIT = -3.30
LOST_WITHOUT_PROPOSAL_SHARE = 0.7
# The later life of leads handed back to marketing: nurture re-engages some of them (the better
# ones more often) a few months on, and they come back as MQLs, warmer than first time round.
REENGAGE_LOGIT = -2.8
REENGAGE_QUALITY_SLOPE = 0.6
REENGAGE_MEDIAN_DAYS = 75.0
REENGAGE_MIN_DAYS = 14.0
REENGAGED_WARMTH = 0.2
SALES_SOURCED_SHARE = 0.10
SALES_SOURCED_QUALITY = 3.0
# Opening pipeline: deals opened from OPENING_FIRST_DAY on that are still open on FIRST_DAY, in the
# segment mix of all deals (marketing SQLs plus sales-sourced), at the deal rate of the extract. The
# scale makes up for the deals opened before OPENING_FIRST_DAY and still open (mostly Enterprise):
# starting a year earlier instead adds ~10% to the opening pipeline's wins.
OPENING_FIRST_DAY = dt.date(2024, 7, 1)
OPENING_SEGMENT_MIX = (0.49, 0.35, 0.16)
OPENING_SCALE = 1.1
OPENING_REVIEW_END = dt.date(2025, 6, 30)
OPENING_LEFT_OPEN_SHARE = 0.2


@dataclass(frozen=True)
class Rep:
    rep_id: str
    name: str
    team: str
    role: str
    first_touch_hours: float = np.nan  # SDR median working hours from hand-off to first touch
    attempts: float = np.nan  # SDR mean contact attempts per MQL
    never_touch: float = np.nan  # SDR share of MQLs never contacted


REPS = (
    Rep("R01", "Maya Thompson", "Sales East", "SDR", 0.5, 8.0, 0.02),
    Rep("R02", "Daniel Okafor", "Sales East", "SDR", 1.0, 7.5, 0.03),
    Rep("R03", "Priya Raman", "Sales East", "SDR", 7.0, 5.0, 0.08),
    Rep("R04", "Jonathan Reyes", "Sales East", "AE"),
    Rep("R05", "Claire Dubois", "Sales East", "AE"),
    Rep("R06", "Marcus Feld", "Sales East", "AE"),
    Rep("R07", "Sofia Alvarez", "Sales West", "SDR", 0.7, 8.5, 0.02),
    Rep("R08", "Kevin Nakamura", "Sales West", "SDR", 2.5, 6.0, 0.05),
    Rep("R09", "Hannah Schulz", "Sales West", "AE"),
    Rep("R10", "Ethan Brooks", "Sales West", "AE"),
    Rep("R11", "Aisha Bello", "Sales West", "AE"),
    Rep("R12", "Lucas Moreau", "Sales Central", "SDR", 1.2, 7.0, 0.03),
    Rep("R13", "Grace Kim", "Sales Central", "SDR", 12.0, 4.5, 0.10),
    Rep("R14", "Omar Haddad", "Sales Central", "AE"),
    Rep("R15", "Emily Carter", "Sales Central", "AE"),
    Rep("R16", "Tomasz Nowak", "Sales Central", "AE"),
)
TEAMS = ("Sales East", "Sales West", "Sales Central")
REP_IDS = tuple(rep.rep_id for rep in REPS)
REP_FIRST_TOUCH_HOURS = np.array([rep.first_touch_hours for rep in REPS])
REP_ATTEMPTS = np.array([rep.attempts for rep in REPS])
REP_NEVER_TOUCH = np.array([rep.never_touch for rep in REPS])
# Regions are covered by one team each, except North America, which all three share.
TEAM_SHARE_BY_REGION = np.array([[0.40, 0.30, 0.30], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])


def reps_by_team(role: str) -> np.ndarray:
    """Rep codes per team as a rectangular table padded with -1, for vectorised picking."""
    members = [[code for code, rep in enumerate(REPS) if rep.team == team and rep.role == role] for team in TEAMS]
    table = np.full((len(TEAMS), max(map(len, members))), -1)
    for team, codes in enumerate(members):
        table[team, : len(codes)] = codes
    return table


SDRS_BY_TEAM = reps_by_team("SDR")
AES_BY_TEAM = reps_by_team("AE")
ALL_AES = np.array([code for code, rep in enumerate(REPS) if rep.role == "AE"])


# --- Scoring --------------------------------------------------------------------------------


def version_in_force(created_us: np.ndarray, versions: Sequence[SlaVersion]) -> np.ndarray:
    """Index of the SLA version whose period contains each (UTC) creation time."""
    starts = np.array([epoch_us(version.start) for version in versions])
    ends = np.array([epoch_us(version.end) + US_PER_DAY for version in versions])
    index = np.searchsorted(starts, created_us, side="right") - 1
    covered = (index >= 0) & (created_us < ends[np.maximum(index, 0)])
    if not covered.all():
        first_gap = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(created_us[~covered][0]))
        raise ValueError(f"no SLA version in the config is in force on {first_gap:%Y-%m-%d}")
    return index


# --- Time ----------------------------------------------------------------------------------


def nth_sunday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


# US daylight saving: second Sunday of March to first Sunday of November, 02:00 local. Computed
# here rather than read from the system tz database so the output never depends on the host.
DAYLIGHT_SAVING_BOUNDS = np.array(
    [
        epoch_us(nth_sunday(year, month, n)) + 2 * US_PER_HOUR
        for year in range(FIRST_DAY.year - 1, LAST_DAY.year + 2)
        for month, n in ((3, 2), (11, 1))
    ]
)


def new_york_to_utc(local_us: np.ndarray) -> np.ndarray:
    in_daylight_saving = np.searchsorted(DAYLIGHT_SAVING_BOUNDS, local_us, side="right") % 2 == 1
    return local_us + np.where(in_daylight_saving, 4, 5) * US_PER_HOUR


def weekday(day_numbers: np.ndarray) -> np.ndarray:
    """Monday = 0 for days counted from 1970-01-01 (a Thursday)."""
    return (day_numbers + 3) % 7


class WorkingClock:
    """Sales working hours (09:00-18:00 New York, Monday-Friday) as one continuous clock.

    Follow-up delays are drawn in working time and mapped back to UTC, so touches land in office
    hours and "first touch within 4 working hours" means what the SLA means by it.
    """

    DAY_LENGTH = 9 * US_PER_HOUR

    def __init__(self, first_day: dt.date, days: int):
        day_numbers = (first_day - dt.date(1970, 1, 1)).days + np.arange(days)
        working_days = day_numbers[weekday(day_numbers) < 5]
        self.opens = new_york_to_utc(working_days * US_PER_DAY + 9 * US_PER_HOUR)

    def to_working(self, utc_us: np.ndarray) -> np.ndarray:
        day = np.maximum(np.searchsorted(self.opens, utc_us, side="right") - 1, 0)
        return day * self.DAY_LENGTH + np.clip(utc_us - self.opens[day], 0, self.DAY_LENGTH)

    def to_utc(self, working_us: np.ndarray) -> np.ndarray:
        # Beyond the calendar the clock keeps running from the last open; such times are far past
        # the as-of date and are censored anyway.
        day = np.minimum(working_us // self.DAY_LENGTH, len(self.opens) - 1)
        return self.opens[day] + (working_us - day * self.DAY_LENGTH)


def seconds_us(seconds: np.ndarray) -> np.ndarray:
    """Durations rounded to whole seconds, as CRM timestamps are."""
    return np.round(seconds).astype(np.int64) * US_PER_SECOND


def lognormal(rng: np.random.Generator, median: Any, sigma: float, size: int) -> np.ndarray:
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(size))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def pick(rng: np.random.Generator, shares: np.ndarray) -> np.ndarray:
    """One category per row of an (n x k) array of shares."""
    cumulative = np.cumsum(shares, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random(len(cumulative))
    return np.minimum((draws[:, None] >= cumulative).sum(axis=1), cumulative.shape[1] - 1)


def pick_shared(rng: np.random.Generator, shares: Sequence[float], size: int) -> np.ndarray:
    cumulative = np.cumsum(shares) / np.sum(shares)
    return np.minimum(np.searchsorted(cumulative, rng.random(size), side="right"), len(shares) - 1)


def pick_from_table(rng: np.random.Generator, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Uniformly one non-padding entry of table[row] for each row."""
    sizes = (table >= 0).sum(axis=1)[rows]
    return table[rows, (rng.random(len(rows)) * sizes).astype(np.int64)]


# --- Calendar of lead volume and traffic ----------------------------------------------------


def daily_lead_weights() -> tuple[np.ndarray, np.ndarray]:
    """Expected share of all leads for each (local day, channel) and each day's day number."""
    day_numbers = (FIRST_DAY - dt.date(1970, 1, 1)).days + np.arange(DAYS)
    months = day_numbers.astype("datetime64[D]").astype("datetime64[M]")
    month_of_year = months.astype(np.int64) % 12
    growth = 1.0 + ANNUAL_GROWTH * np.arange(DAYS) / 365.0
    per_day = MONTH_SEASONALITY[month_of_year] * WEEKDAY_LEADS[weekday(day_numbers)] * growth
    weights = per_day[:, None] * np.array([channel.lead_share for channel in CHANNELS])[None, :]
    weights[:, EVENTS] *= EVENT_SEASON[month_of_year]
    return weights / weights.sum(), day_numbers


def draw_created_at(rng: np.random.Generator, leads: int, weights: np.ndarray, day_numbers: np.ndarray):
    """Creation times (UTC, sorted) and channels of all leads."""
    cell_counts = rng.multinomial(leads, weights.ravel())
    cells = np.repeat(np.arange(cell_counts.size), cell_counts)
    day, channel = np.divmod(cells, len(CHANNELS))
    is_weekend = weekday(day_numbers[day]) >= 5
    hour = np.where(
        is_weekend, pick_shared(rng, WEEKEND_HOURS, leads), pick_shared(rng, WORKDAY_HOURS, leads)
    )
    local_seconds = hour * 3_600 + rng.integers(0, 3_600, leads)
    created = new_york_to_utc(day_numbers[day] * US_PER_DAY + local_seconds * US_PER_SECOND)
    # Late-evening leads of the last local day would fall after the as-of instant in UTC.
    created = np.where(created > AS_OF_END_US, created - 5 * US_PER_HOUR, created)
    order = np.argsort(created, kind="stable")
    return created[order], channel[order].astype(np.int8)


def traffic_columns(rng: np.random.Generator, leads: int, weights: np.ndarray, day_numbers: np.ndarray):
    """Daily sessions per channel whose ratio to the expected leads is each channel's visit→lead rate."""
    session_tilt = (WEEKDAY_SESSIONS / WEEKDAY_LEADS)[weekday(day_numbers)][:, None]
    tilted = weights * session_tilt
    tilted *= weights.sum(axis=0) / tilted.sum(axis=0)
    visit_to_lead = np.array([channel.visit_to_lead for channel in CHANNELS])
    expected = leads * tilted / visit_to_lead[None, :]
    sessions = np.round(expected * np.exp(0.06 * rng.standard_normal(expected.shape))).astype(np.int64)
    days = np.repeat(day_numbers, len(CHANNELS)).astype(np.int32)
    channels = np.tile(np.arange(len(CHANNELS)), len(day_numbers))
    return {
        "date": pa.array(days, type=pa.date32()),
        "channel": label_array(channels, CHANNEL_NAMES),
        "sessions": pa.array(sessions.ravel()),
    }


# --- Leads ---------------------------------------------------------------------------------


def logit(share: Any) -> Any:
    return np.log(share / (1.0 - share))


def draw_profiles(rng: np.random.Generator, channel: np.ndarray) -> dict[str, np.ndarray]:
    """Firmographics; `icp` marks ideal-customer-profile accounts, which the score cannot see as such."""
    size = len(channel)
    icp = rng.random(size) < sigmoid(logit(ICP_SHARE) + CHANNEL_INTENT[channel])
    segment_mix = np.array([c.segment_mix for c in CHANNELS])
    segment = pick(rng, segment_mix[channel])
    median, sigma, low, high = (np.array([COMPANY_SIZE[s][i] for s in range(3)])[segment] for i in range(4))
    median = median * np.where(icp, ICP_SIZE_FACTOR, 1.0)
    company_size = np.clip(np.round(median * np.exp(sigma * rng.standard_normal(size))), low, high)
    industry = np.where(icp, pick_shared(rng, INDUSTRY_SHARE_ICP, size), pick_shared(rng, INDUSTRY_SHARE_OTHER, size))
    job_level = np.where(icp, pick_shared(rng, JOB_LEVEL_SHARE_ICP, size), pick(rng, JOB_LEVEL_SHARE[segment]))
    return {
        "icp": icp,
        "segment": segment,
        "region": pick_shared(rng, REGION_SHARE, size),
        "company_size": company_size.astype(np.int32),
        "industry": industry,
        "job_level": job_level,
    }


def draw_engagement(rng: np.random.Generator, channel: np.ndarray, icp: np.ndarray) -> dict[str, np.ndarray]:
    """Behaviour on the website, all driven by one latent buying intent."""
    size = len(channel)
    in_market_share = np.where(icp, IN_MARKET_SHARE_ICP, IN_MARKET_SHARE_OTHER)
    in_market = rng.random(size) < sigmoid(logit(in_market_share) + CHANNEL_INTENT[channel])
    intent = 0.8 * rng.standard_normal(size) + IN_MARKET_INTENT * in_market + CHANNEL_INTENT[channel]
    pricing_views_mean = np.exp(PRICING_VIEWS_LOG_MEAN + PRICING_VIEWS_SLOPE * intent)
    downloads_mean = np.exp(DOWNLOADS_LOG_MEAN + DOWNLOADS_SLOPE * intent)
    return {
        "pricing_page_views": rng.poisson(pricing_views_mean).astype(np.int32),
        "content_downloads": rng.poisson(downloads_mean).astype(np.int32),
        "webinar_attended": rng.random(size) < sigmoid(WEBINAR_LOGIT + WEBINAR_SLOPE * intent),
        "demo_requested": rng.random(size) < sigmoid(DEMO_LOGIT + DEMO_SLOPE * intent),
    }


def scoring_attributes(profile: dict[str, np.ndarray], engagement: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The lead attributes as the scoring rules name them (labels, not codes)."""
    return {
        "segment": np.array(SEGMENTS)[profile["segment"]],
        "region": np.array(REGIONS)[profile["region"]],
        "company_size": profile["company_size"],
        "industry": np.array(INDUSTRIES)[profile["industry"]],
        "job_level": np.array(JOB_LEVELS)[profile["job_level"]],
        **engagement,
    }


def score_in_force(attrs: dict[str, np.ndarray], version: np.ndarray, versions: Sequence[SlaVersion]):
    score = np.zeros(len(version), dtype=np.int32)
    for index in np.unique(version):
        in_force = version == index
        score[in_force] = score_leads({name: values[in_force] for name, values in attrs.items()}, versions[index].lead_definition.rules)
    thresholds = np.array([v.lead_definition.mql_threshold for v in versions])[version]
    return score, thresholds


def true_quality(profile, engagement, channel, rng) -> np.ndarray:
    """How good a lead really is: what the score sees, weighted differently, plus what it cannot see."""
    size_fit = 0.25 * (profile["company_size"] >= 200) + 0.15 * (profile["company_size"] >= 1_000)
    return (
        0.9 * engagement["demo_requested"]
        + 0.22 * np.minimum(engagement["pricing_page_views"], 6)
        + 0.08 * np.minimum(engagement["content_downloads"], 5)
        + 0.25 * engagement["webinar_attended"]
        + size_fit
        + JOB_LEVEL_FIT[profile["job_level"]]
        + INDUSTRY_FIT[profile["industry"]]
        + CHANNEL_QUALITY[channel]
        + 0.6 * rng.standard_normal(len(channel))
    )


def hand_off_times(rng: np.random.Generator, created: np.ndarray, demo: np.ndarray) -> np.ndarray:
    """Hand-raisers are routed within minutes; score-based MQLs wait for the scoring batch and nurture."""
    hours = np.where(
        demo, lognormal(rng, 0.3, 1.0, len(created)), np.minimum(lognormal(rng, 5.0, 1.3, len(created)), 96.0)
    )
    return created + seconds_us(hours * 3_600)


@dataclass
class Touches:
    lead_number: np.ndarray
    rep: np.ndarray
    touched_at: np.ndarray
    kind: np.ndarray


@dataclass
class Deals:
    lead_number: np.ndarray  # -1 for sales-sourced deals
    owner: np.ndarray
    created_at: np.ndarray
    proposal_at: np.ndarray
    closed_at: np.ndarray
    status: np.ndarray
    amount_cents: np.ndarray

    @staticmethod
    def concat(parts: Sequence["Deals"]) -> "Deals":
        return Deals(*(np.concatenate([getattr(p, f) for p in parts]) for f in Deals.__dataclass_fields__))

    def take(self, order: np.ndarray) -> "Deals":
        return Deals(*(getattr(self, f)[order] for f in Deals.__dataclass_fields__))


@dataclass
class MqlWork:
    """What happened to the MQLs after hand-off; times are uncensored (may pass the as-of date)."""

    sql_at: np.ndarray
    disqualified_at: np.ndarray
    recycled_at: np.ndarray
    touches: Touches


def ragged_offsets(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a ragged array with `counts` items per owner: each item's owner and position, and each owner's start."""
    starts = np.cumsum(counts) - counts
    owner = np.repeat(np.arange(len(counts)), counts)
    position = np.arange(owner.size) - starts[owner]
    return owner, position, starts


def work_mqls(rng, clock: WorkingClock, mql_at, sdr, quality, version, versions, lead_numbers) -> MqlWork:
    """SDR follow-up of each MQL: contact attempts, and whether it is qualified, disqualified or recycled."""
    size = len(mql_at)
    follow_up_hours = np.array([v.follow_up.first_touch_within_hours for v in versions])[version]
    no_response_attempts = np.array([v.recycle.no_response_attempts for v in versions])[version]
    not_ready_days = np.array([v.recycle.not_ready_after_days for v in versions])[version]
    # A stricter first-touch SLA makes every rep somewhat faster, the slow ones still slow.
    speed = np.sqrt(follow_up_hours / 4.0)
    never_touched = rng.random(size) < REP_NEVER_TOUCH[sdr]
    first_touch_hours = np.clip(lognormal(rng, REP_FIRST_TOUCH_HOURS[sdr] * speed, 0.9, size), 0.02, 150.0)
    first_touch_working = clock.to_working(mql_at) + seconds_us(first_touch_hours * 3_600)
    attempts = np.where(never_touched, 0, np.clip(1 + rng.poisson(REP_ATTEMPTS[sdr] - 1), 1, 12))

    owner, position, starts = ragged_offsets(attempts)
    gap_hours = np.where(position == 0, 0.0, 0.5 + rng.exponential(7.5, owner.size))
    elapsed = np.cumsum(seconds_us(gap_hours * 3_600))
    elapsed_before = np.concatenate([[0], elapsed])
    since_first = elapsed - elapsed_before[starts][owner]
    attempt_at = clock.to_utc(first_touch_working[owner] + since_first)
    last_attempt_working = first_touch_working + elapsed_before[starts + attempts] - elapsed_before[starts]

    # The cost of slow follow-up: leads cool off while they wait.
    speed_bonus = np.select(
        [first_touch_hours <= 1, first_touch_hours <= 4, first_touch_hours <= 24], [0.5, 0.25, 0.0], -0.4
    )
    qualified = ~never_touched & (rng.random(size) < sigmoid(SQL_LOGIT + quality + speed_bonus))
    rest_draw = rng.random(size)
    disqualify_share = sigmoid(DISQUALIFY_LOGIT - 0.5 * quality)
    touched_rest = ~never_touched & ~qualified
    disqualified = touched_rest & (rest_draw < disqualify_share)
    recycled = (touched_rest & ~disqualified & (rest_draw < disqualify_share + RECYCLE_SHARE_OF_REST)) | (
        never_touched & (rest_draw < UNTOUCHED_RECYCLE_SHARE)
    )

    qualifies_at = clock.to_utc(first_touch_working + seconds_us(lognormal(rng, 24.0, 0.9, size) * 3_600))
    disqualifies_at = clock.to_utc(first_touch_working + seconds_us(lognormal(rng, 30.0, 0.8, size) * 3_600))
    # Handed back after the configured number of unanswered attempts, otherwise when not ready in time.
    not_ready_at = mql_at + not_ready_days * US_PER_DAY + seconds_us(rng.random(size) * 3 * 86_400)
    no_answer_at = clock.to_utc(last_attempt_working + WorkingClock.DAY_LENGTH)
    recycles_at = np.where(attempts >= no_response_attempts, no_answer_at, not_ready_at)

    # Attempts stop once the lead is qualified (the meeting that qualifies it is its last touch),
    # disqualified or handed back.
    stop = np.select([qualified, disqualified, recycled], [qualifies_at - 1, disqualifies_at, recycles_at], NEVER)
    keep = (attempt_at <= stop[owner]) & (attempt_at <= AS_OF_END_US)
    meetings = qualified & (qualifies_at <= AS_OF_END_US)
    attempt_kind = pick_shared(rng, ATTEMPT_KIND_SHARE, owner.size)
    touches = Touches(
        lead_number=np.concatenate([lead_numbers[owner[keep]], lead_numbers[meetings]]),
        rep=np.concatenate([sdr[owner[keep]], sdr[meetings]]).astype(np.int8),
        touched_at=np.concatenate([attempt_at[keep], qualifies_at[meetings]]),
        kind=np.concatenate([attempt_kind[keep], np.full(meetings.sum(), MEETING)]).astype(np.int8),
    )
    return MqlWork(
        sql_at=np.where(qualified, qualifies_at, NULL_TIME),
        disqualified_at=np.where(disqualified, disqualifies_at, NULL_TIME),
        recycled_at=np.where(recycled, recycles_at, NULL_TIME),
        touches=touches,
    )


def reengage_recycled(rng, clock: WorkingClock, recycled_at, sdr, quality, versions, lead_numbers):
    """Which recycled leads nurture brings back, when, and how their second hand-off goes.

    Returns the rows (indexes into the arguments) that came back as MQLs by the as-of date, their
    new hand-off times and the follow-up of that hand-off. The extract keeps one mql_at per lead,
    so the new hand-off replaces the old one, later than its recycled_at (which is how a re-MQL is
    recognised); it goes to the same SDR. A second hand-back is not recorded (the extract keeps one
    recycled_at, the first, which "what happened since" explains); its touches still are.
    """
    size = len(recycled_at)
    comes_back = rng.random(size) < sigmoid(REENGAGE_LOGIT + REENGAGE_QUALITY_SLOPE * quality)
    delay_days = np.maximum(lognormal(rng, REENGAGE_MEDIAN_DAYS, 0.6, size), REENGAGE_MIN_DAYS)
    re_mql_at = recycled_at + seconds_us(delay_days * 86_400)
    rows = np.flatnonzero(comes_back & (re_mql_at <= AS_OF_END_US))
    re_mql_at = re_mql_at[rows]
    version = version_in_force(re_mql_at, versions)
    work = work_mqls(rng, clock, re_mql_at, sdr[rows], quality[rows] + REENGAGED_WARMTH, version, versions,
                     lead_numbers[rows])
    return rows, re_mql_at, work


def censor(times: np.ndarray) -> np.ndarray:
    """Events after the as-of date have not happened yet."""
    return np.where(times > AS_OF_END_US, NULL_TIME, times)


# --- Deals ---------------------------------------------------------------------------------


def settle_deals(rng, created_at, cycle_start, segment, quality) -> tuple[np.ndarray, ...]:
    """Proposal, close, status and amount of deals; the cycle runs from `cycle_start` to close."""
    size = len(created_at)
    proposed = rng.random(size) < sigmoid(PROPOSAL_LOGIT + 0.6 * quality)
    won = proposed & (rng.random(size) < sigmoid(WIN_LOGIT + 0.7 * quality + SEGMENT_WIN_SHIFT[segment]))
    lost = (proposed & ~won) | (~proposed & (rng.random(size) < LOST_WITHOUT_PROPOSAL_SHARE))

    cycle_days = lognormal(rng, CYCLE_MEDIAN_DAYS[segment], 0.5, size)
    minimum_days = lognormal(rng, 12.0, 0.5, size)
    closed_at = np.maximum(
        cycle_start + seconds_us(cycle_days * 86_400), created_at + seconds_us(minimum_days * 86_400)
    )
    span = closed_at - created_at
    # Deals that die before a proposal die early in their cycle.
    closed_at = np.where(proposed, closed_at, created_at + (span * rng.uniform(0.3, 0.9, size)).astype(np.int64))
    closed_at = closed_at // US_PER_SECOND * US_PER_SECOND
    proposal_at = np.where(proposed, created_at + (span * rng.uniform(0.25, 0.75, size)).astype(np.int64), NULL_TIME)
    proposal_at = np.where(proposed, proposal_at // US_PER_SECOND * US_PER_SECOND, NULL_TIME)
    closed_at = np.where(won, pull_into_period_end(rng, closed_at, proposal_at), closed_at)

    status = np.where(won, WON, np.where(lost, LOST, OPEN))
    status = np.where(closed_at > AS_OF_END_US, OPEN, status).astype(np.int8)
    closed_at = np.where(status == OPEN, NULL_TIME, closed_at)
    proposal_at = censor(proposal_at)

    medians = np.array([DEAL_AMOUNT[s][0] for s in range(3)])[segment]
    sigmas = np.array([DEAL_AMOUNT[s][1] for s in range(3)])[segment]
    amount_cents = np.round(medians * np.exp(sigmas * rng.standard_normal(size)) / 10).astype(np.int64) * 1_000
    return proposal_at, closed_at, status, amount_cents


def pull_into_period_end(rng, closed_at: np.ndarray, proposal_at: np.ndarray) -> np.ndarray:
    """Sales pushes deals to close before the year and quarter end: early-January wins move into
    late December, early wins of a new quarter into its last week, when the proposal allows it."""
    moment = closed_at.astype("datetime64[us]")
    month_start = moment.astype("datetime64[M]")
    day_of_month = (moment.astype("datetime64[D]") - month_start.astype("datetime64[D]")).astype(np.int64)
    month_of_year = month_start.astype(np.int64) % 12
    month_start_us = month_start.astype("datetime64[us]").astype(np.int64)
    year_end = (month_of_year == 0) & (day_of_month < 20) & (rng.random(len(closed_at)) < 0.40)
    quarter_end = np.isin(month_of_year, (3, 6, 9)) & (day_of_month < 10) & (rng.random(len(closed_at)) < 0.30)
    pull_days = np.where(year_end, rng.uniform(0.5, 14.0, len(closed_at)), rng.uniform(0.5, 7.0, len(closed_at)))
    pulled = month_start_us - seconds_us(pull_days * 86_400)
    feasible = pulled > proposal_at + US_PER_DAY
    return np.where((year_end | quarter_end) & feasible, pulled, closed_at)


def open_deals(rng, lead_numbers, lead_created, sql_at, sdr, segment, quality) -> Deals:
    """Every SQL becomes a deal owned by an AE of its SDR's team."""
    created_at = sql_at + seconds_us(lognormal(rng, 6.0, 1.0, len(sql_at)) * 3_600)
    created_at = np.where(created_at > AS_OF_END_US, sql_at, created_at)
    team = np.array([TEAMS.index(rep.team) for rep in REPS])[sdr]
    owner = pick_from_table(rng, AES_BY_TEAM, team)
    proposal_at, closed_at, status, amount = settle_deals(rng, created_at, lead_created, segment, quality)
    return Deals(lead_numbers, owner.astype(np.int8), created_at, proposal_at, closed_at, status, amount)


def sales_sourced_deals(rng, count: int, clock: WorkingClock) -> Deals:
    """Deals AEs found themselves: no lead, created in office hours, busier as the company grows."""
    opens = clock.opens[(clock.opens >= START_US) & (clock.opens <= AS_OF_END_US - WorkingClock.DAY_LENGTH)]
    growth = 1.0 + ANNUAL_GROWTH * (opens - START_US) / (365.0 * US_PER_DAY)
    day = pick_shared(rng, growth, count)
    created_at = opens[day] + seconds_us(rng.random(count) * 9 * 3_600)
    created_at = np.sort(created_at)
    segment = pick_shared(rng, (0.35, 0.40, 0.25), count)
    # About as promising as an SQL from marketing (whose quality averages ~3 with spread ~0.9).
    quality = SALES_SOURCED_QUALITY + 0.9 * rng.standard_normal(count)
    owner = ALL_AES[rng.integers(0, len(ALL_AES), count)]
    proposal_at, closed_at, status, amount = settle_deals(rng, created_at, created_at, segment, quality)
    return Deals(np.full(count, -1), owner.astype(np.int8), created_at, proposal_at, closed_at, status, amount)


def deal_volume(opens: np.ndarray) -> np.ndarray:
    """Relative number of deals opened on each working day: the lead calendar's seasonality and growth,
    which run back before FIRST_DAY as well (growth is below 1 there)."""
    month_of_year = opens.astype("datetime64[us]").astype("datetime64[M]").astype(np.int64) % 12
    return MONTH_SEASONALITY[month_of_year] * (1.0 + ANNUAL_GROWTH * (opens - START_US) / (365.0 * US_PER_DAY))


def opening_deals(rng, window_deals: int) -> Deals:
    """The pipeline already open on FIRST_DAY, so won revenue does not start from zero.

    Deals are opened in the second half of 2024 at the rate the extract's own deals are opened
    (`window_deals` over the window, extrapolated back along the same seasonality and growth, and
    scaled up for the older deals this half-year leaves out), settled exactly like the other deals,
    and only those still open on FIRST_DAY are kept: the rest closed before the extract starts.
    Whatever the settling leaves undecided past mid-2025 (stalled deals, and the few slow ones) is
    cleaned out as lost in the pipeline reviews of the first half, bar a few that stay open. Their
    leads predate the extract, so they carry none; only their created_at and proposal_at may fall
    before FIRST_DAY.
    """
    before = WorkingClock(OPENING_FIRST_DAY, (FIRST_DAY - OPENING_FIRST_DAY).days).opens
    volume = deal_volume(before)
    window_volume = deal_volume(WorkingClock(FIRST_DAY, DAYS).opens).sum()
    count = round(window_deals * OPENING_SCALE * volume.sum() / window_volume)
    created_at = np.sort(before[pick_shared(rng, volume, count)] + seconds_us(rng.random(count) * 9 * 3_600))
    segment = pick_shared(rng, OPENING_SEGMENT_MIX, count)
    # A mix of marketing SQLs and sales-sourced deals, both of which average a quality of ~3.
    quality = SALES_SOURCED_QUALITY + 0.9 * rng.standard_normal(count)
    owner = ALL_AES[rng.integers(0, len(ALL_AES), count)]
    proposal_at, closed_at, status, amount = settle_deals(rng, created_at, created_at, segment, quality)

    review_end = epoch_us(OPENING_REVIEW_END) + US_PER_DAY - US_PER_SECOND
    undecided = (status == OPEN) | (closed_at > review_end)
    reviewed = undecided & (rng.random(count) >= OPENING_LEFT_OPEN_SHARE)
    earliest = np.maximum(START_US, np.where(proposal_at == NULL_TIME, START_US, proposal_at + US_PER_DAY))
    earliest = np.minimum(earliest, review_end)
    review_at = earliest + ((review_end - earliest) * rng.random(count)).astype(np.int64)
    review_at = review_at // US_PER_SECOND * US_PER_SECOND
    closed_at = np.where(reviewed, review_at, np.where(undecided, NULL_TIME, closed_at))
    status = np.where(reviewed, LOST, np.where(undecided, OPEN, status)).astype(np.int8)
    # A deal lost in review before its proposal was due never got one.
    proposal_at = np.where(reviewed & (proposal_at > review_at), NULL_TIME, proposal_at)

    deals = Deals(np.full(count, -1), owner.astype(np.int8), created_at, proposal_at, closed_at, status, amount)
    return deals.take(np.flatnonzero((status == OPEN) | (closed_at >= START_US)))


# --- Arrow ---------------------------------------------------------------------------------

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
    "DECIMAL(18,2)": pa.decimal128(18, 2),
}


def contract_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.sql_type]) for c in TABLES[table].columns])


def id_digits(count: int) -> int:
    return max(6, len(str(count)))


def id_array(prefix: str, numbers: np.ndarray, digits: int, valid: np.ndarray | None = None) -> pa.Array:
    """Zero-padded ids like L000042, built straight into Arrow buffers (no Python strings)."""
    size = len(numbers)
    width = len(prefix) + digits
    chars = np.empty((size, width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    remaining = np.where(numbers < 0, 0, numbers).astype(np.int64)
    for position in range(width - 1, len(prefix) - 1, -1):
        chars[:, position] = 48 + remaining % 10
        remaining //= 10
    offsets = np.arange(0, (size + 1) * width, width, dtype=np.int32)
    validity = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    null_count = -1 if valid is not None else 0
    return pa.StringArray.from_buffers(size, pa.py_buffer(offsets), pa.py_buffer(chars), validity, null_count)


def label_array(codes: np.ndarray, labels: Sequence[str], valid: np.ndarray | None = None) -> pa.Array:
    indices = pa.array(np.asarray(codes, dtype=np.int32), mask=None if valid is None else ~valid)
    return pc.take(pa.array(labels, type=pa.string()), indices)


def timestamp_array(us: np.ndarray) -> pa.Array:
    return pa.array(us, type=pa.timestamp("us"), mask=us == NULL_TIME)


def decimal_array(cents: np.ndarray) -> pa.Array:
    """DECIMAL(18,2) from integer cents: little-endian 128-bit words, high word sign-extended."""
    words = np.empty((len(cents), 2), dtype="<i8")
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(cents), [None, pa.py_buffer(words)])


def contract_table(table: str, columns: Mapping[str, pa.Array]) -> pa.Table:
    schema = contract_schema(table)
    return pa.Table.from_arrays([columns[name] for name in schema.names], schema=schema)


def reps_table() -> pa.Table:
    return contract_table(
        "reps",
        {
            "rep_id": pa.array(REP_IDS),
            "name": pa.array([rep.name for rep in REPS]),
            "team": pa.array([rep.team for rep in REPS]),
            "role": pa.array([rep.role for rep in REPS]),
            # the address each rep signs in with (sign-in matches a rep role to its rep by it)
            "email": pa.array([rep.name.lower().replace(" ", ".") + "@northwind.example" for rep in REPS]),
        },
    )


# --- Putting it together -------------------------------------------------------------------

CALENDAR_STREAM, TRAFFIC_STREAM, LEADS_STREAM, SALES_SOURCED_STREAM, OPENING_STREAM = range(5)


def random_stream(seed: int, stream: int, chunk: int = 0) -> np.random.Generator:
    """Independent generators per purpose and chunk, so chunking never changes other streams."""
    return np.random.default_rng([seed, stream, chunk])


@dataclass
class LeadChunk:
    table: pa.Table
    touches: Touches
    deals: Deals
    first_deals: int  # deals of first hand-offs (the rest come from re-engaged leads)


def simulate_leads(rng, lead_numbers, created, channel, clock, versions, lead_digits) -> LeadChunk:
    """Profile, score, hand-off, follow-up and deals of one chunk of leads (sorted by creation)."""
    profile = draw_profiles(rng, channel)
    engagement = draw_engagement(rng, channel, profile["icp"])
    version = version_in_force(created, versions)
    score, threshold = score_in_force(scoring_attributes(profile, engagement), version, versions)
    quality = true_quality(profile, engagement, channel, rng)

    qualifies = (score >= threshold) | engagement["demo_requested"]
    mql_at = np.where(qualifies, hand_off_times(rng, created, engagement["demo_requested"]), NULL_TIME)
    mql_at = censor(mql_at)
    is_mql = mql_at != NULL_TIME
    team = pick(rng, TEAM_SHARE_BY_REGION[profile["region"]])
    sdr = pick_from_table(rng, SDRS_BY_TEAM, team)

    mqls = np.flatnonzero(is_mql)
    work = work_mqls(rng, clock, mql_at[mqls], sdr[mqls], quality[mqls], version[mqls], versions, lead_numbers[mqls])
    sql_at, disqualified_at, recycled_at = (np.full(len(created), NULL_TIME) for _ in range(3))
    sql_at[mqls] = censor(work.sql_at)
    disqualified_at[mqls] = censor(work.disqualified_at)
    recycled_at[mqls] = censor(work.recycled_at)

    sqls = np.flatnonzero(sql_at != NULL_TIME)
    deals = open_deals(
        rng, lead_numbers[sqls], created[sqls], sql_at[sqls], sdr[sqls], profile["segment"][sqls], quality[sqls]
    )
    first_deals = len(deals.created_at)

    # Drawn after everything above, from the same stream: the first lives are what they were.
    recycled = np.flatnonzero(recycled_at != NULL_TIME)
    rows, re_mql_at, again = reengage_recycled(
        rng, clock, recycled_at[recycled], sdr[recycled], quality[recycled], versions, lead_numbers[recycled])
    back = recycled[rows]
    mql_at[back] = re_mql_at
    sql_at[back] = censor(again.sql_at)
    disqualified_at[back] = censor(again.disqualified_at)
    re_sqls = back[sql_at[back] != NULL_TIME]
    # A re-engaged deal's cycle starts at the new hand-off, not at the lead's old creation date.
    later_deals = open_deals(rng, lead_numbers[re_sqls], mql_at[re_sqls], sql_at[re_sqls], sdr[re_sqls],
                             profile["segment"][re_sqls], quality[re_sqls] + REENGAGED_WARMTH)
    deals = Deals.concat([deals, later_deals])
    touches = Touches(*(np.concatenate([getattr(work.touches, f), getattr(again.touches, f)])
                        for f in Touches.__dataclass_fields__))

    table = contract_table(
        "leads",
        {
            "lead_id": id_array("L", lead_numbers, lead_digits),
            "created_at": timestamp_array(created),
            "channel": label_array(channel, CHANNEL_NAMES),
            "segment": label_array(profile["segment"], SEGMENTS),
            "region": label_array(profile["region"], REGIONS),
            "company_size": pa.array(profile["company_size"]),
            "industry": label_array(profile["industry"], INDUSTRIES),
            "job_level": label_array(profile["job_level"], JOB_LEVELS),
            "pricing_page_views": pa.array(engagement["pricing_page_views"]),
            "content_downloads": pa.array(engagement["content_downloads"]),
            "webinar_attended": pa.array(engagement["webinar_attended"]),
            "demo_requested": pa.array(engagement["demo_requested"]),
            "score": pa.array(score),
            "mql_at": timestamp_array(mql_at),
            "sql_at": timestamp_array(sql_at),
            "recycled_at": timestamp_array(recycled_at),
            "disqualified_at": timestamp_array(disqualified_at),
            "owner_id": label_array(sdr, REP_IDS, valid=is_mql),
        },
    )
    return LeadChunk(table, touches, deals, first_deals)


def parquet_writer(path: Path, table: str, sort_column: str) -> pq.ParquetWriter:
    """zstd parquet with row-group statistics; files are sorted by `sort_column` so date filters skip row groups."""
    schema = contract_schema(table)
    return pq.ParquetWriter(
        path, schema, compression="zstd", sorting_columns=[pq.SortingColumn(schema.get_field_index(sort_column))]
    )


def write_whole(path: Path, table: pa.Table, sort_column: str) -> int:
    with parquet_writer(path, path.stem, sort_column) as writer:
        writer.write_table(table, row_group_size=ROW_GROUP_SIZE)
    return table.num_rows


def write_touches(path: Path, parts: Sequence[Touches], lead_digits: int) -> int:
    touched_at = np.concatenate([part.touched_at for part in parts])
    order = np.argsort(touched_at, kind="stable")
    touched_at = touched_at[order]
    lead_number = np.concatenate([part.lead_number for part in parts])[order]
    rep = np.concatenate([part.rep for part in parts])[order]
    kind = np.concatenate([part.kind for part in parts])[order]
    digits = id_digits(len(order))
    with parquet_writer(path, "touches", "touched_at") as writer:
        for start in range(0, len(order), ROW_GROUP_SIZE):
            rows = slice(start, start + ROW_GROUP_SIZE)
            columns = {
                "touch_id": id_array("T", np.arange(start, min(start + ROW_GROUP_SIZE, len(order))) + 1, digits),
                "lead_id": id_array("L", lead_number[rows], lead_digits),
                "rep_id": label_array(rep[rows], REP_IDS),
                "touched_at": timestamp_array(touched_at[rows]),
                "kind": label_array(kind[rows], TOUCH_KINDS),
            }
            writer.write_table(contract_table("touches", columns), row_group_size=ROW_GROUP_SIZE)
    return len(order)


def deals_table(deals: Deals, lead_digits: int) -> pa.Table:
    deals = deals.take(np.argsort(deals.created_at, kind="stable"))
    count = len(deals.created_at)
    from_lead = deals.lead_number >= 0
    return contract_table(
        "deals",
        {
            "deal_id": id_array("D", np.arange(count) + 1, id_digits(count)),
            "lead_id": id_array("L", deals.lead_number, lead_digits, valid=from_lead),
            "owner_id": label_array(deals.owner, REP_IDS),
            "created_at": timestamp_array(deals.created_at),
            "proposal_at": timestamp_array(deals.proposal_at),
            "closed_at": timestamp_array(deals.closed_at),
            "status": label_array(deals.status, DEAL_STATUSES),
            "amount": decimal_array(deals.amount_cents),
        },
    )


def generate(
    out_dir: Path, leads: int = DEFAULT_LEADS, seed: int = DEFAULT_SEED, config_path: Path | None = None
) -> dict[str, int]:
    """Write the five sample extracts into `out_dir`; returns the row count of each table."""
    if leads < 1:
        raise ValueError("leads must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    versions = sorted(load_config(config_path or DEFAULT_CONFIG).slas, key=lambda version: version.start)
    # Follow-up of the last leads runs past the as-of date before it is censored.
    clock = WorkingClock(FIRST_DAY, DAYS + 366)
    weights, day_numbers = daily_lead_weights()
    created, channel = draw_created_at(random_stream(seed, CALENDAR_STREAM), leads, weights, day_numbers)
    lead_digits = id_digits(leads)
    rows: dict[str, int] = {}

    traffic = traffic_columns(random_stream(seed, TRAFFIC_STREAM), leads, weights, day_numbers)
    rows["traffic"] = write_whole(out_dir / "traffic.parquet", contract_table("traffic", traffic), "date")

    touch_parts: list[Touches] = []
    deal_parts: list[Deals] = []
    first_deals = 0
    with parquet_writer(out_dir / "leads.parquet", "leads", "created_at") as writer:
        for chunk, start in enumerate(range(0, leads, CHUNK_SIZE)):
            rows_in_chunk = slice(start, start + CHUNK_SIZE)
            lead_numbers = np.arange(start, min(start + CHUNK_SIZE, leads)) + 1
            result = simulate_leads(
                random_stream(seed, LEADS_STREAM, chunk),
                lead_numbers,
                created[rows_in_chunk],
                channel[rows_in_chunk],
                clock,
                versions,
                lead_digits,
            )
            writer.write_table(result.table, row_group_size=ROW_GROUP_SIZE)
            touch_parts.append(result.touches)
            deal_parts.append(result.deals)
            first_deals += result.first_deals
    rows["leads"] = leads
    del created, channel

    lead_deals = Deals.concat(deal_parts)
    # Sized on the deals of first hand-offs: re-engaged leads add deals on top of a sales-sourced
    # and opening pipeline that does not depend on marketing's nurture.
    sourced_count = round(first_deals * SALES_SOURCED_SHARE / (1 - SALES_SOURCED_SHARE))
    sourced = sales_sourced_deals(random_stream(seed, SALES_SOURCED_STREAM), sourced_count, clock)
    window_deals = first_deals + sourced_count
    opening = opening_deals(random_stream(seed, OPENING_STREAM), window_deals)
    all_deals = deals_table(Deals.concat([opening, lead_deals, sourced]), lead_digits)
    rows["deals"] = write_whole(out_dir / "deals.parquet", all_deals, "created_at")
    rows["touches"] = write_touches(out_dir / "touches.parquet", touch_parts, lead_digits)
    rows["reps"] = write_whole(out_dir / "reps.parquet", reps_table(), "rep_id")
    return rows


# --- Command line --------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("data/sample"), help="output folder (default: data/sample)")
    parser.add_argument(
        "--leads", type=int, default=DEFAULT_LEADS, help=f"number of leads (default: {DEFAULT_LEADS:,})"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--config", type=Path, default=None, help="SLA config whose lead definitions score the leads")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    rows = generate(args.out, leads=args.leads, seed=args.seed, config_path=args.config)
    elapsed = time.perf_counter() - started
    for table, count in rows.items():
        print(f"{table:>8}: {count:>12,} rows -> {Path(args.out) / (table + '.parquet')}")
    print(f"generated in {elapsed:.1f} s")
    return 0
