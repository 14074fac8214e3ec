"""The validator engine: parse each file once, run every validator on the shared tree."""
