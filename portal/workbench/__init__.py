"""我的工作台: the signed-in user's work list."""
