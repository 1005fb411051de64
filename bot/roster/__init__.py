"""The laborers' roster: ledger import and reading, binding chat accounts, staff scope, XLSX sheets, its CLI."""
