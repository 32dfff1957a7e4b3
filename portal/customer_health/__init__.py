"""客户健康度: health scores, churn warnings 流失预警 and care actions 客户关怀 (DESIGN.md "Customer health").

Named so it cannot be confused with portal/health.py, which answers /healthz.
"""
