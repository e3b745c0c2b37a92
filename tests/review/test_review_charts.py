"""The review's charts as the 1440 px screenshot showed them."""

import pandas as pd

from dashboard.review.charts import durations_figure


def durations() -> pd.DataFrame:
    months = pd.to_datetime(["2026-08-01", "2026-09-01", "2026-10-01"])
    return pd.DataFrame({"month_start": list(months) * 2, "transition": ["deal_to_won"] * 3 + ["mql_to_sql"] * 3,
                         "median_days": [70.0, 80.0, 90.0, 4.0, 5.0, 4.5], "records": [40, 42, 44, 300, 310, 290]})


def test_the_sales_cycle_target_reads_on_a_white_ground_and_the_legend_clears_the_month_ticks():
    figure = durations_figure(durations(), 75)
    label = next(a for a in figure.layout.annotations if a.text == "sales-cycle target 75 d")
    assert label.bgcolor is not None  # the sales-cycle line crossed the bare label
    # month ticks take two lines ("Oct / 2026"); the legend at y = -0.2 covered the second
    assert figure.layout.legend.yanchor == "top" and figure.layout.legend.y <= -0.3
    assert [trace.name for trace in figure.data] == ["MQL → SQL", "Deal opened → won (sales cycle)"]
