-- Pantau KPI oracle: the whole catalogue of shared/spec/kpis.md in plain DuckDB SQL, written
-- from the spec alone (independently of src/pantau/metrics) to check the engine against.
--
-- Parameters (named, DuckDB prepared statement):
--   $grain  'month' | 'quarter'
--   $by     'none' | 'rep' | 'team' | 'region' | 'source' | 'product' | 'segment'
--   $start  DATE: first day of the first period wanted (aligned to the grain)
--   $end    DATE: first day after the last period wanted (aligned to the grain)
-- Output: one row per (period, key): period label, period_start, key (NULL for by = 'none' and
-- for the null group), then one column per KPI id.
--
-- Periods are cut on the x_local columns, durations are differences of the UTC columns (exact,
-- in microseconds). Readings of the spec this query had to choose (Rn marks them below):
--  R1  by = 'none' follows the issue's public JSON contract like every breakdown: a period has
--      a row only when some record is behind a requested KPI in it (decided by the lead; an
--      empty month is absent, not a row of zeros).
--  R2  "a record behind an applicable KPI" = a lead; a done activity; a won or lost opportunity
--      with closed_at; an order line that counts (order basis) / a won opportunity with
--      closed_at (deal basis; already a closed opportunity); a sales_costs row; a
--      collateral_usage row of an item available in that period. Planned activities, open
--      opportunities, cancelled lines and uses of unavailable items count in no KPI, so they
--      list no group.
--  R3  Order-line "list price > 0" is the line's unit list price: line_list_amount / quantity
--      when the line gave one (so a return, with negative quantity and list amount, is kept),
--      else the product's list_price. A zero-quantity line adds 0 either way.
--  R4  "No first-contact information at all": no lead has first_contact_at and no done activity
--      has a non-null lead_id (whether or not that lead id is known).
--  R5  Cost rows: team = the rep's team when the rep_id is a known rep (even if that team is
--      null), else the row's own team column; region = the known rep's region, else null.
--      Rep breakdown uses sales_costs.rep_id as given (an unknown rep id is still a rep).
--  R6  Collateral: any usage row counts as a use, whatever its action.
--  R7  Stage names match on lower() (ids/names are trimmed at import); a name missing from the
--      loaded stages is open.
--  R8  Deal-basis repeat purchase history = won opportunities with a closed_at before the
--      period start (an undated won deal is in no period, so it is not "before" either).
--  R9  cost_of_sales_ratio of a group with sales_volume 0 is null (denominator 0), even if the
--      group has costs.
--  R10 A lead's own status matching is case-insensitive; activity status NULL = done; order-line
--      status NULL = confirmed.
--  R11 Repeat customers: "before the period started" = before the first day of the period of
--      the grain asked for (a customer first buying in January is new in Q1, repeat in March).
WITH
cfg AS (
    SELECT
        EXISTS (SELECT 1 FROM order_lines) AS order_basis,
        EXISTS (SELECT 1 FROM stages) AS has_stages,
        -- R4
        (EXISTS (SELECT 1 FROM leads WHERE first_contact_at IS NOT NULL)
            OR EXISTS (
                SELECT 1 FROM activities
                WHERE lead_id IS NOT NULL AND coalesce(lower(status), 'done') = 'done'
            )) AS has_contact_info,
        coalesce(
            (SELECT lower(trim(value)) FROM settings WHERE key = 'key_activity_type'), 'meeting'
        ) AS key_type
),
flags AS (
    SELECT
        $by IN ('none', 'rep', 'team', 'region', 'source') AS lead_ok,
        $by IN ('none', 'rep', 'team', 'region') AS act_ok,
        -- sales KPIs apply to source only on the deal basis
        ($by <> 'source' OR NOT cfg.order_basis) AS sales_ok,
        $by IN ('none', 'rep', 'team', 'region') AS cost_ok,
        $by IN ('none', 'rep', 'team', 'region') AS coll_ok,
        cfg.*
    FROM cfg
),
periods AS (
    SELECT DISTINCT CAST(date_trunc($grain, m) AS DATE) AS p
    FROM range(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP), INTERVAL 1 MONTH) AS t(m)
),
period_bounds AS (
    SELECT
        p,
        CAST(p + CASE WHEN $grain = 'month' THEN INTERVAL 1 MONTH ELSE INTERVAL 3 MONTH END
            AS DATE) AS p_next
    FROM periods
),

