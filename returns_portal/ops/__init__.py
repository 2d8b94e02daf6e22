"""Operations: readiness, request ids, JSON logs, Prometheus metrics and Sentry (README, "Running in production").

Kept in the project package rather than in rma/: it looks at every layer (the outbox, the broker, the storage)
and no domain code depends on it.
"""
