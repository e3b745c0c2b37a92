"""Who may see what: the `[access]` section of the SLA config read into grants, the role a signed-in
person gets from them, and the data scope that role carries (applied in the data layer,
`dashboard/data/scope.py`, where every query runs).

Without sign-in (no `[auth]` in `.streamlit/secrets.toml`) there is one viewer, the person at the
machine, with the company scope: the app is the single-user local app it always was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

LEADERSHIP, MARKETING, SALES_MANAGER, REP = "leadership", "marketing", "sales_manager", "rep"
ROLES = (LEADERSHIP, MARKETING, SALES_MANAGER, REP)

# The app's pages by their URL path, and the roles that open each. Enforcement of rows is the data
# layer's (the scope); this decides which pages a role is offered at all.
PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    LEADERSHIP: ("review", "funnel", "team_kpis", "compliance", "planner", "scoring_lab", "sla_versions",
                 "data_health"),
    MARKETING: ("review", "funnel", "team_kpis", "planner", "scoring_lab", "sla_versions"),
    SALES_MANAGER: ("review", "team_kpis", "compliance"),
    REP: ("review", "team_kpis", "compliance"),
}


@dataclass(frozen=True)
class Scope:
    """The rows a viewer's queries may read.

    - `company`: every row (leadership, and the local app without sign-in);
    - `marketing`: every lead and deal, but no touches (the rep-level follow-up record) and no
      rep names;
    - `reps`: the leads and deals owned by `rep_ids`, the touches on those leads and those reps'
      rows of the reps table (a sales manager: every rep of their teams; a rep: themselves).
    `teams` are the sales teams the scope covers (a manager's), for filters and messages."""

    kind: str = "company"
    rep_ids: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()

    @property
    def is_company(self) -> bool:
        return self.kind == "company"

    @property
    def is_one_rep(self) -> bool:
        """A rep's own scope (a manager's names their teams)."""
        return self.kind == "reps" and not self.teams

    @property
    def key(self) -> str:
        """A short stable name for the scope: part of cache keys and of the scoped schema's name."""
        text = repr((self.kind, tuple(sorted(self.rep_ids)), tuple(sorted(self.teams))))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> str:
        if self.kind == "company":
            return "company"
        if self.kind == "marketing":
            return "marketing (no rep-level follow-up records)"
        if self.teams:
            return f"team {', '.join(self.teams)}"
        return f"rep {', '.join(self.rep_ids)}" if self.rep_ids else "nothing"


COMPANY = Scope()
MARKETING_SCOPE = Scope("marketing")


@dataclass(frozen=True)
class Grant:
    """One `[[access.grants]]` block: a role for the people it matches."""

    role: str
    emails: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()  # a sales manager's teams


@dataclass(frozen=True)
class AccessConfig:
    """`[access]`: the grants, whom an unmapped person should ask, the OIDC claim that carries
    groups, how long a sign-in lasts and where the audit log goes."""

    grants: tuple[Grant, ...] = ()
    contact: str = "the dashboard's administrator"
    groups_claim: str = "groups"
    session_hours: float = 12.0
    audit_log: str | None = None  # a path; default: audit.jsonl in the cache folder


@dataclass(frozen=True)
class Viewer:
    """A signed-in person as the app treats them: their role (None: not mapped) and scope."""

    email: str
    name: str
    role: str | None
    scope: Scope = field(default=COMPANY)
    reason: str = ""  # why there is no role, for the "whom to ask" page
    teams: tuple[str, ...] = ()  # a sales manager's teams, a rep's own team: the Team KPIs they are offered

    @property
    def pages(self) -> tuple[str, ...]:
        return PAGES_BY_ROLE.get(self.role, ()) if self.role else ()


LOCAL_VIEWER = Viewer(email="", name="", role=LEADERSHIP, scope=COMPANY)


def _claim_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value)
    return ()


def matching_grant(access: AccessConfig, email: str, groups: tuple[str, ...]) -> Grant | None:
    """The grant for this person: one naming their email wins over one naming a group of theirs,
    which wins over one naming their email's domain; among equals the first in the file."""
    email = email.strip().lower()
    domain = email.rpartition("@")[2] if "@" in email else ""
    wanted = {group.strip().lower() for group in groups}
    for matches in (
        lambda grant: email and email in grant.emails,
        lambda grant: bool(wanted & set(grant.groups)),
        lambda grant: domain and domain in grant.domains,
    ):
        for grant in access.grants:
            if matches(grant):
                return grant
    return None


def viewer_for(access: AccessConfig, user: dict, reps_by_email: dict[str, str],
               reps_by_team: dict[str, tuple[str, ...]]) -> Viewer:
    """The role and scope of the signed-in `user` (the OIDC claims `st.user` holds).
    `reps_by_email` maps a lower-cased `reps.email` to its rep_id; `reps_by_team` lists each
    team's rep_ids."""
    email = str(user.get("email") or "").strip().lower()
    name = str(user.get("name") or email)
    groups = _claim_list(user.get(access.groups_claim))
    if not email:
        return Viewer(email, name, None, reason="your identity provider sent no email address")
    if user.get("email_verified") is False:
        return Viewer(email, name, None, reason=f"your identity provider has not verified {email}")
    grant = matching_grant(access, email, groups)
    if grant is None:
        return Viewer(email, name, None, reason=f"{email} has no role in the SLA dashboard's [access] section")
    if grant.role == LEADERSHIP:
        return Viewer(email, name, LEADERSHIP, COMPANY)
    if grant.role == MARKETING:
        return Viewer(email, name, MARKETING, MARKETING_SCOPE)
    if grant.role == SALES_MANAGER:
        rep_ids = tuple(sorted({rep for team in grant.teams for rep in reps_by_team.get(team, ())}))
        return Viewer(email, name, SALES_MANAGER, Scope("reps", rep_ids, tuple(grant.teams)), teams=tuple(grant.teams))
    rep = reps_by_email.get(email)
    if rep is None:
        return Viewer(email, name, None,
                      reason=f"{email} is granted the rep role, but no rep in the reps extract has that email "
                             "(the reps.email column)")
    own_team = tuple(team for team, reps in reps_by_team.items() if rep in reps)[:1]
    return Viewer(email, name, REP, Scope("reps", (rep,)), teams=own_team)


def teams_shown(viewer: Viewer, teams: list[tuple[str, str]]) -> list[str]:
    """The teams (name, function) whose KPIs the viewer is offered: marketing the marketing and
    shared ones, a sales manager their teams, a rep their own team (measured on their own records)."""
    if viewer.role == MARKETING:
        return [name for name, function in teams if function in ("marketing", "shared")]
    if viewer.role in (SALES_MANAGER, REP):
        return [name for name, _ in teams if name in viewer.teams]
    return [name for name, _ in teams]
