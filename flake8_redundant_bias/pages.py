"""A rule's page, written from the catalogue: for ``redundant-bias explain``, SARIF and ``docs/rules/``.

What the rule reports, why (the measured facts), a wrong and a right example,
whether and how the command fixes it, and how to silence it: one source, so
the terminal and the docs say the same.  A page states its facts itself: the
installed package ships no tests and no README to point to.
"""

from __future__ import annotations

import textwrap

from .rules import CODES, Code

WIDTH = 88  # the terminal page's paragraphs, filled

FIX_SAFETY = (
    "`redundant-bias check --fix --unsafe-fixes` switches the bias off ({keyword}) where its value is decided and "
    "the change touches this layer alone: the call itself (the keyword absent, a literal `True`, a positional "
    "argument), the enclosing function's own parameter when every value it takes is a literal `True`, or the call "
    "of a project helper that hands the bias on. The fix is unsafe: a checkpoint saved with the bias has a key the "
    "fixed model no longer has, and `load_state_dict(strict=True)` refuses it. To keep a trained checkpoint, drop "
    "the layer's `bias` key and, before a BatchNorm, subtract that bias from the norm's `running_mean`: the fixed "
    "model then computes exactly what the old one did, in training and in eval mode. {flagged} A bias switched on "
    "by a "
    "config value, a module constant or a helper that takes no bias argument is reported without a fix; the "
    "message says where the bias lives. So is a layer of a block whose bias parameter also switches layers no "
    "norm follows (a squeeze-excite block handing `bias` to both of its convolutions): the message asks for a "
    "switch for this layer alone, as turning the shared one off would also remove a bias that is not wasted."
)
READERS = (
    " So is a layer whose bias an initializer of its class reads without checking for None (`m.bias.data.zero_()` "
    "over the model's modules, in one of its methods, a function it hands itself to or one it applies): the fix "
    "would make that code fail, and the message names it."
)
FLAGGED = (
    "A norm built or applied only where a flag holds (`if use_bn:`, `nn.BatchNorm2d(c) if bn else None`) is "
    "reported for the path the flag's default or a call takes, and the fix passes a switch that follows the flag "
    "(`{switch}=not use_bn`, `{switch}=norm_layer is None`), which the other path keeps."
)
FLAGGED_FUNCTIONAL = (
    "A norm applied only where a flag holds is reported for the path the flag's default or a call takes, without "
    "a fix: the bias is a tensor, to pass as None on that path."
)
NO_FIX = (
    "No automatic fix: which parameters to exempt is a decision about the model. "
    "`redundant-bias check --show-fixes` prints the code to use (the right example above) after the findings."
)
SILENCE = (
    "`# noqa: {code}` on any line of the reported call, or on the line where its statement ends (where a "
    "formatter moves a trailing comment); `--ignore {code}` (`ignore = [\"{code}\"]` in `[tool.redundant-bias]`, "
    "`extend-ignore = {code}` in flake8's configuration, which the command reads too), or `per-file-ignores`."
)
KEYWORDS = {"RB101": "`bias=False`", "RB102": "`bias=None`", "RB103": "`use_bias=False`", "RB104": "`use_bias=False`"}


def sections(code: Code) -> list[tuple[str, str]]:
    """The page's parts, (heading, body); a body in backticks is code."""
    keyword = KEYWORDS.get(code.code, "")
    switch = keyword.strip("`").partition("=")[0]
    flagged = FLAGGED_FUNCTIONAL if code.code == "RB102" else FLAGGED.format(switch=switch)
    fix = FIX_SAFETY.format(keyword=keyword, flagged=flagged) + (READERS if code.code == "RB101" else "") if (
        code.fix is not None) else NO_FIX
    return [
        ("What it reports", code.summary[0].upper() + code.summary[1:] + "."),
        ("Why", code.why),
        ("Reported", f"```python\n{code.wrong.rstrip()}\n```"),
        ("Right", f"```python\n{code.right.rstrip()}\n```"),
        ("Fix", fix),
        ("Silence it", SILENCE.format(code=code.code)),
    ]


def text_page(code: Code) -> str:
    """For the terminal: headings underlined, code indented."""
    title = textwrap.fill(f"{code.code}: {code.summary}", WIDTH, break_on_hyphens=False)
    parts = [title, "=" * max(map(len, title.split("\n")))]
    for heading, body in sections(code):
        parts += ["", heading, "-" * len(heading)]
        if body.startswith("```"):
            parts += ["    " + line if line else "" for line in body.split("\n")[1:-1]]
        else:
            parts.append(textwrap.fill(body.replace("`", ""), WIDTH, break_on_hyphens=False))  # keep redundant-bias whole
    return "\n".join(parts) + "\n"


def markdown_page(code: Code, level: int = 1) -> str:
    """For the docs and SARIF: the heading says what it reports; each part a paragraph led by its name."""
    parts = [f"{'#' * level} {code.code}: {code.summary}"]
    for heading, body in sections(code)[1:]:
        parts += ["", f"**{heading}:**\n\n{body}" if body.startswith("```") else f"**{heading}.** {body}"]
    return "\n".join(parts) + "\n"


def lookup(name: str) -> Code | None:
    return CODES.get(name.strip().upper())
