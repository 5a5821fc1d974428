"""All SQL lives here: migrations and the functions that read and write them."""
