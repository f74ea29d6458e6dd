"""Developer tooling, outside the product's apps: demo data, the speed bench and the load test."""
