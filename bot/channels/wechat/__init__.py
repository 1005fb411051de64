"""The WeChat Official Account channel (wechatpy) and WeCom group robots: callback, API, pushes, menu."""