-- Group 1: leads ---------------------------------------------------------------------------------
activity_contact AS (
    SELECT lead_id, min(occurred_at) AS contact_at
    FROM activities
    WHERE lead_id IS NOT NULL AND coalesce(lower(status), 'done') = 'done'
    GROUP BY lead_id
),
opportunity_leads AS (
    SELECT DISTINCT lead_id FROM opportunities WHERE lead_id IS NOT NULL
),
lead_f AS (
    SELECT
        CAST(date_trunc($grain, l.created_at_local) AS DATE) AS p,
        CASE $by
            WHEN 'rep' THEN l.rep_id WHEN 'team' THEN r.team WHEN 'region' THEN r.region
            WHEN 'source' THEN l.source
        END AS k,
        -- durations on the UTC instants, in exact microseconds; contact before creation -> 0
        CASE
            WHEN least(l.first_contact_at, ac.contact_at) < l.created_at THEN 0.0
            ELSE (epoch_us(least(l.first_contact_at, ac.contact_at)) - epoch_us(l.created_at))
                / 60e6
        END AS response_min,
        (l.qualified_at IS NOT NULL
            OR coalesce(lower(l.status) IN ('qualified', 'converted'), false)
            OR ol.lead_id IS NOT NULL) AS qualified
    FROM leads AS l
    LEFT JOIN reps AS r ON r.rep_id = l.rep_id
    LEFT JOIN activity_contact AS ac ON ac.lead_id = l.lead_id
    LEFT JOIN opportunity_leads AS ol ON ol.lead_id = l.lead_id
    WHERE l.created_at_local >= $start AND l.created_at_local < $end
),
lead_a AS (
    SELECT
        p, k,
        count(*) AS leads,
        count(*) FILTER (WHERE response_min <= 60) AS within_hour,  -- exactly 60 is within
        median(response_min) AS response_median,
        count(*) FILTER (WHERE qualified) AS qualified
    FROM lead_f
    GROUP BY p, k
),
act_a AS (
    SELECT
        CAST(date_trunc($grain, a.occurred_at_local) AS DATE) AS p,
        CASE $by WHEN 'rep' THEN a.rep_id WHEN 'team' THEN r.team WHEN 'region' THEN r.region END
            AS k,
        count(*) AS activities,
        count(*) FILTER (WHERE lower(a.type) = (SELECT key_type FROM cfg)) AS key_activities
    FROM activities AS a
    LEFT JOIN reps AS r ON r.rep_id = a.rep_id
    WHERE coalesce(lower(a.status), 'done') = 'done'
        AND a.occurred_at_local >= $start AND a.occurred_at_local < $end
    GROUP BY ALL
),

