"""回访: questionnaires, plans, tasks and records."""
