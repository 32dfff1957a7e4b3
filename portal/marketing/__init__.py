"""Marketing activities 市场活动, their participants, materials, costs and effect; competitors 竞争对手."""
