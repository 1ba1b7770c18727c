"""Great Expectations gates on raw batches and marts."""
