"""The exam's own terms, below the services: the definition, eligibility, honours,
resident IDs, errors and the words a person reads."""
