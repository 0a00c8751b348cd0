"""Browser conformance suite: real headless Chromium is the judge of what cors-doctor predicts."""
