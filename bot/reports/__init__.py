"""Reports: progress to the deadline, the report page, posters, school drives."""
