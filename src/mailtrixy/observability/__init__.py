"""What operators see: log lines that carry ids and no secrets (`logs`, `context`).

Metrics live in `mailtrixy.metrics`, health and readiness in `mailtrixy.health`.
"""
