-- The sales team by role: how many reps work MQLs, for the scoring lab's load check.
-- Grain: one row per role (NULL when the reps extract has no role).
-- Parameters: none.
-- Access: company-wide (a head count by role, no rep named: the scoring lab of every role may see it)
with final as (
    select role, count(distinct rep_id) as reps
    from reps
    group by role
)

select * from final
order by role
