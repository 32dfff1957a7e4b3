"""跟进记录: recording contacts, cadence, the daily work list (deals became orders: portal.sales)."""
