"""客户档案: files, contacts, search, duplicates, pool, handover, import/export."""
