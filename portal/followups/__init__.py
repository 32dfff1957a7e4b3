"""跟进记录 and deals: recording contacts, cadence, the daily work list."""
