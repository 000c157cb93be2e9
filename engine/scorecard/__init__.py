"""Stage 4: rule results → scorecard entries, scores and grades."""
