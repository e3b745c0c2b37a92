-- The values a user can filter by: channels, segments and sales teams present in the data.
-- Grain: one row per (dimension, value). Parameters: none.
-- Access: company-wide (the channels, segments and team names a filter offers; the sidebar offers a scoped viewer only their own teams).
with dimension_values as (
    select distinct 'channel' as dimension, channel as value from leads where channel is not null
    union
    select distinct 'channel', channel from traffic where channel is not null
    union
    select distinct 'segment', segment from leads where segment is not null
    union
    select distinct 'team', team from reps where team is not null
),

final as (
    select dimension, value
    from dimension_values
)

select * from final
order by dimension, value