-- Opportunities ----------------------------------------------------------------------------------
stage_kind AS (
    -- R7; min() only guards against two loaded stages differing in case alone
    SELECT lower(stage) AS stage, min(lower(kind)) AS kind FROM stages GROUP BY 1
),
opp_kind AS (
    SELECT
        o.*,
        CASE
            WHEN (SELECT has_stages FROM cfg) THEN coalesce(sk.kind, 'open')
            WHEN lower(o.stage) IN ('won', 'closed won', 'menang') THEN 'won'
            WHEN lower(o.stage) IN ('lost', 'closed lost', 'kalah') THEN 'lost'
            ELSE 'open'
        END AS kind
    FROM opportunities AS o
    LEFT JOIN stage_kind AS sk ON sk.stage = lower(o.stage)
),
-- won and lost opportunities with a closed_at (all history: deal-basis repeat needs it)
opp_f AS (
    SELECT
        CAST(date_trunc($grain, o.closed_at_local) AS DATE) AS p,
        o.closed_at_local AS t_local,
        CASE $by
            WHEN 'rep' THEN o.rep_id WHEN 'team' THEN r.team WHEN 'region' THEN r.region
            WHEN 'source' THEN ld.source WHEN 'product' THEN o.product_id
            WHEN 'segment' THEN c.segment
        END AS k,
        o.kind = 'won' AS won,
        o.customer_id,
        o.amount,
        o.quoted_amount,
        (epoch_us(o.closed_at) - epoch_us(o.created_at)) / 86400e6 AS cycle_days,
        pr.unit_cost * coalesce(o.quantity, 1) AS cost,
        coalesce(o.list_amount, pr.list_price * coalesce(o.quantity, 1)) AS list_amount
    FROM opp_kind AS o
    LEFT JOIN reps AS r ON r.rep_id = o.rep_id
    LEFT JOIN leads AS ld ON ld.lead_id = o.lead_id
    LEFT JOIN customers AS c ON c.customer_id = o.customer_id
    LEFT JOIN products AS pr ON pr.product_id = o.product_id
    WHERE o.kind IN ('won', 'lost') AND o.closed_at IS NOT NULL
),
opp_a AS (
    SELECT
        p, k,
        count(*) AS closed,
        count(*) FILTER (WHERE won) AS won,
        sum(amount) FILTER (WHERE won AND amount IS NOT NULL AND quoted_amount > 0) AS held_num,
        sum(quoted_amount) FILTER (WHERE won AND amount IS NOT NULL AND quoted_amount > 0)
            AS held_den,
        sum(amount) FILTER (WHERE won AND amount IS NOT NULL) AS won_amount,
        count(*) FILTER (WHERE won AND amount IS NOT NULL) AS won_with_amount,
        median(cycle_days) FILTER (WHERE won) AS cycle_median  -- negative cycles stay in
    FROM opp_f
    WHERE t_local >= $start AND t_local < $end
    GROUP BY p, k
),

-- Sales (order basis or deal basis) -----------------------------------------------------------
line_f AS (
    SELECT
        CAST(date_trunc($grain, ol.order_date_local) AS DATE) AS p,
        ol.order_date_local AS t_local,
        CASE $by
            WHEN 'rep' THEN coalesce(ol.rep_id, o.rep_id) WHEN 'team' THEN r.team
            WHEN 'region' THEN r.region WHEN 'product' THEN ol.product_id
            WHEN 'segment' THEN c.segment
        END AS k,
        ol.customer_id,
        ol.quantity > 0 AS purchase,
        ol.net_amount AS net,
        coalesce(ol.line_cost_amount, ol.quantity * pr.unit_cost) AS cost,
        coalesce(ol.line_list_amount, ol.quantity * pr.list_price) AS list_amount,
        -- R3
        coalesce(
            CASE
                WHEN ol.line_list_amount IS NULL THEN pr.list_price
                WHEN ol.quantity <> 0 THEN ol.line_list_amount / ol.quantity
                ELSE ol.unit_list_price
            END > 0,
            false
        ) AS list_ok
    FROM order_lines AS ol
    LEFT JOIN opportunities AS o ON o.opportunity_id = ol.opportunity_id
    LEFT JOIN reps AS r ON r.rep_id = coalesce(ol.rep_id, o.rep_id)
    LEFT JOIN customers AS c ON c.customer_id = ol.customer_id
    LEFT JOIN products AS pr ON pr.product_id = ol.product_id
    WHERE coalesce(lower(ol.status), 'confirmed') <> 'cancelled'
        AND (SELECT order_basis FROM cfg)
),
deal_f AS (
    SELECT
        p, t_local, k, customer_id,
        true AS purchase,
        amount AS net,  -- NULL (won without amount): out of every amount sum
        cost,
        list_amount,
        coalesce(list_amount > 0, false) AS list_ok
    FROM opp_f
    WHERE won AND NOT (SELECT order_basis FROM cfg)
),
sale_f AS (
    SELECT * FROM line_f
    UNION ALL
    SELECT * FROM deal_f
),
first_purchase AS (
    -- all history, from anyone: the customer's first purchase (plain scans, no joins needed)
    SELECT customer_id, min(t_local) AS first_at
    FROM (
        SELECT customer_id, order_date_local AS t_local
        FROM order_lines
        WHERE coalesce(lower(status), 'confirmed') <> 'cancelled' AND quantity > 0
        UNION ALL
        SELECT customer_id, closed_at_local  -- R8
        FROM opp_kind
        WHERE kind = 'won' AND closed_at IS NOT NULL AND NOT (SELECT order_basis FROM cfg)
    )
    WHERE customer_id IS NOT NULL
    GROUP BY customer_id
),
-- per (period, key, customer) first, so that buyers are counted without count(DISTINCT)
sale_c AS (
    SELECT
        p, k, customer_id,
        sum(net) AS net,
        sum(net) FILTER (WHERE cost IS NOT NULL) AS gm_net,
        sum(cost) FILTER (WHERE cost IS NOT NULL AND net IS NOT NULL) AS gm_cost,
        sum(net) FILTER (WHERE list_ok) AS pr_net,
        sum(list_amount) FILTER (WHERE list_ok AND net IS NOT NULL) AS pr_list,
        bool_or(purchase) AS bought
    FROM sale_f
    WHERE t_local >= $start AND t_local < $end
    GROUP BY p, k, customer_id
),
sale_a AS (
    SELECT
        s.p, s.k,
        coalesce(sum(s.net), 0) AS volume,
        sum(s.gm_net) AS gm_net,
        sum(s.gm_cost) AS gm_cost,
        sum(s.pr_net) AS pr_net,
        sum(s.pr_list) AS pr_list,
        -- count(customer_id): records without a customer are left out
        count(s.customer_id) FILTER (WHERE s.bought) AS buyers,
        -- R11
        count(s.customer_id) FILTER (WHERE s.bought AND fp.first_at < s.p) AS repeat_buyers
    FROM sale_c AS s
    LEFT JOIN first_purchase AS fp ON fp.customer_id = s.customer_id
    GROUP BY s.p, s.k
),

