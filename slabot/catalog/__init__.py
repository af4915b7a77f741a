"""The service catalogue: services, their objectives and maintenance windows, and the names they go by."""
