"""Each KPI's exact definition, as served by `GET /v1/kpis` and shown in the API document."""

DEFINITIONS = {
    "retention": "Cohort triangle. A customer's cohort is the UTC month of their first purchase; "
    "for each cohort month in the range, `retained[k]` counts its customers with at least one "
    "purchase in the k-th month after it (k = 0 is the cohort month, so retained[0] is the "
    "cohort's size), up to the range's last month; `rates[k]` = retained[k] / size.",
    "repeat-purchase": "Of the customers whose first purchase falls in the range, the share who "
    "have bought again on another UTC day since (at any time).",
    "conversion": "Leads are contacts created (c360.contact.created) before their first "
    "purchase; a lead converts at that purchase. Of the leads created in the range: how many "
    "have converted since, the rate, and the mean whole days from creation to first purchase. A "
    "contact created at or after its first purchase is a customer, not a lead.",
    "acquisition-cost": "Per channel and campaign: marketing spend (c360.marketing.spend) whose "
    "period starts in the range, divided by the customers whose first purchase is in the range "
    "and who came through that channel and campaign (contact.created `acquisition`; without "
    "one, the `source` of the customer's first interaction and no campaign).",
    "satisfaction": "Survey answers given in the range: mean CSAT (1-5), share of CSAT 4-5, and "
    "NPS = % promoters (9-10) - % detractors (0-6) of the NPS answers, per period and overall.",
    "complaints-sla": "Complaints resolved in the range and the share resolved by their SLA "
    "deadline: their own `sla_due_at`, else the default for their severity (critical 4 h, high "
    "24 h, medium 72 h, low 7 days from opening).",
    "churn": "Customers whose probability of being alive (p_alive of c360.analytics.scored) fell "
    "below the threshold (`C360_KPIS_CHURN_BELOW`, default 0.3) on a day in the range; a "
    "customer who recovers and falls again counts again.",
    "clv": "Distribution of the latest predicted 12-month CLV (c360.analytics.scored) of the "
    "customers whose first purchase is in the range's months, in `currency`: bars by value and "
    "the mean.",
    "pareto": "Customers ranked by revenue in `currency` from purchases in the range, largest "
    "first: the share of that revenue brought by the top x % of customers, every 5 %, and the "
    "top 20 %'s share. Refunds are not deducted.",
}
