"""Administration: users, departments, settings; the audit log browser."""
