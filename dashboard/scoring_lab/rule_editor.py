"""The scoring lab's rule editor: one row of widgets per rule, kept in `st.session_state`.

Each rule has an id; its widgets are keyed `lab_r<id>_<field>`. The rules are read back from
the session state before the widgets are drawn (the pre-aggregate depends on which attributes
the rules read), so the state is made valid for the current attribute first. The edited rules
also round-trip through the URL (`lab_rules`, compact JSON) so a proposal can be shared."""

from __future__ import annotations

import json
from typing import Sequence

import streamlit as st

from dashboard.core.config import MAX_RULE_POINTS, MAX_RULES, ScoringRule, rule_problems
from dashboard.ui import url_params
from dashboard.ui.state import current_config

NUMERIC_OPS = (">=", ">", "<=", "<", "=", "!=", "in", "not in")
LABEL_OPS = ("in", "not in", "=", "!=")
FLAG_OPS = ("=", "!=")
IDS, NEXT, BASE = "lab_rule_ids", "lab_next_rule_id", "lab_rules_base"
# The rules as last drawn, under a key no widget owns: Streamlit drops a widget's state on a run
# of another page, so coming back to the lab rebuilds the widgets from this copy.
KEPT = "lab_rules_kept"
URL_KEY = "lab_rules"


def kinds() -> dict[str, str]:
    """Every attribute a rule may read, the contract's and the config's declared ones, by kind."""
    return current_config().data.scoring_attributes


def kind(attribute: str) -> str:
    return kinds().get(attribute, "label")


def ops_for(attribute: str, current: str | None = None) -> list[str]:
    ops = list({"number": NUMERIC_OPS, "flag": FLAG_OPS, "label": LABEL_OPS}[kind(attribute)])
    if current and current not in ops:
        ops.append(current)  # keep an unusual operator a config already uses
    return ops


def _key(rule_id: int, field: str) -> str:
    return f"lab_r{rule_id}_{field}"


def _store(rule_id: int, rule: ScoringRule) -> None:
    state = st.session_state
    state[_key(rule_id, "attribute")] = rule.attribute
    state[_key(rule_id, "kind")] = kind(rule.attribute)
    state[_key(rule_id, "op")] = rule.op
    state[_key(rule_id, "points")] = int(rule.points)
    value = rule.value
    values = list(value) if isinstance(value, tuple) else [value]
    if kind(rule.attribute) == "number":
        if rule.op in ("in", "not in"):
            state[_key(rule_id, "numbers")] = ", ".join(f"{v:g}" for v in values)
        else:
            state[_key(rule_id, "number")] = float(value) if not float(value).is_integer() else int(value)
    elif kind(rule.attribute) == "flag":
        state[_key(rule_id, "flag")] = bool(value)
    elif rule.op in ("in", "not in"):
        state[_key(rule_id, "labels")] = [str(v) for v in values]
    else:
        state[_key(rule_id, "label")] = str(value)


