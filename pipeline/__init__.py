"""Night orchestration, configuration, sample data and the command line."""
