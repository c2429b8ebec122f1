"""信息排摸: outreach lists, prospects, the call list and contacts."""
