"""考核: periodic KPI review on the web, as PDF and as Excel."""
