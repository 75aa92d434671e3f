"""Rule families, one module each. Every ``Rule`` subclass defined here is found
by ``botolint.rule.all_rules()``."""
