"""Sharing: event posters for WeChat Moments, share-card meta data, the CJK font the app draws with."""
