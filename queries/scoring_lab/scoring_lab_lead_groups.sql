-- The scoring lab's pre-aggregate: leads created in the range, grouped by creation month and
-- by the combination of the scoring attributes the lab needs, with their observed outcomes.
-- Re-scoring these groups with any rule set gives exactly the scores of the leads in them,
-- because every lead of a group has the same value (or bin) for every attribute a rule reads.
-- Grain: one row per creation month x combination of the kept attributes.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment VARCHAR (NULL = all),
--   $keep_<attribute> BOOLEAN for each scoring attribute: false leaves it NULL so it does not
--     split groups (the lab keeps only the attributes some rule reads, plus demo requests),
--   $company_size_bounds, $pricing_page_views_bounds, $content_downloads_bounds INTEGER[]:
--     ascending lower bounds of the bins of each numeric attribute. A value falls in the bin of
--     the largest bound not above it and is replaced by that bound; the caller includes every
--     rule threshold v as v and v + 1 (and a floor below every value), so a comparison with any
--     threshold gives the same answer for the bin as for each value in it.
-- A missing attribute value stays NULL (it joins no bin), as it is in the extract.
-- Outcomes: a lead is observed when it was handed off (mql_at), accepted (sql_at) or has a deal;
-- leads never handed off have no sales outcome. Won revenue sums the lead's won deals.
with filtered_leads as (
    select
        lead_id, created_at, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested, mql_at, sql_at
    from leads
    where created_at >= $start
        and created_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
),

lead_deals as (
    select
        lead_id,
        count(*) as deals,
        count(case when status = 'won' then 1 end) as won_deals,
        sum(case when status = 'won' then amount end) as won_amount
    from deals
    where lead_id is not null
    group by lead_id
),

company_size_bounds as (
    select unnest($company_size_bounds) as lower_bound
),

company_size_bins as (
    select distinct_values.value, max(company_size_bounds.lower_bound) as bin_value
    from (select distinct company_size as value from filtered_leads) as distinct_values
    left join company_size_bounds on company_size_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

pricing_page_views_bounds as (
    select unnest($pricing_page_views_bounds) as lower_bound
),

pricing_page_views_bins as (
    select distinct_values.value, max(pricing_page_views_bounds.lower_bound) as bin_value
    from (select distinct pricing_page_views as value from filtered_leads) as distinct_values
    left join pricing_page_views_bounds on pricing_page_views_bounds.lower_bound <= distinct_values.value
    group by distinct_values.value
),

content_downloads_bounds as (
    select unnest($content_downloads_bounds) as lower_bound
),

content_downloads_bins as (
    select distinct_values.value, max(content_downloads_bounds.lower_bound) as bin_value
    from (select distinct content_downloads as value from filtered_leads) as distinct_values
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
        filtered_leads.mql_at is not null
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

final as (
    select
        month_start,
        channel,
        segment,
        region,
        company_size,
        industry,
        job_level,
        pricing_page_views,
        content_downloads,
        webinar_attended,
        demo_requested,
        count(*) as leads,
        count(case when is_observed then 1 end) as observed_leads,
        count(case when is_sql then 1 end) as sql_leads,
        count(case when is_won then 1 end) as won_leads,
        sum(won_amount) as won_revenue
    from lead_outcomes
    group by
        month_start, channel, segment, region, company_size, industry, job_level,
        pricing_page_views, content_downloads, webinar_attended, demo_requested
)

select * from final
