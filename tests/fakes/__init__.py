"""Fakes of the platforms at their edge, and roster data, shared by the tests."""
