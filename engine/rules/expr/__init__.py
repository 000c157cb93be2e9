"""The rule expression language: grammar, type checking against the document schema, compilation."""
