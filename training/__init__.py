"""Trainers of the sentiment models in feedback/analysis/data/, and the data they read.

Not part of the service: run in a venv with the `train` extra (`make train-en`,
`make train-zh`); see docs/analysis.md.
"""
