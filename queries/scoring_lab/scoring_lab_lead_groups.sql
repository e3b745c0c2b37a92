-- The scoring lab's pre-aggregate: leads created in the range, grouped by creation month and
-- by the combination of the scoring attributes the lab needs, with their observed outcomes.
-- Re-scoring these groups with any rule set gives exactly the scores of the leads in them,
-- because every lead of a group has the same value (or bin) for every attribute a rule reads.
-- Grain: one row per creation month x combination of the kept attributes.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $all_time BOOLEAN: every lead, dated or not (an undated lead-scoring export; month_start is
--     then NULL), instead of those created from $start to $end,
--   $every_lead_observed BOOLEAN: the outcome is read from each lead (a converted flag), so every
--     lead has an observed outcome, converted or not, and none is estimated,
--   $channel, $segment VARCHAR (NULL = all),
--   $keep_<attribute> BOOLEAN for each scoring attribute: false leaves it NULL so it does not
--     split groups (the lab keeps only the attributes some rule reads, plus demo requests),
--   $company_size_bounds, $pricing_page_views_bounds, $content_downloads_bounds INTEGER[]:
--     ascending lower bounds of the bins of each numeric attribute. A value falls in the bin of
--     the largest bound not above it and is replaced by that bound; the caller includes every
--     rule threshold v as v and v + 1 (and a floor below every value), so a comparison with any
--     threshold gives the same answer for the bin as for each value in it.
--   $keep_<slot> BOOLEAN and, for number slots, $<slot>_bounds DOUBLE[]: the same for the attributes
--     the config declares ([data.tables.leads.attributes]), which the contract views put in fixed
--     slot columns (number_1..8, category_1..16, flag_1..8) so that no column name from the config
--     reaches SQL. A number slot's bounds hold each threshold v as v and the next double above it.
--     Declared slots are grouped by their raw values first and binned on those groups, so an unused
--     slot (all NULL) costs no join per lead; when no slot is kept, leads are not grouped by the
--     slots at all (see narrow_groups).
-- A missing attribute value stays NULL (it joins no bin), as it is in the extract.
-- Outcomes: a lead is observed when it was handed off (mql_at), accepted (sql_at) or has a deal;
-- leads never handed off have no sales outcome. Won revenue sums the lead's won deals.
with filtered_leads as (
    select
        lead_id, created_at, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested, mql_at, sql_at,
        number_1, number_2, number_3, number_4, number_5, number_6, number_7, number_8, category_1,
        category_2, category_3, category_4, category_5, category_6, category_7, category_8,
        category_9, category_10, category_11, category_12, category_13, category_14, category_15,
        category_16, flag_1, flag_2, flag_3, flag_4, flag_5, flag_6, flag_7, flag_8
    from leads
    where ($all_time or (created_at >= $start and created_at < $end))
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
),

lead_id_range as (
    select min(lead_id) as low, max(lead_id) as high from filtered_leads
),

-- Only deals whose lead_id lies between the range's lowest and highest lead id can join a lead
-- of the range; the join below still decides which do. Lead ids mostly grow with creation time,
-- so this skips most deals of other periods (whole row groups, by their statistics) before
-- they are grouped by lead, which for every deal of all time was the query's costliest step.
lead_deals as (
    select
        deals.lead_id,
        count(*) as deals,
        count(case when deals.status = 'won' then 1 end) as won_deals,
        sum(case when deals.status = 'won' then deals.amount end) as won_amount
    from deals
    inner join lead_id_range on deals.lead_id between lead_id_range.low and lead_id_range.high
    group by deals.lead_id
),

-- The distinct values of the three numeric attributes in one pass over the leads: a row of one
-- grouping set has NULL in the other two columns.
numeric_values as (
    select company_size, pricing_page_views, content_downloads
    from filtered_leads
    group by grouping sets ((company_size), (pricing_page_views), (content_downloads))
),

company_size_bounds as (
    select unnest($company_size_bounds) as lower_bound
),

