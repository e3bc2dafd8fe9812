"""Prometheus metrics of the notifier: what ops watch for lag, failures and slowness."""

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

EVENTS_CONSUMED = Counter(
    "c360_notifier_events_consumed_total", "Records read from Kafka", ["topic"]
)
DEAD_LETTERED = Counter(
    "c360_notifier_dead_lettered_total", "Records and notifications dead-lettered", ["kind"]
)
EVENTS_PUBLISHED = Counter(
    "c360_notifier_events_published_total", "Notification outcomes published", ["type"]
)
RULE_EVALUATIONS = Counter(
    "c360_notifier_rule_evaluations_total", "Rules evaluated against an occurrence", ["trigger"]
)
THROTTLED = Counter(
    "c360_notifier_throttled_total", "Notifications not created because of throttling", ["rule"]
)
NOTIFICATIONS = Counter(
    "c360_notifier_notifications_total", "Notifications finished", ["rule", "channel", "status"]
)
ATTEMPTS = Counter(
    "c360_notifier_delivery_attempts_total", "Delivery attempts", ["channel", "result"]
)
DEFERRED = Counter("c360_notifier_deferred_total", "Deliveries deferred by quiet hours", ["rule"])
TIMERS_FIRED = Counter("c360_notifier_timers_fired_total", "Durable timers fired", ["purpose"])
DELIVERY_SECONDS = Histogram(
    "c360_notifier_delivery_seconds", "One delivery attempt", ["channel"], buckets=LATENCY_BUCKETS
)
TRIGGER_TO_DELIVERY = Histogram(
    "c360_notifier_trigger_to_delivery_seconds",
    "From the trigger's time to the provider accepting the notification",
    ["rule"],
    buckets=LATENCY_BUCKETS,
)
BATCH_SECONDS = Histogram(
    "c360_notifier_batch_seconds", "Processing one consumed batch", buckets=LATENCY_BUCKETS
)
