"""Team KPIs: a team's own and shared KPIs against their targets, month by month, with breakdowns and leaderboards (the Team KPIs page, the `team` command)."""
