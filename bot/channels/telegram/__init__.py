"""The Telegram channel (python-telegram-bot): updates, replies, pushes, limits, webhook, deep links."""
