"""The model itself: configuration, the Mesa model and its agents, governance, value.

Pure: a typed config and an integer seed in, arrays out. Nothing here reads files, knows about
Hydra or draws a figure, and nothing here imports the rest of the package.
"""
