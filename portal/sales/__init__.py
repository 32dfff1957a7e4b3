"""商机 → 订单 → 回款: opportunities, quotes, products, orders, payments, invoices and receivables."""
