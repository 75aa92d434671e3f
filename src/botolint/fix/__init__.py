"""``botolint fix``: rewrite functions that use boto3's default session to take
an optional session (see README, "Fix"). ``plan`` decides, ``propagate``
passes sessions along, ``rewrite`` applies the plan, ``run`` drives a run.

Nothing is imported here: ``botolint check`` loads the CLI, and the rewrite
machinery (libcst.codemod, matchers) costs a quarter of a second to import."""
