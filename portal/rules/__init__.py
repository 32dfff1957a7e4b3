"""Business rules as plain functions: dates and values in, dates and values out (no Flask, no DB)."""
