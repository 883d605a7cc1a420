"""Renderers: a Diagnosis as JSON, rich text, or Markdown. They see only the model."""
