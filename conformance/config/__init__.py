"""What a run is: its settings from flags, variables and the config file, and what it selects."""
