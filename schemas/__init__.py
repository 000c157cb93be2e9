"""The JSON Schemas of nianbao's documents, rule packs and scorecards."""
