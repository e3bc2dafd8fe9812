"""Prometheus metrics of the projection: what ops watch for lag, errors and slowness."""

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

EVENTS_CONSUMED = Counter(
    "c360_projection_events_consumed_total", "Records read from Kafka", ["topic"]
)
EVENTS_APPLIED = Counter(
    "c360_projection_events_applied_total", "Events folded into a view", ["topic"]
)
DUPLICATES = Counter(
    "c360_projection_duplicates_total", "Records skipped: the same event id was already folded in"
)
CONFLICTS = Counter(
    "c360_projection_version_conflicts_total", "Guarded view writes that lost a race and retried"
)
STORE_RETRIES = Counter(
    "c360_projection_store_retries_total", "Writes redone after the store said it was busy"
)
BATCH_SECONDS = Histogram(
    "c360_projection_batch_seconds",
    "Folding and writing one consumed batch",
    buckets=LATENCY_BUCKETS,
)
EVENT_AGE = Histogram(
    "c360_projection_event_age_seconds",
    "From the record's Kafka timestamp (accepted) to its view being written (freshness)",
    buckets=LATENCY_BUCKETS,
)
CACHE_READS = Counter(
    "c360_projection_cache_reads_total",
    "View reads of the query API, answered from its near cache (hit) or the store (miss)",
    ["result"],
)
IDENTITY_CACHE_READS = Counter(
    "c360_projection_identity_cache_reads_total",
    "Identifier resolutions of a lookup, answered from the near cache (hit) or the store (miss)",
    ["result"],
)
SEGMENT_CHANGES = Counter(
    "c360_segment_changes_total", "Customers entering or leaving a segment", ["direction"]
)
SEGMENT_EVALUATION_SECONDS = Histogram(
    "c360_segment_evaluation_seconds",
    "Evaluating every segment on one changed view",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025),
)
BACKFILL_VIEWS = Counter(
    "c360_segment_backfill_views_total", "Views a segment back-fill has evaluated", ["segment"]
)
OWNED_STATE_READS = Counter(
    "c360_projection_owned_state_reads_total",
    "States a batch needed: `memory` (owned, kept since the last write) or `store` (read)",
    ["source"],
)
