"""The bureau's workbench: web pages under /admin/ for the bureau, township stations and village liaisons.

accounts (sign-up, login, sessions), security (guards, CSRF, audit), overview (figures), uploads (bounded,
zip-bomb-safe), views_* (one module per page group), templates/ and static/ (every asset served by the bot).
"""
