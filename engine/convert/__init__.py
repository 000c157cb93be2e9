"""Stage 1: report bytes (text, HTML, DOCX, PDF) → a document in the national template's model.

`engine.convert.pipeline.convert` is the entry point; the other modules are its steps.
"""
