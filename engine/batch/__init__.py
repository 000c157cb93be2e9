"""Many reports: checking one input, parallel runs, the cross-report index and the result store."""
