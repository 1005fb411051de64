"""Job and odd-job postings: extraction from pasted notices, drafts, dates, rendering, delivery, its CLI."""
