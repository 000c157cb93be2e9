"""The document contract: the model's name, its JSON Schemas and their validation."""

MODEL = "ogi-annual-report/1"

# Conversion notes that mean a value could not be read from the report (docs/document-model.md):
# a null cell under one of these notes' pointers is unread, not blank, and is never read as 0.
UNREAD_CODES = frozenset({
    "row_not_found", "cells_unreadable", "cell_unreadable", "cells_count_mismatch", "cells_ambiguous",
    "values_unlabelled", "table_not_found", "table_empty", "template_undecided", "template_obsolete",
})
