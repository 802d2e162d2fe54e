"""A report's deviations from the article in words: the stack's own (its templates in stacks.json, filled
from the results file) and each one judge found (judge/deviations.py)."""

from __future__ import annotations

from collections.abc import Mapping

from ..judge import findings as found
from ..judge.claims import Article
from ..judge.findings import Analysis, Deviation
from ..judge.record import Record
from ..registry import FRAMEWORK_FACTS, STACK_FACTS
from ..settings import ADAM_EPSILON
from .formats import runs_text
from .markdown import escape


class Unknown(dict):
    """A template's fields: a package the run did not record reads '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def framework_versions(packages: dict[str, str]) -> dict[str, str]:
    """Each framework's version by its key, naming the wheel when it is not the framework's own name
    (TensorFlow's CPU-only tensorflow-cpu)."""
    versions = {}
    for key, facts in FRAMEWORK_FACTS.items():
        recorded = facts.version(packages)
        if recorded:
            version, wheel = recorded
            versions[key] = escape(version) + ("" if wheel == facts.packages[0] else f" (the {wheel} wheel)")
    return versions


def deviation_lines(record: Record, analysis: Analysis, article: Article) -> list[str]:
    """What the stack always differs by (its templates in stacks.json), then each deviation judge found."""
    return stack_deviations(record, article) + [
        deviation_text(d, record.settings.stack, article) for d in analysis.deviations
    ]


def stack_deviations(record: Record, article: Article) -> list[str]:
    """The stack's own deviations, its templates filled from the record (foreign values escaped)."""
    s, stack = record.settings.values, STACK_FACTS[record.settings.stack]
    plain = first_layer(record, "LSTM", "GRU")
    fields = Unknown({name.replace("-", "_"): escape(version) for name, version in record.packages.items()})
    fields |= {key: escape(str(s[key])) for key in stack.recorded_settings if key in s}
    fields |= framework_versions(record.packages) | {
        "optimizer": escape(first_layer(record, *record.settings.models).get("optimizer", "Adam")),
        "backend": record.settings.backend,
        "implementation": ", `implementation=1`" if "implementation" in plain else "",
        "epsilon": EPSILON,
        "batch_size": record.settings.batch_size,
        "evaluate_batch_size": article.evaluate_batch_size,
        "article_keras": article.software["keras"],
        "article_backend": article.software["backend"],
    }
    return [d.text.format_map(fields) for d in stack.deviations_for(s)]


SIZE_LABELS = {"train_samples": "training reviews", "test_samples": "test reviews", "epochs": "epochs",
               "batch_size": "batch size", "maxlen": "sequence length", "num_words": "vocabulary"}  # fmt: skip


def deviation_text(d: Deviation, stack: str, article: Article) -> str:
    """One line of the report's deviations: judge found it, this words it (foreign text escaped)."""
    if d.kind == found.SIZE:
        return f"{SIZE_LABELS[d.about]}: {d.here} (article: {d.article})."
    if d.kind == found.STEPS:
        return (
            f"{d.here} steps per epoch instead of all {d.article}: the rest of each epoch is predicted from the "
            "steady per-step time."
        )
    if d.kind == found.REPEATS:
        return (
            f"Runs done per model: {runs_text(d.here)}, of {d.facts['planned']} planned, interleaved "
            "(the article: one run each)." + stopping_text(d.facts, article)
        )
    if d.kind == found.CUT_SHORT:
        return f"The plan was cut short: the file holds {d.here} of its {d.article} planned runs."
    if d.kind == found.TF32:
        if d.here is None:
            return "TF32 not controlled (results from before the option): Ampere and newer GPUs used it by default."
        return f"TF32 allowed (`--tf32`): float32 matmuls and cuDNN may round to TF32; the {article.gpu} had none."
    if d.kind == found.PARAMETERS:
        return (
            f"{d.about} has {d.here:,} parameters here, {d.article:,} in Keras 2.0.9 "
            f"({STACK_FACTS[stack].parameters_why or 'the layers as recorded'})."
        )
    if d.kind == found.MODELS:
        count = f"All {d.article}" if len(d.here) == d.article else f"Only {len(d.here)} of the article's {d.article}"
        order = f", interleaved in the order they ran: {', '.join(d.here)}" if len(d.here) > 1 else ""
        return (
            f"{count} models ran ({', '.join(d.here) or 'none'}){order} (the article ran the plain and cuDNN "
            "pairs in two notebook sessions)."
        )
    if d.kind == found.TEARDOWN:
        most = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in d.here.items())
        return (
            f"The `fit()` calls hold a wait after training ended (at most: {most}), inside the compared time: "
            "Keras destroyed its tf.data iterator there, which waits for tf.data's autotune thread to wake (its "
            "sleep doubles from 10 ms to 60 s); Keras 2.0.9 fed numpy batches, without tf.data. The stack "
            "now holds the iterator until the clock has stopped."
        )
    if d.kind == found.DATA:
        return f"Data: {escape(d.here)}."
    return (
        f"Hardware: {escape(d.here) if d.here is not None else 'no GPU'}, {escape(d.facts['cpu'])} "
        f"(article: {article.hardware()})."
    )


def stopping_text(facts: dict, article: Article) -> str:
    """The stopping rule, its looks and why the run stopped, as the results file records them."""
    if not facts.get("most"):
        return ""
    short = {c.id: c.short for c in article.claims}
    text = (
        f" The stopping rule: up to {facts['most']} repeats while a claim this host can judge is undecided, "
        "each look's intervals wide enough that their 95 % coverage holds whichever look it stops at"
    )
    if facts["looks"] is None:
        return text + "; no look recorded (the plan was cut short)."
    looks = "; ".join(
        f"after {repeats}, undecided: {', '.join(short.get(i, i) for i in undecided) or 'none'}"
        for repeats, undecided in facts["looks"]
    )
    return f"{text}: {escape(looks)}" + (f"; stopped: {escape(facts['stopped'])}." if facts["stopped"] else ".")


def first_layer(record: Record, *models: str) -> Mapping:
    """The recorded layer options of the first of these models to run."""
    return next((layer for model, layer in record.layers.items() if model in models), {})


EPSILON = f"{ADAM_EPSILON:.0e}".replace("e-0", "e-")  # 1e-8, as Keras' documentation writes it