-- Group 3: costs and collateral --------------------------------------------------------------
cost_f AS (
    SELECT
        CAST(date_trunc($grain, sc.month_start) AS DATE) AS p,
        CASE $by
            WHEN 'rep' THEN sc.rep_id
            WHEN 'team' THEN CASE WHEN r.rep_id IS NULL THEN sc.team ELSE r.team END  -- R5
            WHEN 'region' THEN r.region
        END AS k,
        sc.amount
    FROM sales_costs AS sc
    LEFT JOIN reps AS r ON r.rep_id = sc.rep_id
    WHERE sc.month_start >= $start AND sc.month_start < $end
),
cost_a AS (SELECT p, k, sum(amount) AS costs FROM cost_f GROUP BY p, k),
cost_periods AS (SELECT DISTINCT p FROM cost_f),
available AS (
    SELECT pb.p, c.collateral_id
    FROM period_bounds AS pb
    JOIN collateral AS c
        ON (c.published_at_local IS NULL OR c.published_at_local < pb.p_next)
        AND (c.retired_at_local IS NULL OR c.retired_at_local >= pb.p)
),
available_n AS (SELECT p, count(DISTINCT collateral_id) AS n FROM available GROUP BY p),
use_f AS (
    SELECT
        CAST(date_trunc($grain, u.used_at_local) AS DATE) AS p,
        CASE $by WHEN 'rep' THEN u.rep_id WHEN 'team' THEN r.team WHEN 'region' THEN r.region END
            AS k,
        u.collateral_id
    FROM collateral_usage AS u
    LEFT JOIN reps AS r ON r.rep_id = u.rep_id
    WHERE u.used_at_local >= $start AND u.used_at_local < $end
),
use_a AS (
    SELECT
        uf.p, uf.k,
        count(DISTINCT av.collateral_id) AS used  -- only items available in the period
    FROM use_f AS uf
    LEFT JOIN available AS av ON av.p = uf.p AND av.collateral_id = uf.collateral_id
    GROUP BY uf.p, uf.k
),

