"""Structural fixes: edits that move, remove or rewrite whole entries instead of changing one value.

One module per kind of edit: :mod:`.move` (a misplaced key to its section), :mod:`.tabs` (tabs in
indentation to spaces), :mod:`.duplicates` (the occurrences of a key loaders drop), :mod:`.legacy` (a
flare:1.0-4.0 job to the ``stackSpec`` layout). Each computes a :class:`~flare_ls.findings.Fix` from the
positioned tree and the document's lines, as minimal text edits (whole lines only where lines move);
the rules attach them to their findings. Every fix here is ``structural``: ``analyze.fix_holds`` also
requires that it brings no new finding.
"""
