"""Metrics: every KPI defined once, as parameterised SQL over the warehouse.

Pages, the big screen and exports call these functions; none of them writes SQL.
"""
