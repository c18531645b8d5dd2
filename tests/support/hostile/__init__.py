"""The hostile-input suite's world, crawler, payloads and findings (tests/hostile/)."""
