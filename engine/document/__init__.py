"""The document contract: the model's name, its JSON Schemas and their validation."""

MODEL = "ogi-annual-report/1"