company_size_bins as (
    select distinct_values.value, max(company_size_bounds.lower_bound) as bin_value
    from (select company_size as value from numeric_values where company_size is not null)
        as distinct_values
    left join company_size_bounds on company_size_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

pricing_page_views_bounds as (
    select unnest($pricing_page_views_bounds) as lower_bound
),

pricing_page_views_bins as (
    select distinct_values.value, max(pricing_page_views_bounds.lower_bound) as bin_value
    from (select pricing_page_views as value from numeric_values where pricing_page_views is not null)
        as distinct_values
    left join pricing_page_views_bounds on pricing_page_views_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

content_downloads_bounds as (
    select unnest($content_downloads_bounds) as lower_bound
),

content_downloads_bins as (
    select distinct_values.value, max(content_downloads_bounds.lower_bound) as bin_value
    from (select content_downloads as value from numeric_values where content_downloads is not null)
        as distinct_values
    left join content_downloads_bounds on content_downloads_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

lead_outcomes as (
    select
        cast(date_trunc('month', filtered_leads.created_at) as date) as month_start,
        case when $keep_channel then filtered_leads.channel end as channel,
        case when $keep_segment then filtered_leads.segment end as segment,
        case when $keep_region then filtered_leads.region end as region,
        case when $keep_company_size then company_size_bins.bin_value end as company_size,
        case when $keep_industry then filtered_leads.industry end as industry,
        case when $keep_job_level then filtered_leads.job_level end as job_level,
        case when $keep_pricing_page_views then pricing_page_views_bins.bin_value end as pricing_page_views,
        case when $keep_content_downloads then content_downloads_bins.bin_value end as content_downloads,
        case when $keep_webinar_attended then filtered_leads.webinar_attended end as webinar_attended,
        case when $keep_demo_requested then filtered_leads.demo_requested end as demo_requested,
        case when $keep_number_1 then filtered_leads.number_1 end as number_1,
        case when $keep_number_2 then filtered_leads.number_2 end as number_2,
        case when $keep_number_3 then filtered_leads.number_3 end as number_3,
        case when $keep_number_4 then filtered_leads.number_4 end as number_4,
        case when $keep_number_5 then filtered_leads.number_5 end as number_5,
        case when $keep_number_6 then filtered_leads.number_6 end as number_6,
        case when $keep_number_7 then filtered_leads.number_7 end as number_7,
        case when $keep_number_8 then filtered_leads.number_8 end as number_8,
        case when $keep_category_1 then filtered_leads.category_1 end as category_1,
        case when $keep_category_2 then filtered_leads.category_2 end as category_2,
        case when $keep_category_3 then filtered_leads.category_3 end as category_3,
        case when $keep_category_4 then filtered_leads.category_4 end as category_4,
        case when $keep_category_5 then filtered_leads.category_5 end as category_5,
        case when $keep_category_6 then filtered_leads.category_6 end as category_6,
        case when $keep_category_7 then filtered_leads.category_7 end as category_7,
        case when $keep_category_8 then filtered_leads.category_8 end as category_8,
        case when $keep_category_9 then filtered_leads.category_9 end as category_9,
        case when $keep_category_10 then filtered_leads.category_10 end as category_10,
        case when $keep_category_11 then filtered_leads.category_11 end as category_11,
        case when $keep_category_12 then filtered_leads.category_12 end as category_12,
        case when $keep_category_13 then filtered_leads.category_13 end as category_13,
        case when $keep_category_14 then filtered_leads.category_14 end as category_14,
        case when $keep_category_15 then filtered_leads.category_15 end as category_15,
        case when $keep_category_16 then filtered_leads.category_16 end as category_16,
        case when $keep_flag_1 then filtered_leads.flag_1 end as flag_1,
        case when $keep_flag_2 then filtered_leads.flag_2 end as flag_2,
        case when $keep_flag_3 then filtered_leads.flag_3 end as flag_3,
        case when $keep_flag_4 then filtered_leads.flag_4 end as flag_4,
        case when $keep_flag_5 then filtered_leads.flag_5 end as flag_5,
        case when $keep_flag_6 then filtered_leads.flag_6 end as flag_6,
        case when $keep_flag_7 then filtered_leads.flag_7 end as flag_7,
        case when $keep_flag_8 then filtered_leads.flag_8 end as flag_8,
        $every_lead_observed
            or filtered_leads.mql_at is not null
            or filtered_leads.sql_at is not null
            or coalesce(lead_deals.deals, 0) > 0 as is_observed,
        filtered_leads.sql_at is not null as is_sql,
        coalesce(lead_deals.won_deals, 0) > 0 as is_won,
        coalesce(lead_deals.won_amount, 0) as won_amount
    from filtered_leads
    left join lead_deals on lead_deals.lead_id = filtered_leads.lead_id
    left join company_size_bins
        on company_size_bins.value = filtered_leads.company_size
    left join pricing_page_views_bins
        on pricing_page_views_bins.value = filtered_leads.pricing_page_views
    left join content_downloads_bins
        on content_downloads_bins.value = filtered_leads.content_downloads
),

-- Unless the config declares an attribute some rule reads, every slot column is NULL here, and
-- grouping the leads by 32 NULL columns besides the real keys doubled the cost of grouping them
-- (the engine does not drop a constant key). So the leads are grouped by the contract attributes
-- alone and the slots added as NULL after (final); raw_groups, below, is the grouping with
-- slots. The two filters are constant, so only one of the two groupings ever reads a lead.
narrow_groups as (
    select
        month_start, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested,
        count(*) as leads,
        count(case when is_observed then 1 end) as observed_leads,
        count(case when is_sql then 1 end) as sql_leads,
        count(case when is_won then 1 end) as won_leads,
        sum(won_amount) as won_revenue
    from lead_outcomes
    where not (
        $keep_number_1 or $keep_number_2 or $keep_number_3 or $keep_number_4 or $keep_number_5
        or $keep_number_6 or $keep_number_7 or $keep_number_8 or $keep_category_1 or $keep_category_2
        or $keep_category_3 or $keep_category_4 or $keep_category_5 or $keep_category_6
        or $keep_category_7 or $keep_category_8 or $keep_category_9 or $keep_category_10
        or $keep_category_11 or $keep_category_12 or $keep_category_13 or $keep_category_14
        or $keep_category_15 or $keep_category_16 or $keep_flag_1 or $keep_flag_2 or $keep_flag_3
        or $keep_flag_4 or $keep_flag_5 or $keep_flag_6 or $keep_flag_7 or $keep_flag_8
    )
    group by
        month_start, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested
),

raw_groups as (
    select
        month_start, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested,
        number_1, number_2, number_3, number_4, number_5, number_6, number_7, number_8, category_1,
        category_2, category_3, category_4, category_5, category_6, category_7, category_8,
        category_9, category_10, category_11, category_12, category_13, category_14, category_15,
        category_16, flag_1, flag_2, flag_3, flag_4, flag_5, flag_6, flag_7, flag_8,
        count(*) as leads,
        count(case when is_observed then 1 end) as observed_leads,
        count(case when is_sql then 1 end) as sql_leads,
        count(case when is_won then 1 end) as won_leads,
        sum(won_amount) as won_revenue
    from lead_outcomes
    where (
        $keep_number_1 or $keep_number_2 or $keep_number_3 or $keep_number_4 or $keep_number_5
        or $keep_number_6 or $keep_number_7 or $keep_number_8 or $keep_category_1 or $keep_category_2
        or $keep_category_3 or $keep_category_4 or $keep_category_5 or $keep_category_6
        or $keep_category_7 or $keep_category_8 or $keep_category_9 or $keep_category_10
        or $keep_category_11 or $keep_category_12 or $keep_category_13 or $keep_category_14
        or $keep_category_15 or $keep_category_16 or $keep_flag_1 or $keep_flag_2 or $keep_flag_3
        or $keep_flag_4 or $keep_flag_5 or $keep_flag_6 or $keep_flag_7 or $keep_flag_8
    )
    group by
        month_start, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested,
        number_1, number_2, number_3, number_4, number_5, number_6, number_7, number_8, category_1,
        category_2, category_3, category_4, category_5, category_6, category_7, category_8,
        category_9, category_10, category_11, category_12, category_13, category_14, category_15,
        category_16, flag_1, flag_2, flag_3, flag_4, flag_5, flag_6, flag_7, flag_8
),

number_1_bounds as (
    select unnest($number_1_bounds) as lower_bound
),

number_1_bins as (
    select distinct_values.value, max(number_1_bounds.lower_bound) as bin_value
    from (select distinct number_1 as value from raw_groups) as distinct_values
    left join number_1_bounds on number_1_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

number_2_bounds as (
    select unnest($number_2_bounds) as lower_bound
),

number_2_bins as (
    select distinct_values.value, max(number_2_bounds.lower_bound) as bin_value
    from (select distinct number_2 as value from raw_groups) as distinct_values
    left join number_2_bounds on number_2_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

number_3_bounds as (
    select unnest($number_3_bounds) as lower_bound
),

number_3_bins as (
    select distinct_values.value, max(number_3_bounds.lower_bound) as bin_value
    from (select distinct number_3 as value from raw_groups) as distinct_values
    left join number_3_bounds on number_3_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

number_4_bounds as (
    select unnest($number_4_bounds) as lower_bound
),

number_4_bins as (
    select distinct_values.value, max(number_4_bounds.lower_bound) as bin_value
    from (select distinct number_4 as value from raw_groups) as distinct_values
    left join number_4_bounds on number_4_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

number_5_bounds as (
    select unnest($number_5_bounds) as lower_bound
),

number_5_bins as (
    select distinct_values.value, max(number_5_bounds.lower_bound) as bin_value
    from (select distinct number_5 as value from raw_groups) as distinct_values
    left join number_5_bounds on number_5_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

number_6_bounds as (
    select unnest($number_6_bounds) as lower_bound
),

number_6_bins as (
    select distinct_values.value, max(number_6_bounds.lower_bound) as bin_value
    from (select distinct number_6 as value from raw_groups) as distinct_values
    left join number_6_bounds on number_6_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

number_7_bounds as (
    select unnest($number_7_bounds) as lower_bound
),

number_7_bins as (
    select distinct_values.value, max(number_7_bounds.lower_bound) as bin_value
    from (select distinct number_7 as value from raw_groups) as distinct_values
    left join number_7_bounds on number_7_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

number_8_bounds as (
    select unnest($number_8_bounds) as lower_bound
),

number_8_bins as (
    select distinct_values.value, max(number_8_bounds.lower_bound) as bin_value
    from (select distinct number_8 as value from raw_groups) as distinct_values
    left join number_8_bounds on number_8_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

binned_groups as (
    select
        raw_groups.month_start, raw_groups.channel, raw_groups.segment, raw_groups.region,
        raw_groups.company_size, raw_groups.industry, raw_groups.job_level, raw_groups.pricing_page_views,
        raw_groups.content_downloads, raw_groups.webinar_attended, raw_groups.demo_requested,
        number_1_bins.bin_value as number_1,
        number_2_bins.bin_value as number_2,
        number_3_bins.bin_value as number_3,
        number_4_bins.bin_value as number_4,
        number_5_bins.bin_value as number_5,
        number_6_bins.bin_value as number_6,
        number_7_bins.bin_value as number_7,
        number_8_bins.bin_value as number_8,
        raw_groups.category_1, raw_groups.category_2, raw_groups.category_3, raw_groups.category_4,
        raw_groups.category_5, raw_groups.category_6, raw_groups.category_7, raw_groups.category_8,
        raw_groups.category_9, raw_groups.category_10, raw_groups.category_11,
        raw_groups.category_12, raw_groups.category_13, raw_groups.category_14,
        raw_groups.category_15, raw_groups.category_16, raw_groups.flag_1, raw_groups.flag_2,
        raw_groups.flag_3, raw_groups.flag_4, raw_groups.flag_5, raw_groups.flag_6,
        raw_groups.flag_7, raw_groups.flag_8,
        raw_groups.leads, raw_groups.observed_leads, raw_groups.sql_leads, raw_groups.won_leads,
        raw_groups.won_revenue
    from raw_groups
    left join number_1_bins on number_1_bins.value = raw_groups.number_1
    left join number_2_bins on number_2_bins.value = raw_groups.number_2
    left join number_3_bins on number_3_bins.value = raw_groups.number_3
    left join number_4_bins on number_4_bins.value = raw_groups.number_4
    left join number_5_bins on number_5_bins.value = raw_groups.number_5
    left join number_6_bins on number_6_bins.value = raw_groups.number_6
    left join number_7_bins on number_7_bins.value = raw_groups.number_7
    left join number_8_bins on number_8_bins.value = raw_groups.number_8
),

slot_groups as (
    select
        month_start, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested,
        number_1, number_2, number_3, number_4, number_5, number_6, number_7, number_8, category_1,
        category_2, category_3, category_4, category_5, category_6, category_7, category_8,
        category_9, category_10, category_11, category_12, category_13, category_14, category_15,
        category_16, flag_1, flag_2, flag_3, flag_4, flag_5, flag_6, flag_7, flag_8,
        sum(leads) as leads,
        sum(observed_leads) as observed_leads,
        sum(sql_leads) as sql_leads,
        sum(won_leads) as won_leads,
        sum(won_revenue) as won_revenue
    from binned_groups
    group by
        month_start, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested,
        number_1, number_2, number_3, number_4, number_5, number_6, number_7, number_8, category_1,
        category_2, category_3, category_4, category_5, category_6, category_7, category_8,
        category_9, category_10, category_11, category_12, category_13, category_14, category_15,
        category_16, flag_1, flag_2, flag_3, flag_4, flag_5, flag_6, flag_7, flag_8
),

final as (
    select
        month_start, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested,
        cast(null as double) as number_1, cast(null as double) as number_2,
        cast(null as double) as number_3, cast(null as double) as number_4,
        cast(null as double) as number_5, cast(null as double) as number_6,
        cast(null as double) as number_7, cast(null as double) as number_8,
        cast(null as varchar) as category_1, cast(null as varchar) as category_2,
        cast(null as varchar) as category_3, cast(null as varchar) as category_4,
        cast(null as varchar) as category_5, cast(null as varchar) as category_6,
        cast(null as varchar) as category_7, cast(null as varchar) as category_8,
        cast(null as varchar) as category_9, cast(null as varchar) as category_10,
        cast(null as varchar) as category_11, cast(null as varchar) as category_12,
        cast(null as varchar) as category_13, cast(null as varchar) as category_14,
        cast(null as varchar) as category_15, cast(null as varchar) as category_16,
        cast(null as boolean) as flag_1, cast(null as boolean) as flag_2, cast(null as boolean) as flag_3,
        cast(null as boolean) as flag_4, cast(null as boolean) as flag_5, cast(null as boolean) as flag_6,
        cast(null as boolean) as flag_7, cast(null as boolean) as flag_8,
        leads, observed_leads, sql_leads, won_leads, won_revenue
    from narrow_groups
    union all
    select * from slot_groups
)

select * from final
