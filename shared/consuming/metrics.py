"""Prometheus metrics of every consumer, labelled by the consumer's name."""

from prometheus_client import Counter, Gauge, Histogram

LAG = Gauge(
    "c360_consumer_lag_records",
    "Records not yet committed, per partition (updated while a batch runs)",
    ["consumer", "topic", "partition"],
)
COMMITTED_RECORDS = Counter(
    "c360_consumer_committed_records_total", "Records done and committed", ["consumer", "topic"]
)
LAST_PROGRESS = Gauge(
    "c360_consumer_last_progress_timestamp_seconds",
    "When the consumer last committed, or last had nothing to do",
    ["consumer"],
)
BATCHES = Counter(
    "c360_consumer_batches_total",
    "Batch attempts by outcome: done, retried, isolated, dependency_down, deadletter_down",
    ["consumer", "outcome"],
)
BATCH_SECONDS = Histogram(
    "c360_consumer_batch_seconds",
    "Handling one batch, retries and isolation included",
    ["consumer"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
DEAD_LETTERS = Counter(
    "c360_consumer_dead_letters_total",
    "Records sent to a dead-letter topic",
    ["consumer", "reason"],
)
READY = Gauge("c360_consumer_ready", "1 while the consumer is ready", ["consumer"])
ASSIGNED_PARTITIONS = Gauge(
    "c360_consumer_assigned_partitions", "Partitions this member owns", ["consumer"]
)