-- Groups (R1, R2) and the result ---------------------------------------------------------------
groups AS (
    SELECT p, k FROM lead_a WHERE (SELECT lead_ok FROM flags)
    UNION SELECT p, k FROM act_a WHERE (SELECT act_ok FROM flags)
    UNION SELECT p, k FROM opp_a
    UNION SELECT p, k FROM sale_a WHERE (SELECT sales_ok FROM flags)
    UNION SELECT p, k FROM cost_a WHERE (SELECT cost_ok FROM flags)
    UNION SELECT p, k FROM use_a WHERE (SELECT coll_ok FROM flags) AND used > 0
)
SELECT
    CASE
        WHEN $grain = 'month' THEN strftime(g.p, '%Y-%m')
        ELSE CAST(year(g.p) AS VARCHAR) || '-Q' || CAST(quarter(g.p) AS VARCHAR)
    END AS period,
    g.p AS period_start,
    g.k AS key,
    CASE WHEN f.lead_ok THEN coalesce(la.leads, 0) END AS leads,
    CASE WHEN f.lead_ok AND f.has_contact_info THEN la.within_hour / nullif(la.leads, 0) END
        AS speed_to_lead,
    CASE WHEN f.lead_ok AND f.has_contact_info THEN la.response_median END
        AS response_time_median_min,
    CASE WHEN f.act_ok THEN coalesce(aa.activities, 0) END AS activities,
    CASE WHEN f.act_ok THEN coalesce(aa.key_activities, 0) END AS key_activities,
    CASE WHEN f.lead_ok THEN la.qualified / nullif(la.leads, 0) END AS qualified_rate,
    oa.won / nullif(oa.closed, 0) AS win_rate,
    CASE WHEN f.sales_ok THEN coalesce(sa.volume, 0) END AS sales_volume,
    CASE WHEN f.sales_ok THEN (sa.gm_net - sa.gm_cost) / nullif(sa.gm_net, 0) END
        AS gross_margin,
    CASE WHEN f.sales_ok THEN sa.pr_net / nullif(sa.pr_list, 0) END AS price_realization,
    CASE WHEN f.sales_ok THEN 1 - sa.pr_net / nullif(sa.pr_list, 0) END AS discount_rate,
    oa.held_num / nullif(oa.held_den, 0) AS deal_value_held,
    oa.won_amount / nullif(oa.won_with_amount, 0) AS avg_deal_size,
    oa.cycle_median AS sales_cycle_days,
    CASE WHEN f.sales_ok THEN sa.repeat_buyers / nullif(sa.buyers, 0) END
        AS repeat_customer_rate,
    -- null for a period without any cost row; 0 costs for a group without any (R9)
    CASE WHEN f.cost_ok AND cp.p IS NOT NULL
        THEN coalesce(ca.costs, 0) / nullif(coalesce(sa.volume, 0), 0)
    END AS cost_of_sales_ratio,
    CASE WHEN f.coll_ok THEN coalesce(ua.used, 0) / nullif(an.n, 0) END
        AS collateral_usage_rate
FROM groups AS g
CROSS JOIN flags AS f
LEFT JOIN lead_a AS la ON la.p = g.p AND la.k IS NOT DISTINCT FROM g.k
LEFT JOIN act_a AS aa ON aa.p = g.p AND aa.k IS NOT DISTINCT FROM g.k
LEFT JOIN opp_a AS oa ON oa.p = g.p AND oa.k IS NOT DISTINCT FROM g.k
LEFT JOIN sale_a AS sa ON sa.p = g.p AND sa.k IS NOT DISTINCT FROM g.k
LEFT JOIN cost_a AS ca ON ca.p = g.p AND ca.k IS NOT DISTINCT FROM g.k
LEFT JOIN cost_periods AS cp ON cp.p = g.p
LEFT JOIN use_a AS ua ON ua.p = g.p AND ua.k IS NOT DISTINCT FROM g.k
LEFT JOIN available_n AS an ON an.p = g.p
ORDER BY g.p, g.k NULLS FIRST
