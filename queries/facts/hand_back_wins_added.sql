-- What the files an extract gained since the hand-back facts were built add to exits already
-- stored: for each exit with a gained won deal closed after it, the first such deal. The refresh
-- folds it into the stored row (won_after_exit_at is a minimum: the earlier of the stored and
-- the gained), so a new month of won deals, which can follow exits of any age, rebuilds no
-- stored month.
-- Grain: one row per (lead_id, exit_kind) whose exit_at is in [$start, $end) with a gained won
--   deal closed after it.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive).
-- Reads `added_deals`: the contract table over only the gained files. The same conditions as
-- hand_back_facts.sql's won_after_exit, so a fold equals a rebuild.
with exits as (
    select lead_id, 'disqualified' as exit_kind, disqualified_at as exit_at
    from funnel_leads
    where disqualified_at >= $start
        and disqualified_at < $end
    union all
    select lead_id, 'recycled' as exit_kind, recycled_at as exit_at
    from funnel_leads
    where recycled_at >= $start
        and recycled_at < $end
),

added_wins as (
    select lead_id, closed_at
    from added_deals
    where status = 'won'
        and closed_at is not null
),

final as (
    select
        exits.lead_id,
        exits.exit_kind,
        exits.exit_at,
        min(added_wins.closed_at) as won_after_exit_at
    from exits
    inner join added_wins
        on added_wins.lead_id = exits.lead_id
        and added_wins.closed_at > exits.exit_at
    group by exits.lead_id, exits.exit_kind, exits.exit_at
)

select * from final
