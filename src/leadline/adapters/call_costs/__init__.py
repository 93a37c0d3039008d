"""Call-cost ingress (seed 003): TLDialer-compatible billable calls."""
