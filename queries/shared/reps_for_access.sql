-- The reps as sign-in needs them: each rep's team and the address they sign in with, so that a
-- signed-in rep gets their own records and a sales manager every rep of their teams.
-- Grain: one row per rep_id. Parameters: none.
-- Read on the unscoped tables by the sign-in gate only (dashboard/ui/auth.py).
with rep_rows as (
    select
        rep_id,
        min(team) as team,
        min(lower(trim(email))) as email
    from reps
    group by rep_id
),

final as (
    select rep_id, team, email
    from rep_rows
)

select * from final
order by rep_id
