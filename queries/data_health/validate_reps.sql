-- The reps extract as it is, to check reps against the teams of the SLA config. Small table.
-- Grain: one row per row of reps. Parameters: none.
with final as (
    select rep_id, name, team, role
    from reps
)

select * from final
order by rep_id
