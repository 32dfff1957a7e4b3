"""费用: company and personal expenses, approved by the supervisor."""