def reset(rules: Sequence[ScoringRule], base_name: str) -> None:
    """Start over from `rules` (the SLA version's)."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("lab_r") and k[5:6].isdigit()]:
        del st.session_state[key]
    st.session_state[IDS] = list(range(len(rules)))
    st.session_state[NEXT] = len(rules)
    st.session_state[BASE] = base_name
    for rule_id, rule in enumerate(rules):
        _store(rule_id, rule)


def ensure(rules: Sequence[ScoringRule], base_name: str) -> None:
    """Load the base rules on first use and when the SLA version changes; on first use a
    proposal in the URL wins. Back from another page, the rules being edited are restored."""
    state = st.session_state
    if state.get(BASE) == base_name and IDS in state:
        if any(_key(rule_id, "attribute") not in state for rule_id in state[IDS]):
            reset(state.get(KEPT, rules), base_name)
        return
    first_use = IDS not in st.session_state
    from_url = None
    if first_use and (text := url_params.text(URL_KEY)):
        from_url, problem = decode(text)
        if problem:
            url_params.ignore(URL_KEY, f"does not hold rules the lab can use ({problem}); the lab starts from {base_name}'s")
    reset(from_url if from_url is not None else rules, base_name)


def add_rule(attribute: str) -> None:
    if len(st.session_state[IDS]) >= MAX_RULES:
        return
    rule_id = st.session_state[NEXT]
    st.session_state[NEXT] = rule_id + 1
    st.session_state[IDS] = [*st.session_state[IDS], rule_id]
    default = {"number": ScoringRule(attribute, ">=", 1, 5), "flag": ScoringRule(attribute, "=", True, 5),
               "label": ScoringRule(attribute, "in", (), 5)}[kind(attribute)]
    _store(rule_id, default)


def remove_rule(rule_id: int) -> None:
    st.session_state[IDS] = [i for i in st.session_state[IDS] if i != rule_id]


def normalise(labels: dict[str, list]) -> None:
    """Make every rule's state valid for its attribute before the widgets are drawn: a rule
    whose attribute changed kind (say from company size to industry) starts from that kind's
    first operator and an empty value."""
    state = st.session_state
    for rule_id in state[IDS]:
        attribute = state[_key(rule_id, "attribute")]
        op_key = _key(rule_id, "op")
        if state.get(_key(rule_id, "kind")) != kind(attribute) or op_key not in state:
            state[op_key] = ops_for(attribute)[0]
            for field in ("number", "numbers", "labels", "label", "flag"):
                state.pop(_key(rule_id, field), None)
            state[_key(rule_id, "kind")] = kind(attribute)
        op = state[op_key]
        if kind(attribute) == "number":
            if op in ("in", "not in"):
                state.setdefault(_key(rule_id, "numbers"), "")
            else:
                state.setdefault(_key(rule_id, "number"), 0)
        elif kind(attribute) == "flag":
            state.setdefault(_key(rule_id, "flag"), True)
        elif op in ("in", "not in"):
            state.setdefault(_key(rule_id, "labels"), [])
        else:
            choices = sorted(map(str, labels.get(attribute, [])))
            if state.get(_key(rule_id, "label")) in (None, "") and choices:
                state[_key(rule_id, "label")] = choices[0]
            state.setdefault(_key(rule_id, "label"), "")


def _numbers(text: str) -> tuple:
    values = []
    for part in str(text).replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            number = float(part)
        except ValueError:
            continue
        values.append(int(number) if number.is_integer() else number)
    return tuple(values)


def current_rules() -> tuple[ScoringRule, ...]:
    """The rules as the widgets hold them."""
    state = st.session_state
    rules = []
    for rule_id in state.get(IDS, []):
        attribute = state[_key(rule_id, "attribute")]
        op = state[_key(rule_id, "op")]
        points = int(state.get(_key(rule_id, "points"), 0))
        if kind(attribute) == "number":
            if op in ("in", "not in"):
                value = _numbers(state.get(_key(rule_id, "numbers"), ""))
            else:
                number = state.get(_key(rule_id, "number"), 0)
                value = int(number) if float(number).is_integer() else float(number)
        elif kind(attribute) == "flag":
            value = bool(state.get(_key(rule_id, "flag"), True))
        elif op in ("in", "not in"):
            value = tuple(state.get(_key(rule_id, "labels"), []))
        else:
            value = state.get(_key(rule_id, "label"), "")
        rules.append(ScoringRule(attribute=attribute, op=op, value=value, points=points))
    state[KEPT] = tuple(rules)
    return tuple(rules)


def draw(attributes: Sequence[str], labels: dict[str, list], base: Sequence[ScoringRule]) -> None:
    """One row per rule: attribute, operator, value, points, remove; then add and reset."""
    state = st.session_state
    header = st.columns([2.2, 1.1, 3.2, 1.1, 0.5])
    for column, text in zip(header, ("Attribute", "Condition", "Value", "Points", "")):
        column.caption(text)
    base_by_position = list(base)
    for position, rule_id in enumerate(list(state[IDS])):
        attribute = state[_key(rule_id, "attribute")]
        cells = st.columns([2.2, 1.1, 3.2, 1.1, 0.5], vertical_alignment="center")
        options = list(attributes) + ([attribute] if attribute not in attributes else [])
        cells[0].selectbox("Attribute", options, key=_key(rule_id, "attribute"), label_visibility="collapsed",
                           format_func=lambda name: name.replace("_", " "))
        attribute = state[_key(rule_id, "attribute")]
        cells[1].selectbox("Condition", ops_for(attribute, state.get(_key(rule_id, "op"))), key=_key(rule_id, "op"),
                           label_visibility="collapsed")
        op = state[_key(rule_id, "op")]
        with cells[2]:
            if kind(attribute) == "number" and op in ("in", "not in"):
                st.text_input("Values", key=_key(rule_id, "numbers"), label_visibility="collapsed",
                              placeholder="numbers, comma-separated")
            elif kind(attribute) == "number":
                st.number_input("Value", key=_key(rule_id, "number"), step=1, label_visibility="collapsed")
            elif kind(attribute) == "flag":
                st.selectbox("Value", [True, False], key=_key(rule_id, "flag"), label_visibility="collapsed",
                             format_func=lambda v: "yes" if v else "no")
            elif op in ("in", "not in"):
                choices = sorted(set(map(str, labels.get(attribute, []))) | set(state.get(_key(rule_id, "labels"), [])))
                st.multiselect("Values", choices, key=_key(rule_id, "labels"), label_visibility="collapsed",
                               placeholder="choose values")
            else:
                choices = sorted(set(map(str, labels.get(attribute, []))) | {state.get(_key(rule_id, "label"), "")} - {""})
                st.selectbox("Value", choices, key=_key(rule_id, "label"), label_visibility="collapsed")
        cells[3].number_input("Points", key=_key(rule_id, "points"), step=5, label_visibility="collapsed",
                              min_value=-MAX_RULE_POINTS, max_value=MAX_RULE_POINTS)
        cells[4].button("✕", key=_key(rule_id, "remove"), on_click=remove_rule, args=(rule_id,),
                        help="Remove this rule")
    add, new_attribute, restart = st.columns([1.3, 2.2, 2])
    chosen = new_attribute.selectbox("New rule on", list(attributes), key="lab_new_rule_attribute",
                                     label_visibility="collapsed", format_func=lambda name: name.replace("_", " "))
    add.button("Add a rule on", key="lab_add_rule", on_click=add_rule, args=(chosen,), icon=":material/add:",
               disabled=len(state[IDS]) >= MAX_RULES, help=f"At most {MAX_RULES} rules.")
    restart.button(f"Reset to {state[BASE]}", key="lab_reset_rules", on_click=reset, args=(tuple(base), state[BASE]),
                   icon=":material/restart_alt:")


def encode(rules: Sequence[ScoringRule]) -> str:
    return json.dumps([[r.attribute, r.op, list(r.value) if isinstance(r.value, tuple) else r.value, r.points]
                       for r in rules], separators=(",", ":"))


def decode(text: str | None) -> tuple[tuple[ScoringRule, ...] | None, str | None]:
    """Rules from the URL, checked as the config's are (declared attributes, their operators,
    bounded points and values): (rules, None), or (None, what is wrong) for a malformed or
    hostile link, whose rules are then not used. Absent: (None, None)."""
    if not text:
        return None, None
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        return None, "not JSON"
    if not isinstance(raw, list):
        return None, "not a list of rules"
    if len(raw) > MAX_RULES:
        return None, f"{len(raw)} rules, at most {MAX_RULES}"
    rules = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, list) or len(item) != 4:
            return None, f"rule {index} is not [attribute, op, value, points]"
        attribute, op, value, points = item
        problems = rule_problems(attribute, op, value, points, kinds())
        if problems:
            return None, f"rule {index}: {problems[0]}"
        rules.append(ScoringRule(attribute, op, tuple(value) if isinstance(value, list) else value, points))
    return tuple(rules), None
