"""五寨县人社局 employment-help bot: FAQ answers, postings and policy-briefing reach."""

__version__ = "0.1.0"
