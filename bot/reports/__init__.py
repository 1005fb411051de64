"""The bureau's reports: briefing reach, the unreached, 1131 completion, callbacks, charts, its CLI."""
