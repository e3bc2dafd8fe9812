"""What ops watch on the interactions service (exported on `/metrics`)."""

from prometheus_client import Counter, Histogram

ACCEPTED = Counter(
    "c360_interactions_accepted_total", "Events published to c360.interactions", ["via", "type"]
)
REPLAYED = Counter(
    "c360_interactions_replayed_total", "Retries answered from the stored receipt", ["via"]
)
REJECTED = Counter(
    "c360_interactions_rejected_total", "Events refused for good, by reason", ["via", "kind"]
)
UNAVAILABLE = Counter(
    "c360_interactions_unavailable_total", "Events not accepted because of an outage", ["via"]
)
INGRESS_CONSUMED = Counter("c360_interactions_ingress_consumed_total", "Ingress records read")
STAGE_SECONDS = Histogram(
    "c360_interactions_stage_seconds",
    "Time of one ingestion call spent in each stage (claim ids, resolve customers, publish)",
    ["stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CLAIM_WAITS = Counter(
    "c360_interactions_claim_waits_total", "Copies that waited for a concurrent ingestion"
)
TAKEOVERS = Counter(
    "c360_interactions_claim_takeovers_total", "Claims of dead ingestions taken over"
)
