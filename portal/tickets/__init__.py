"""投诉工单: intake, dispatch, SLA, resolution and the closing revisit."""
